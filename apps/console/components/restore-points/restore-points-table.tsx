"use client";
// A cluster's restore points, newest first, with what each is (snapshot of the shadow replica,
// shared-storage snapshot with its backup_label, or base backup), where it stands in the WAL,
// and a shortcut to restore to its data time.
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useMe } from "@/components/auth/use-me";
import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/error-text";
import { EmptyState } from "@/components/ui/page";
import { Badge } from "@/components/ui/state-badge";
import { Table, Td, Th, Tr } from "@/components/ui/table";
import { RelativeTime } from "@/components/ui/time";
import { formatBytes } from "@/lib/format";
import { formatInZone, type Zone } from "@/lib/time-input";
import { type TRestorePoint, useTRPC } from "@/lib/trpc";

const KIND_LABEL: Record<string, string> = {
  snapshot: "replica snapshot",
  shared: "shared-storage snapshot",
  "base-backup": "base backup",
};

export function RestorePointsTable({
  points,
  zone,
  onRestore,
}: {
  points: TRestorePoint[];
  zone: Zone;
  onRestore: (p: TRestorePoint) => void;
}) {
  if (points.length === 0) {
    return (
      <EmptyState title="No restore points yet" data-testid="restore-points-empty">
        The first one is taken when protection starts; then on the schedule, or with “Take restore point now”.
      </EmptyState>
    );
  }
  const newestFirst = [...points].reverse();
  return (
    <Table data-testid="restore-points-table">
      <thead>
        <tr>
          <Th>Taken</Th>
          <Th>Data time{zone === "utc" ? " (UTC)" : ""}</Th>
          <Th>LSN</Th>
          <Th className="text-right">Timeline</Th>
          <Th>Kind</Th>
          <Th className="text-right">Size</Th>
          <Th>Drill</Th>
          <Th className="text-right">Clones</Th>
          <Th>
            <span className="sr-only">Actions</span>
          </Th>
        </tr>
      </thead>
      <tbody>
        {newestFirst.map((p) => (
          <Tr key={p.id} data-testid="restore-point-row" data-id={p.id}>
            <Td>
              <RelativeTime at={p.createdAt} />
            </Td>
            <Td className="tabular-nums" data-testid="restore-point-data-time">
              {p.dataTime ? formatInZone(new Date(p.dataTime).getTime(), zone) : "—"}
            </Td>
            <Td className="font-mono text-[12px]" data-testid="restore-point-lsn">
              {p.lsn}
            </Td>
            <Td className="text-right tabular-nums">{p.timeline}</Td>
            <Td>
              {KIND_LABEL[p.kind] ?? p.kind}
              {p.hasBackupLabel && <span className="ml-1 text-[11px] text-zinc-500">+ backup_label</span>}
            </Td>
            <Td className="text-right tabular-nums">{formatBytes(p.sizeBytes)}</Td>
            <Td>
              {p.drillStatus === "never" ? (
                <span className="text-zinc-400">never</span>
              ) : (
                <Badge
                  tone={p.drillStatus === "passed" ? "good" : p.drillStatus === "failed" ? "bad" : "neutral"}
                >
                  {p.drillStatus}
                </Badge>
              )}
            </Td>
            <Td className="text-right tabular-nums">
              {p.clones > 0 ? (
                <Link href="/clones" className="hover:underline">
                  {p.clones}
                </Link>
              ) : (
                0
              )}
            </Td>
            <Td className="text-right">
              <Button
                variant="ghost"
                onClick={() => onRestore(p)}
                disabled={!p.dataTime}
                data-testid="restore-point-restore"
              >
                Restore to here…
              </Button>
            </Td>
          </Tr>
        ))}
      </tbody>
    </Table>
  );
}

/** "Take restore point now" (operators), or a full base backup. */
export function TakeRestorePoint({ cluster, disabled }: { cluster: string; disabled?: boolean }) {
  const trpc = useTRPC();
  const { can } = useMe();
  const [last, setLast] = useState<{ jobId: string; kind: string } | null>(null);
  const create = useMutation(
    trpc.restorePoints.create.mutationOptions({
      onSuccess: (r, input) => setLast({ jobId: r.jobId, kind: input.kind ?? "snapshot" }),
    }),
  );
  if (!can("operator")) return null;
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex gap-2">
        <Button
          onClick={() => create.mutate({ cluster, kind: "base-backup" })}
          disabled={disabled || create.isPending}
          data-testid="take-base-backup"
          title="A full copy (pg_basebackup); takes longer and uses more space than a snapshot"
        >
          Base backup
        </Button>
        <Button
          variant="primary"
          onClick={() => create.mutate({ cluster, kind: "snapshot" })}
          disabled={disabled || create.isPending}
          data-testid="take-restore-point"
        >
          Take restore point now
        </Button>
      </div>
      {last && !create.error && (
        <p className="text-[12px] text-zinc-500" data-testid="take-restore-point-started">
          {last.kind === "snapshot" ? "Restore point" : "Base backup"} queued:{" "}
          <Link href={`/jobs/${last.jobId}`} className="text-sky-700 hover:underline dark:text-sky-400">
            follow the job
          </Link>
        </p>
      )}
      <ErrorText error={create.error} className="max-w-md" />
    </div>
  );
}

"use client";
// The audit log (admins): who did what to which cluster — every restore, clone destroy and
// setting change — newest first.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { ErrorText } from "@/components/ui/error-text";
import { EmptyState, Loading } from "@/components/ui/page";
import { Table, Td, Th, Tr } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";

function details(d: unknown): string {
  if (d === null || d === undefined) return "";
  const s = JSON.stringify(d);
  return s === "{}" ? "" : s;
}

export function AuditLog() {
  const trpc = useTRPC();
  const audit = useQuery(trpc.audit.list.queryOptions({ limit: 200 }));
  const clusters = useQuery(trpc.clusters.list.queryOptions());
  const names = new Map((clusters.data ?? []).map((c) => [c.id, c.name]));
  if (audit.isLoading) return <Loading what="the audit log" />;
  if (audit.error) return <ErrorText error={audit.error} className="m-3" />;
  if (!audit.data?.length) return <EmptyState title="Nothing recorded yet" />;
  return (
    <div className="max-h-[32rem] overflow-y-auto">
      <Table data-testid="audit-table">
        <thead className="sticky top-0">
          <tr>
            <Th>When</Th>
            <Th>Who</Th>
            <Th>Action</Th>
            <Th>Cluster</Th>
            <Th>Target</Th>
            <Th>Details</Th>
          </tr>
        </thead>
        <tbody>
          {audit.data.map((a) => {
            const cluster = a.clusterId ? (names.get(a.clusterId) ?? a.clusterId) : null;
            return (
              <Tr key={a.id} data-testid="audit-row" data-action={a.action}>
                <Td className="tabular-nums">{formatDateTime(a.at)}</Td>
                <Td>{a.actor}</Td>
                <Td className="font-mono text-[12px]">{a.action}</Td>
                <Td>
                  {cluster ? (
                    <Link href={`/clusters/${encodeURIComponent(cluster)}`} className="hover:underline">
                      {cluster}
                    </Link>
                  ) : (
                    <span className="text-zinc-400">—</span>
                  )}
                </Td>
                <Td className="font-mono text-[12px]">{a.target ?? ""}</Td>
                <Td
                  className="max-w-80 truncate font-mono text-[11px] text-zinc-500"
                  title={details(a.details)}
                >
                  {details(a.details)}
                </Td>
              </Tr>
            );
          })}
        </tbody>
      </Table>
    </div>
  );
}

"use client";
// What a retention policy keeps and prunes, asked of the coordinator as the policy is edited
// (retention.preview changes nothing): the same packages/core rules the scheduled run applies.
import { skipToken, useQuery } from "@tanstack/react-query";
import { ErrorText } from "@/components/ui/error-text";
import { Badge } from "@/components/ui/state-badge";
import { Table, Td, Th, Tr } from "@/components/ui/table";
import { formatInZone, type Zone } from "@/lib/time-input";
import { type TRetentionPolicy, useTRPC } from "@/lib/trpc";
import { isSettled, useDebounced } from "@/lib/use-debounced";

const REASON_TEXT: Record<string, string> = {
  "policy-empty": "no policy",
  last: "keep last",
  hourly: "hourly",
  daily: "daily",
  weekly: "weekly",
  monthly: "monthly",
  window: "in window",
  newest: "newest",
  clone: "has clones",
  undated: "no time",
};

export function RetentionPreview({
  cluster,
  policy,
  zone,
}: {
  cluster: string;
  policy: TRetentionPolicy | null;
  zone: Zone;
}) {
  const trpc = useTRPC();
  const input = policy ? { cluster, policy } : null;
  const settled = useDebounced(input, 300);
  const preview = useQuery(
    trpc.retention.preview.queryOptions(settled ?? skipToken, {
      retry: false,
      placeholderData: (prev) => prev,
    }),
  );
  const stale = !isSettled(input, settled) || preview.isFetching;
  if (!policy) return null;
  if (preview.error && !stale) return <ErrorText error={preview.error} />;
  const d = preview.data;
  if (!d) return <p className="text-zinc-500">Working out what the policy keeps…</p>;
  const rows = [
    ...d.keep.map((k) => ({ id: k.id, createdAt: k.createdAt, lsn: k.lsn, keep: true, reasons: k.reasons })),
    ...d.prune.map((p) => ({
      id: p.id,
      createdAt: p.createdAt,
      lsn: p.lsn,
      keep: false,
      reasons: [] as string[],
    })),
  ].sort((a, b) => new Date(b.createdAt).getTime() - new Date(a.createdAt).getTime());
  return (
    <div
      data-testid="retention-preview"
      data-stale={stale}
      className={stale ? "opacity-60" : ""}
      aria-busy={stale}
    >
      <p className="mb-1.5">
        This policy keeps <strong data-testid="retention-keep-count">{d.keep.length}</strong> restore point
        {d.keep.length === 1 ? "" : "s"} and prunes{" "}
        <strong data-testid="retention-prune-count">{d.prune.length}</strong>
        {Object.keys(d.walPruneBefore).length > 0 && (
          <span className="text-zinc-500">
            {" "}
            · WAL no longer needed before{" "}
            {Object.entries(d.walPruneBefore)
              .map(([tl, lsn]) => `${lsn} (timeline ${tl})`)
              .join(", ")}
          </span>
        )}
        .
      </p>
      {rows.length > 0 && (
        <div className="max-h-64 overflow-y-auto rounded-md border border-zinc-200 dark:border-zinc-800">
          <Table>
            <thead>
              <tr>
                <Th>Taken{zone === "utc" ? " (UTC)" : ""}</Th>
                <Th>LSN</Th>
                <Th>Outcome</Th>
                <Th>Why kept</Th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <Tr key={r.id} data-testid="retention-row" data-outcome={r.keep ? "keep" : "prune"}>
                  <Td className="tabular-nums">{formatInZone(new Date(r.createdAt).getTime(), zone)}</Td>
                  <Td className="font-mono text-[12px]">{r.lsn}</Td>
                  <Td>{r.keep ? <Badge tone="good">keep</Badge> : <Badge tone="bad">prune</Badge>}</Td>
                  <Td className="text-[12px] text-zinc-500">
                    {r.reasons.map((x) => REASON_TEXT[x] ?? x).join(", ")}
                  </Td>
                </Tr>
              ))}
            </tbody>
          </Table>
        </div>
      )}
    </div>
  );
}

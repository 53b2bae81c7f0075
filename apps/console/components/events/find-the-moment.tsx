"use client";
// Find the moment: what the archived WAL says happened between two times (commits, aborts,
// drops, truncates, databases, restore points), read by the storage agent (`wal.events` job),
// with the destructive ones highlighted and, on each transaction, "Restore to just before this"
// (an exclusive transaction target in the restore dialog). Times are typed in the page's zone
// (lib/time-input.ts); the job's result arrives through live.onChange, nothing polls.
import { skipToken, useMutation, useQuery } from "@tanstack/react-query";
import { DESTRUCTIVE_WAL_EVENT_KINDS, type TWalEvent, type TWalEventsResult } from "@tideline/protocol";
import { useEffect, useState } from "react";
import { useMe } from "@/components/auth/use-me";
import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/error-text";
import { inputClass } from "@/components/ui/form";
import { EmptyState, Panel } from "@/components/ui/page";
import { formatInZone, parseInZone, timeMs, type Zone, zoneLabel } from "@/lib/time-input";
import { type TWindow, useTRPC } from "@/lib/trpc";

const HOUR_MS = 3_600_000;

const KIND_LABELS: Record<TWalEvent["kind"], string> = {
  commit: "commit",
  abort: "abort",
  "drop-relation": "DROP",
  truncate: "TRUNCATE",
  "rewrite-relation": "TRUNCATE or rewrite",
  "create-database": "CREATE DATABASE",
  "drop-database": "DROP DATABASE",
  "restore-point": "restore point",
};

const isDestructive = (e: TWalEvent) => DESTRUCTIVE_WAL_EVENT_KINDS.includes(e.kind);

/** A commit time with its microseconds, in the zone: "2026-12-02 16:08:18.838929". */
function eventTime(iso: string | null, zone: Zone): string {
  const ms = timeMs(iso);
  if (ms === null || !iso) return "—";
  const fraction = /\.(\d+)(?:Z|[+-]\d\d:?\d\d)$/.exec(iso)?.[1];
  return `${formatInZone(ms, zone)}${fraction ? `.${fraction}` : ""}`;
}

/** The newest commit the archive holds, else now: where a search for "what just happened" ends. */
function windowEnd(w: TWindow | undefined): number {
  const ends = (w?.timelines ?? []).map((t) => timeMs(t.to)).filter((t): t is number => t !== null);
  return ends.length ? Math.max(...ends) : Date.now();
}

export function FindTheMoment({
  cluster,
  zone,
  window: w,
  disabled,
  onRestore,
  onFound,
}: {
  cluster: string;
  zone: Zone;
  window: TWindow | undefined;
  disabled: boolean;
  onRestore: (prefill: { xid: string; timeline: number }) => void;
  /** The destructive events of the latest search, for the timeline to mark. */
  onFound?: (events: TWalEvent[]) => void;
}) {
  const trpc = useTRPC();
  const { can } = useMe();
  const [range, setRange] = useState(() => {
    const end = windowEnd(w);
    return { from: formatInZone(end - HOUR_MS, zone), to: formatInZone(end + 1000, zone) };
  });
  const [destructiveOnly, setDestructiveOnly] = useState(false);
  const search = useMutation(trpc.wal.events.mutationOptions());
  const jobId = search.data?.jobId;
  const job = useQuery(trpc.jobs.get.queryOptions(jobId ? { id: jobId } : skipToken));

  const from = parseInZone(range.from, zone);
  const to = parseInZone(range.to, zone);
  const rangeError = !from.ok
    ? `From: ${from.error}`
    : !to.ok
      ? `To: ${to.error}`
      : from.ms > to.ms
        ? "the range ends before it starts"
        : null;
  const state = job.data?.state;
  const running =
    search.isPending || (Boolean(jobId) && (!state || ["queued", "dispatched", "running"].includes(state)));
  const result = state === "succeeded" ? (job.data?.result as TWalEventsResult) : null;
  // the timeline marks what this search found
  useEffect(() => {
    if (result) onFound?.(result.events.filter(isDestructive));
  }, [result, onFound]);

  return (
    <Panel className="p-4" data-testid="events-panel">
      <h2 className="mb-1 font-semibold">Find the moment</h2>
      <p className="mb-3 text-[12px] text-zinc-500">
        What the archived WAL says happened: commits and aborts with their transaction id, and the drops,
        truncates and databases dropped that a restore can undo.
        {` Times in ${zoneLabel(zone)}.`}
      </p>
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (!from.ok || !to.ok || rangeError) return;
          // a typed time is a whole second: the range runs to the end of that second
          const end = /\.\d/.test(range.to) ? to.iso : new Date(to.ms + 999).toISOString();
          search.mutate({ cluster, from: from.iso, to: end, destructiveOnly });
        }}
        data-testid="events-form"
      >
        <label className="flex flex-col gap-1">
          From
          <input
            className={`${inputClass} w-48 font-mono`}
            value={range.from}
            onChange={(e) => setRange({ ...range, from: e.target.value })}
            data-testid="events-from"
          />
        </label>
        <label className="flex flex-col gap-1">
          To
          <input
            className={`${inputClass} w-48 font-mono`}
            value={range.to}
            onChange={(e) => setRange({ ...range, to: e.target.value })}
            data-testid="events-to"
          />
        </label>
        <label className="flex items-center gap-2 pb-1.5">
          <input
            type="checkbox"
            checked={destructiveOnly}
            onChange={(e) => setDestructiveOnly(e.target.checked)}
            data-testid="events-destructive-only"
          />
          only drops, truncates and restore points
        </label>
        <Button
          type="submit"
          variant="secondary"
          disabled={disabled || running || !!rangeError}
          data-testid="events-search"
        >
          {running ? "Reading the WAL…" : "Find events"}
        </Button>
      </form>
      {rangeError && (
        <p className="mt-2 text-[12px] text-red-700 dark:text-red-300" data-testid="events-range-error">
          {rangeError}
        </p>
      )}
      <ErrorText error={search.error ?? job.error} className="mt-2" />
      {state === "failed" || state === "cancelled" ? (
        <p role="alert" className="mt-2 text-red-700 dark:text-red-300" data-testid="events-failed">
          {job.data?.error ? `${job.data.error.code}: ${job.data.error.message}` : `The search was ${state}.`}
        </p>
      ) : null}
      {result && (
        <EventsTable
          result={result}
          zone={zone}
          restoreLabel={
            can("operator") ? "Restore to just before this" : "Plan a restore to just before this"
          }
          onRestore={onRestore}
        />
      )}
    </Panel>
  );
}

function EventsTable({
  result,
  zone,
  restoreLabel,
  onRestore,
}: {
  result: TWalEventsResult;
  zone: Zone;
  restoreLabel: string;
  onRestore: (prefill: { xid: string; timeline: number }) => void;
}) {
  const c = result.counts;
  return (
    <div className="mt-3" data-testid="events-result">
      <p className="mb-2 text-[12px] text-zinc-600 dark:text-zinc-400" data-testid="events-summary">
        {c.commits} commit{c.commits === 1 ? "" : "s"}, {c.aborts} abort{c.aborts === 1 ? "" : "s"},{" "}
        <span className={c.destructive ? "font-medium text-red-700 dark:text-red-300" : ""}>
          {c.destructive} destructive
        </span>
        , {c.restorePoints} restore point{c.restorePoints === 1 ? "" : "s"} · {result.filesRead} WAL file
        {result.filesRead === 1 ? "" : "s"} read
        {result.truncated && (
          <span className="ml-1 text-amber-700 dark:text-amber-300" data-testid="events-truncated">
            · only the first {result.events.length} are shown: narrow the range or show only the destructive
            ones
          </span>
        )}
      </p>
      {result.events.length === 0 ? (
        <EmptyState title="Nothing in this range" data-testid="events-empty">
          {result.archiveEnd
            ? `The archive holds commits up to ${eventTime(result.archiveEnd, zone)}.`
            : "The archive holds no commits yet."}
        </EmptyState>
      ) : (
        <table className="w-full text-left text-[13px]">
          <thead className="text-[12px] text-zinc-500">
            <tr>
              <th className="px-2 py-1 font-medium">Time</th>
              <th className="px-2 py-1 font-medium">Event</th>
              <th className="px-2 py-1 font-medium">Transaction</th>
              <th className="px-2 py-1 font-medium">LSN</th>
              <th className="px-2 py-1 font-medium">What the WAL says</th>
              <th className="px-2 py-1" />
            </tr>
          </thead>
          <tbody>
            {result.events.map((e) => {
              const destructive = isDestructive(e);
              return (
                <tr
                  key={`${e.timeline}:${e.lsn}`}
                  className={`border-t border-zinc-100 dark:border-zinc-800 ${destructive ? "bg-red-50 dark:bg-red-950/40" : ""}`}
                  data-testid="event-row"
                  data-kind={e.kind}
                  data-xid={e.xid ?? ""}
                  data-destructive={destructive}
                >
                  <td className="px-2 py-1 font-mono tabular-nums whitespace-nowrap">
                    {eventTime(e.time, zone)}
                  </td>
                  <td
                    className={`px-2 py-1 whitespace-nowrap ${destructive ? "font-semibold text-red-700 dark:text-red-300" : ""}`}
                  >
                    {KIND_LABELS[e.kind]}
                    {e.name ? ` “${e.name}”` : ""}
                  </td>
                  <td className="px-2 py-1 font-mono">{e.xid ?? "—"}</td>
                  <td className="px-2 py-1 font-mono">{e.lsn}</td>
                  <td className="px-2 py-1 text-zinc-600 dark:text-zinc-400">{e.detail}</td>
                  <td className="px-2 py-1 text-right whitespace-nowrap">
                    {e.xid && (
                      <Button
                        variant={destructive ? "danger" : "ghost"}
                        onClick={() => onRestore({ xid: e.xid!, timeline: e.timeline })}
                        data-testid="event-restore-before"
                      >
                        {restoreLabel}
                      </Button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

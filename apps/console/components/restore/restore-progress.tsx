"use client";
// After "Restore": the clone.create job's progress bar and its log as the agent streams it,
// then — when the clone is ready — where it is, what it reached, and its connection string.
// Everything refreshes from live.onChange (job and clone events); nothing polls.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { EventLog, JobProgress } from "@/components/jobs/job-detail";
import { CopyButton } from "@/components/ui/copy-button";
import { ErrorText } from "@/components/ui/error-text";
import { Badge, type Tone } from "@/components/ui/state-badge";
import { RelativeTime } from "@/components/ui/time";
import { cloneError } from "@/lib/clones";
import { formatDuration } from "@/lib/format";
import { formatInZone, timeMs, type Zone } from "@/lib/time-input";
import { useTRPC } from "@/lib/trpc";

const STATE_TONES: Record<string, Tone> = {
  creating: "info",
  ready: "good",
  failed: "bad",
  destroying: "warn",
};

export function RestoreProgress({ cloneId, jobId, zone }: { cloneId: string; jobId: string; zone: Zone }) {
  const trpc = useTRPC();
  const clone = useQuery(trpc.clones.get.queryOptions({ id: cloneId }));
  const job = useQuery(trpc.jobs.get.queryOptions({ id: jobId }));
  const c = clone.data;
  const state = c?.state ?? "creating";
  const failure =
    c && state === "failed"
      ? (cloneError(c.error) ??
        (job.data?.error ? `${job.data.error.code}: ${job.data.error.message}` : null))
      : null;
  const reached = timeMs(c?.reachedTime ?? null);
  return (
    <div className="space-y-3" data-testid="restore-progress" data-state={state}>
      <div className="flex items-center gap-2">
        <Badge tone={STATE_TONES[state] ?? "neutral"} data-testid="clone-state">
          {state === "creating" && (
            <span aria-hidden className="size-1.5 animate-pulse rounded-full bg-current" />
          )}
          {state === "creating" ? "creating the clone" : state}
        </Badge>
        <span className="text-zinc-500">
          clone{" "}
          <span className="font-mono" data-testid="clone-id">
            {cloneId}
          </span>{" "}
          ·{" "}
          <Link href={`/jobs/${jobId}`} className="hover:underline">
            job
          </Link>
        </span>
      </div>
      <ErrorText error={clone.error ?? job.error} />
      {job.data && state !== "ready" && <JobProgress job={job.data} />}
      {failure && (
        <p
          role="alert"
          data-testid="restore-failed"
          className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-red-800 dark:border-red-900 dark:bg-red-950/60 dark:text-red-200"
        >
          {failure}
        </p>
      )}
      {c && state === "ready" && (
        <div
          className="space-y-2 rounded-md border border-emerald-200 bg-emerald-50/60 px-3 py-2.5 dark:border-emerald-900 dark:bg-emerald-950/30"
          data-testid="clone-ready"
        >
          <p className="font-medium text-emerald-900 dark:text-emerald-200">
            The clone is ready{c.seconds !== null ? ` (in ${formatDuration(c.seconds * 1000)})` : ""}
          </p>
          <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1">
            <dt className="text-zinc-500">Reached</dt>
            <dd data-testid="clone-reached">
              {reached !== null ? `${formatInZone(reached, zone)}${zone === "utc" ? " UTC" : ""}` : "—"}
              {c.reachedLsn && (
                <>
                  {" "}
                  · LSN <span className="font-mono">{c.reachedLsn}</span>
                </>
              )}
            </dd>
            <dt className="text-zinc-500">Host, port</dt>
            <dd className="font-mono">
              {c.host}:{c.port}
            </dd>
            <dt className="text-zinc-500">Expires</dt>
            <dd>{c.protected ? "never (protected)" : <RelativeTime at={c.expiresAt} />}</dd>
          </dl>
          {c.connectionString ? (
            <div>
              <div className="mb-1 flex items-center justify-between">
                <span className="text-[11px] font-semibold tracking-wide text-zinc-500 uppercase">
                  Connection string
                </span>
                <CopyButton text={c.connectionString} label="Copy" data-testid="copy-connection-string" />
              </div>
              <code
                data-testid="clone-connection-string"
                className="block rounded-md bg-zinc-950 px-3 py-1.5 font-mono text-[12px] break-all text-zinc-100"
              >
                {c.connectionString}
              </code>
            </div>
          ) : (
            <p className="text-zinc-500">
              The connection string (with its password) is shown to operators and the clone's owner.
            </p>
          )}
        </div>
      )}
      {job.data && (
        <details open={state !== "ready"} className="rounded-md">
          <summary className="cursor-pointer text-[12px] text-zinc-500">
            Job log ({job.data.events.length} events)
          </summary>
          <div className="mt-1">
            <EventLog job={job.data} maxHeight="max-h-48" />
          </div>
        </details>
      )}
    </div>
  );
}

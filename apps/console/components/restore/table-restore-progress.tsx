"use client";
// After "Restore tables": first the clone at the target (its job's progress), then the load into
// the primary (the table.restore job's progress), then the tables with their rows — or the
// reason it failed. Refreshes from live.onChange (job and clone events); nothing polls.
import { skipToken, useQuery } from "@tanstack/react-query";
import { JobProgress } from "@/components/jobs/job-detail";
import { ErrorText } from "@/components/ui/error-text";
import { Badge, type Tone } from "@/components/ui/state-badge";
import { formatBytes } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";

const STEP: Record<string, { label: string; tone: Tone }> = {
  "waiting-for-clone": { label: "making a clone at the target", tone: "info" },
  loading: { label: "loading into the primary", tone: "info" },
  succeeded: { label: "restored", tone: "good" },
  failed: { label: "failed", tone: "bad" },
};

type LoadResult = {
  tables: Array<{ from: string; into: string; rows: number }>;
  database: string;
  bytes: number;
  seconds: number;
};

export function TableRestoreProgress({ cloneId, jobId }: { cloneId: string; jobId: string }) {
  const trpc = useTRPC();
  const clone = useQuery(trpc.clones.get.queryOptions({ id: cloneId }));
  const follow = clone.data?.followUp ?? null;
  const cloneJob = useQuery(trpc.jobs.get.queryOptions({ id: jobId }));
  const loadJob = useQuery(trpc.jobs.get.queryOptions(follow?.jobId ? { id: follow.jobId } : skipToken));
  const cloneFailed = clone.data?.state === "failed";
  const state = cloneFailed ? "failed" : (follow?.state ?? "waiting-for-clone");
  const step = STEP[state] ?? STEP["waiting-for-clone"]!;
  const error = follow?.error ?? (cloneFailed ? (cloneJob.data?.error ?? null) : null);
  const result = follow?.state === "succeeded" ? (follow.result as LoadResult) : null;
  const running = state === "loading" ? loadJob.data : state === "waiting-for-clone" ? cloneJob.data : null;
  return (
    <div className="space-y-3" data-testid="table-restore-progress" data-state={state}>
      <Badge tone={step.tone} data-testid="table-restore-state">
        {(state === "waiting-for-clone" || state === "loading") && (
          <span aria-hidden className="size-1.5 animate-pulse rounded-full bg-current" />
        )}
        {step.label}
      </Badge>
      <ErrorText error={clone.error ?? cloneJob.error ?? loadJob.error} />
      {running && <JobProgress job={running} />}
      {error && (
        <p role="alert" className="text-red-700 dark:text-red-300" data-testid="table-restore-error">
          {error.code}: {error.message}
        </p>
      )}
      {result && (
        <div data-testid="table-restore-result">
          {result.tables.length ? (
            <ul className="space-y-1">
              {result.tables.map((t) => (
                <li key={t.into}>
                  <span className="font-mono">{t.from}</span> →{" "}
                  <span className="font-mono" data-testid="table-restore-into">
                    {t.into}
                  </span>
                  :{" "}
                  <span className="tabular-nums" data-testid="table-restore-rows">
                    {t.rows}
                  </span>{" "}
                  rows
                </li>
              ))}
            </ul>
          ) : (
            <p>
              database restored as <span className="font-mono">{result.database}</span>
            </p>
          )}
          <p className="mt-1 text-[12px] text-zinc-500">
            {formatBytes(result.bytes)} copied in {result.seconds.toFixed(1)} s; the clone is destroyed.
          </p>
        </div>
      )}
    </div>
  );
}

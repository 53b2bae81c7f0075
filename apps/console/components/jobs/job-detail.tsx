"use client";
// One job: state, progress with bytes, rate and time left, the event log as it grows, and
// Cancel / Retry for operators. Everything updates from live.onChange; nothing polls.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { useMe } from "@/components/auth/use-me";
import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/error-text";
import { Field, Loading, PageHeader, Panel } from "@/components/ui/page";
import { ProgressBar } from "@/components/ui/progress-bar";
import { StateBadge } from "@/components/ui/state-badge";
import { RelativeTime, useNow } from "@/components/ui/time";
import { formatBytes, formatDateTime, formatDuration, formatPercent, formatRate } from "@/lib/format";
import { type TJobDetail, useTRPC } from "@/lib/trpc";
import { ACTIVE_STATES, RETRYABLE_STATES } from "./job-states";

export function JobDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const job = useQuery(trpc.jobs.get.queryOptions({ id }));
  return (
    <>
      <p className="mb-2 text-[12px]">
        <Link href="/jobs" className="text-zinc-500 hover:underline">
          ← Jobs
        </Link>
      </p>
      {job.isLoading ? (
        <Loading what="the job" />
      ) : job.error ? (
        <ErrorText error={job.error} />
      ) : job.data ? (
        <JobView job={job.data} />
      ) : null}
    </>
  );
}

function JobView({ job }: { job: TJobDetail }) {
  const active = ACTIVE_STATES.has(job.state);
  return (
    <div data-testid="job-detail" data-job-id={job.id} data-state={job.state}>
      <PageHeader
        title={job.kind}
        description={<span className="font-mono text-[12px]">{job.id}</span>}
        actions={<JobActions job={job} />}
      />
      <div className="grid gap-4">
        <Panel className="p-4">
          <div className="mb-3 flex items-center gap-3">
            <StateBadge state={job.state} data-testid="job-state" />
            {job.state === "running" && job.attempts > 1 && (
              <span className="text-zinc-500">
                attempt {job.attempts} of {job.maxAttempts}
              </span>
            )}
          </div>
          <JobProgress job={job} />
          <dl className="mt-4 grid grid-cols-2 gap-x-6 gap-y-3 md:grid-cols-3 lg:grid-cols-6">
            <Field label="Agent">{job.agentName}</Field>
            <Field label="Attempts">
              {job.attempts} of {job.maxAttempts}
            </Field>
            <Field label="Created">
              <RelativeTime at={job.createdAt} />
            </Field>
            <Field label="Started">{job.startedAt ? <RelativeTime at={job.startedAt} /> : "—"}</Field>
            <Field label="Finished">
              {job.finishedAt ? <RelativeTime at={job.finishedAt} /> : active ? "not yet" : "—"}
            </Field>
            <Field label="Duration">
              <Elapsed job={job} />
            </Field>
          </dl>
          {job.error && (
            <p
              role="alert"
              data-testid="job-error"
              className="mt-4 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-red-800 dark:border-red-900 dark:bg-red-950/60 dark:text-red-200"
            >
              {job.error.code}: {job.error.message}
            </p>
          )}
        </Panel>
        <EventLog job={job} />
        <div className="grid gap-4 lg:grid-cols-2">
          <FactsPanel title="Request" facts={job.facts.request} empty="—" />
          <FactsPanel
            title="Outcome"
            facts={job.facts.outcome}
            empty={job.state === "succeeded" ? "—" : active ? "not finished yet" : "no outcome"}
          />
        </div>
      </div>
    </div>
  );
}

function JobActions({ job }: { job: TJobDetail }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { can } = useMe();
  const refresh = () => queryClient.invalidateQueries(trpc.jobs.get.queryFilter({ id: job.id }));
  const cancel = useMutation(trpc.jobs.cancel.mutationOptions({ onSuccess: refresh }));
  const retry = useMutation(
    trpc.jobs.retry.mutationOptions({ onSuccess: (r) => router.push(`/jobs/${r.jobId}`) }),
  );
  if (!can("operator")) return null;
  const cancelling = cancel.data?.state === "cancelling" && ACTIVE_STATES.has(job.state);
  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex gap-2">
        {ACTIVE_STATES.has(job.state) && (
          <Button
            variant="danger"
            onClick={() => cancel.mutate({ id: job.id })}
            disabled={cancel.isPending || cancelling}
            data-testid="job-cancel"
          >
            {cancelling ? "Cancelling…" : "Cancel"}
          </Button>
        )}
        {RETRYABLE_STATES.has(job.state) && (
          <Button
            variant="primary"
            onClick={() => retry.mutate({ id: job.id })}
            disabled={retry.isPending}
            data-testid="job-retry"
          >
            Retry
          </Button>
        )}
      </div>
      <ErrorText error={cancel.error ?? retry.error} className="max-w-md" />
    </div>
  );
}

export function JobProgress({ job }: { job: TJobDetail }) {
  const now = useNow();
  const t = Math.max(now, Date.now());
  const started = job.startedAt ? new Date(job.startedAt).getTime() : null;
  const end = job.finishedAt ? new Date(job.finishedAt).getTime() : t;
  const elapsedS = started ? Math.max(0.001, (end - started) / 1000) : null;
  const rate = elapsedS && job.bytesDone > 0 ? job.bytesDone / elapsedS : null;
  const left =
    job.state === "running" && started && job.progress > 0.01 && job.progress < 1
      ? ((t - started) * (1 - job.progress)) / job.progress
      : null;
  return (
    <div>
      <ProgressBar
        value={job.progress}
        state={job.state}
        size="md"
        label="job progress"
        data-testid="job-progress"
      />
      <div className="mt-1.5 flex flex-wrap gap-x-4 text-[12px] tabular-nums text-zinc-600 dark:text-zinc-400">
        <span data-testid="job-progress-percent">{formatPercent(job.progress)}</span>
        <span data-testid="job-bytes">
          {job.bytesDone > 0 || job.bytesTotal
            ? `${formatBytes(job.bytesDone)}${job.bytesTotal ? ` of ${formatBytes(job.bytesTotal)}` : ""}`
            : "no byte count"}
        </span>
        {rate !== null && <span data-testid="job-rate">{formatRate(rate)} average</span>}
        {left !== null && <span>about {formatDuration(left)} left</span>}
      </div>
    </div>
  );
}

function Elapsed({ job }: { job: TJobDetail }) {
  const now = useNow();
  if (!job.startedAt) return <>—</>;
  const end = job.finishedAt ? new Date(job.finishedAt).getTime() : Math.max(now, Date.now());
  return <>{formatDuration(end - new Date(job.startedAt).getTime())}</>;
}

const LEVEL_CLASS: Record<string, string> = {
  error: "text-red-700 dark:text-red-300",
  warn: "text-amber-700 dark:text-amber-300",
  debug: "text-zinc-400",
};

export function EventLog({ job, maxHeight = "max-h-96" }: { job: TJobDetail; maxHeight?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const count = job.events.length;
  // follow the log like `tail -f`, unless the reader has scrolled up
  useEffect(() => {
    const el = box.current;
    if (el && stick.current && count >= 0) el.scrollTop = el.scrollHeight;
  }, [count]);
  return (
    <Panel>
      <div className="flex items-center justify-between border-b border-zinc-200 px-3 py-1.5 dark:border-zinc-800">
        <h2 className="text-[11px] font-semibold tracking-wide text-zinc-500 uppercase">Event log</h2>
        <span className="text-[11px] text-zinc-500">{count} events</span>
      </div>
      <div
        ref={box}
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
        className={`${maxHeight} overflow-y-auto font-mono text-[12px]`}
        data-testid="job-events"
        role="log"
        aria-live="polite"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable log must be reachable by keyboard to scroll it
        tabIndex={0}
      >
        {count === 0 ? (
          <p className="px-3 py-3 text-zinc-500">No events yet.</p>
        ) : (
          <ol>
            {job.events.map((e) => (
              <li
                key={e.id}
                data-testid="job-event"
                className="flex gap-3 border-b border-zinc-100 px-3 py-0.5 last:border-0 dark:border-zinc-800/60"
              >
                <time className="shrink-0 text-zinc-500" dateTime={new Date(e.at).toISOString()}>
                  {formatDateTime(e.at).slice(11, 19)}
                </time>
                <span className="w-16 shrink-0 text-zinc-500">{e.type}</span>
                <span className={`min-w-0 break-words ${LEVEL_CLASS[e.level] ?? ""}`}>{e.message}</span>
              </li>
            ))}
          </ol>
        )}
      </div>
    </Panel>
  );
}

/** Label/value facts the coordinator derived from the job (never the raw payload, never a secret). */
function FactsPanel({ title, facts, empty }: { title: string; facts: TJobDetail["facts"]["request"]; empty: string }) {
  return (
    <Panel>
      <h2 className="border-b border-zinc-200 px-3 py-1.5 text-[11px] font-semibold tracking-wide text-zinc-500 uppercase dark:border-zinc-800">
        {title}
      </h2>
      {facts.length === 0 ? (
        <p className="px-3 py-2 text-zinc-500">{empty}</p>
      ) : (
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 px-3 py-2" data-testid={`job-${title.toLowerCase()}`}>
          {facts.map((f) => (
            <div key={f.label} className="contents">
              <dt className="text-zinc-500">{f.label}</dt>
              <dd className="min-w-0 break-words tabular-nums">{f.value}</dd>
            </div>
          ))}
        </dl>
      )}
    </Panel>
  );
}

"use client";
// Jobs: the newest jobs first, live (the list refetches when live.onChange reports a job
// change), filterable by state; the filter lives in the URL so it survives a reload.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { ErrorText } from "@/components/ui/error-text";
import { EmptyState, Loading, PageHeader, Panel } from "@/components/ui/page";
import { ProgressBar } from "@/components/ui/progress-bar";
import { StateBadge } from "@/components/ui/state-badge";
import { Table, Td, Th, Tr } from "@/components/ui/table";
import { RelativeTime } from "@/components/ui/time";
import { formatDuration, formatPercent } from "@/lib/format";
import { type TJob, useTRPC } from "@/lib/trpc";
import { isJobState, JOB_STATES } from "./job-states";

export function JobsPage() {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const raw = params.get("state");
  const state = isJobState(raw) ? raw : undefined;
  const jobs = useQuery(
    trpc.jobs.list.queryOptions({ state, limit: 200 }, { placeholderData: (prev) => prev }),
  );

  const setState = (s: string) => {
    const next = new URLSearchParams(params.toString());
    if (s) next.set("state", s);
    else next.delete("state");
    const q = next.toString();
    router.replace(q ? `${pathname}?${q}` : pathname, { scroll: false });
  };

  return (
    <>
      <PageHeader
        title="Jobs"
        description="Backups, restore points, restores and checks, as the agents run them"
        actions={
          <label className="flex items-center gap-2 text-zinc-600 dark:text-zinc-400">
            State
            <select
              value={state ?? ""}
              onChange={(e) => setState(e.target.value)}
              data-testid="jobs-state-filter"
              className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
            >
              <option value="">all</option>
              {JOB_STATES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        }
      />
      <ErrorText error={jobs.error} className="mb-3" />
      <Panel>
        {jobs.isLoading ? (
          <Loading what="jobs" />
        ) : !jobs.data?.length ? (
          <EmptyState title={state ? `No ${state} jobs` : "No jobs yet"} data-testid="jobs-empty">
            Jobs appear here as soon as they are queued: restore points, base backups, restores, inspections.
          </EmptyState>
        ) : (
          <JobsTable jobs={jobs.data} />
        )}
      </Panel>
    </>
  );
}

export function JobsTable({ jobs }: { jobs: TJob[] }) {
  return (
    <Table data-testid="jobs-table">
      <thead>
        <tr>
          <Th>Job</Th>
          <Th>Agent</Th>
          <Th>State</Th>
          <Th className="w-56">Progress</Th>
          <Th>Created</Th>
          <Th>Finished</Th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((j) => (
          <Tr key={j.id} data-testid="job-row" data-job-id={j.id} data-state={j.state}>
            <Td>
              <Link href={`/jobs/${j.id}`} className="font-medium hover:underline" data-testid="job-link">
                {j.kind}
              </Link>
              <div className="font-mono text-[11px] text-zinc-500">{j.id}</div>
            </Td>
            <Td>{j.agentName}</Td>
            <Td>
              <StateBadge state={j.state} data-testid="job-state" />
              {j.attempts > 1 && <span className="ml-1 text-[11px] text-zinc-500">attempt {j.attempts}</span>}
            </Td>
            <Td>
              <div className="flex items-center gap-2">
                <ProgressBar value={j.progress} state={j.state} label={`${j.kind} progress`} />
                <span className="w-9 text-right text-[12px] tabular-nums text-zinc-500">
                  {formatPercent(j.progress)}
                </span>
              </div>
            </Td>
            <Td>
              <RelativeTime at={j.createdAt} />
            </Td>
            <Td>
              {j.finishedAt ? (
                <span>
                  <RelativeTime at={j.finishedAt} />
                  {j.startedAt && (
                    <span className="text-zinc-500">
                      {" "}
                      · took{" "}
                      {formatDuration(new Date(j.finishedAt).getTime() - new Date(j.startedAt).getTime())}
                    </span>
                  )}
                </span>
              ) : (
                <span className="text-zinc-400">—</span>
              )}
            </Td>
          </Tr>
        ))}
      </tbody>
    </Table>
  );
}

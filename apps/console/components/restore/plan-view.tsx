// The planner's answer, before anything runs: which restore point, how much WAL the clone replays
// (from the point's redo pointer), where it should end up and about how long it takes, at a rate
// measured on the pool or a default that says so — or its refusal, word for word.

import { errorCode, errorMessage } from "@/lib/errors";
import { formatBytes, formatDuration, formatRate } from "@/lib/format";
import { formatInZone, timeMs, type Zone } from "@/lib/time-input";
import type { TRestorePlan } from "@/lib/trpc";

function Row({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <>
      <dt className="text-zinc-500">{label}</dt>
      <dd className="min-w-0" data-testid={testId}>
        {children}
      </dd>
    </>
  );
}

export function PlanView({ plan, zone, stale }: { plan: TRestorePlan; zone: Zone; stale: boolean }) {
  const rp = plan.restorePoint;
  const when = (t: Date | string | null) => {
    const ms = timeMs(t);
    return ms === null ? "unknown" : `${formatInZone(ms, zone)}${zone === "utc" ? " UTC" : ""}`;
  };
  return (
    <div
      data-testid="restore-plan"
      data-stale={stale}
      className={`rounded-md border border-emerald-200 bg-emerald-50/60 px-3 py-2.5 transition-opacity dark:border-emerald-900 dark:bg-emerald-950/30 ${stale ? "opacity-60" : ""}`}
      aria-busy={stale}
    >
      <p className="mb-2 font-medium text-emerald-900 dark:text-emerald-200">The plan</p>
      <dl className="grid grid-cols-[10rem_1fr] gap-x-3 gap-y-1">
        <Row label="Start from" testId="plan-restore-point">
          {rp.kind === "base-backup" ? "base backup" : "restore point"}{" "}
          <span className="font-mono">{rp.lsn}</span> on timeline {rp.timeline}, data time {when(rp.dataTime)}
        </Row>
        <Row label="Recovery timeline" testId="plan-timeline">
          {plan.timeline}
        </Row>
        <Row label="WAL to replay" testId="plan-wal-bytes">
          replays {plan.replayBytesUpperBound ? "up to " : ""}
          {formatBytes(plan.replayBytes)} of WAL, ≈ {formatDuration(plan.estimatedSeconds * 1000)}{" "}
          <span className="text-zinc-500">
            ({plan.replayBytes.toLocaleString("en")} bytes from the redo pointer{" "}
            <span className="font-mono">{plan.redoLsn}</span>
            {plan.replayBytesUpperBound ? ", at most" : ""})
          </span>
        </Row>
        <Row label="Expected to reach" testId="plan-expected">
          {plan.expected.time ? when(plan.expected.time) : "—"}
          {plan.expected.lsn && (
            <>
              {" "}
              · LSN <span className="font-mono">{plan.expected.lsn}</span>
            </>
          )}
          {plan.endOfWal && (
            <span className="ml-1 font-medium text-amber-700 dark:text-amber-300">(end of WAL)</span>
          )}
        </Row>
        <Row label="Ready in about" testId="plan-estimate">
          {formatDuration(plan.estimatedSeconds * 1000)}{" "}
          <span className="text-zinc-500" data-testid="plan-rate">
            (start-up {formatDuration(plan.estimate.startSeconds * 1000)}, replay at{" "}
            {formatRate(plan.estimate.bytesPerSecond)}
            {plan.estimate.measured
              ? ", measured on this pool"
              : ", a default: not measured on this pool yet"}
            )
          </span>
        </Row>
      </dl>
      {plan.notes.length > 0 && (
        <ul
          className="mt-2 list-disc space-y-0.5 pl-5 text-[12px] text-zinc-700 dark:text-zinc-300"
          data-testid="plan-notes"
        >
          {plan.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function PlanRefusal({ error }: { error: unknown }) {
  return (
    <div
      role="alert"
      data-testid="plan-refusal"
      data-code={errorCode(error) ?? ""}
      className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-red-800 dark:border-red-900 dark:bg-red-950/60 dark:text-red-200"
    >
      <p className="font-medium">The planner refuses this target</p>
      <p className="mt-0.5" data-testid="plan-refusal-message">
        {errorMessage(error)}
      </p>
    </div>
  );
}

// How a cluster's health reads on every page: a status badge whose word says what the colour
// says, and problems written out with their reason and their fix.
import { Badge, StateBadge, type Tone } from "@/components/ui/state-badge";
import { RelativeTime } from "@/components/ui/time";
import { formatDuration } from "@/lib/format";
import type { LastDrill, Problem } from "@/lib/health";

const STATUS_TONES: Record<string, Tone> = {
  ok: "good",
  warning: "warn",
  error: "bad",
  "no report": "neutral",
};

/** "ok" / "warning" / "error" for a protected cluster, its lifecycle state otherwise. */
export function ClusterStatusBadge({
  status,
  ...rest
}: { status: string } & React.HTMLAttributes<HTMLSpanElement>) {
  const tone = STATUS_TONES[status];
  if (!tone) return <StateBadge state={status} {...rest} />;
  return (
    <Badge tone={tone} data-status={status} {...rest}>
      {status}
    </Badge>
  );
}

export function ProblemList({ problems, className = "" }: { problems: Problem[]; className?: string }) {
  if (problems.length === 0) return null;
  return (
    <ul className={`space-y-1.5 ${className}`} data-testid="problems">
      {problems.map((p, i) => (
        <li
          // a cluster can report the same code twice (two pools nearly full)
          // biome-ignore lint/suspicious/noArrayIndexKey: problems have no id of their own
          key={`${p.code}-${i}`}
          data-testid="problem"
          data-code={p.code}
          className="rounded-md border border-red-200 bg-red-50 px-2.5 py-1.5 text-red-800 dark:border-red-900 dark:bg-red-950/50 dark:text-red-200"
        >
          <p className="whitespace-normal">
            <span className="font-mono text-[11px] font-semibold">{p.code}</span>{" "}
            <span data-testid="problem-message">{p.message}</span>
          </p>
          {p.fix && (
            <p className="mt-0.5 whitespace-normal text-[12px]" data-testid="problem-fix">
              <span className="font-semibold">Fix:</span> {p.fix}
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}

export function DrillResult({ drill }: { drill: LastDrill | null }) {
  if (!drill) return <span className="text-zinc-400">no drill yet</span>;
  return (
    <span className="inline-flex items-center gap-1.5" data-testid="drill-result">
      <Badge tone={drill.passed === false ? "bad" : drill.passed ? "good" : "neutral"}>
        {drill.passed === false ? "failed" : drill.passed ? "passed" : "unknown"}
      </Badge>
      {drill.at && (
        <span className="text-[12px] text-zinc-500">
          <RelativeTime at={drill.at} />
          {drill.secondsToReady !== null && ` · ready in ${formatDuration(drill.secondsToReady * 1000)}`}
        </span>
      )}
    </span>
  );
}

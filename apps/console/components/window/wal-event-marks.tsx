// Destructive WAL events found by "Find the moment" (a DROP, a TRUNCATE or rewrite, a dropped
// database), marked where they happened: a red tick across the lanes with its kind above it.
// Clicking one restores to just before its transaction (an exclusive xid target).
import type { TWalEvent } from "@tideline/protocol";
import { timeMs } from "@/lib/time-input";
import { AXIS_H, type Plot, TOP } from "./chart-geometry";

const LABELS: Partial<Record<TWalEvent["kind"], string>> = {
  "drop-relation": "DROP",
  truncate: "TRUNCATE",
  "rewrite-relation": "rewrite",
  "drop-database": "DROP DATABASE",
};

export function WalEventMarks({
  plot: { view, x, height },
  events,
  onPick,
}: {
  plot: Plot;
  events: TWalEvent[];
  onPick?: (e: TWalEvent) => void;
}) {
  const shown = events
    .map((e) => ({ e, at: timeMs(e.time) }))
    .filter(
      (m): m is { e: TWalEvent; at: number } =>
        m.at !== null && m.at >= view.from && m.at <= view.to && LABELS[m.e.kind] !== undefined,
    );
  if (shown.length === 0) return null;
  return (
    <g data-testid="wal-event-marks">
      {shown.map(({ e, at }) => (
        // biome-ignore lint/a11y/useSemanticElements: an SVG mark cannot be a <button>
        <g
          key={`${e.lsn}-${e.kind}`}
          role="button"
          tabIndex={onPick && e.xid ? 0 : -1}
          aria-label={`${LABELS[e.kind]} by transaction ${e.xid ?? "?"}: restore to just before it`}
          className={onPick && e.xid ? "cursor-pointer" : undefined}
          onClick={() => e.xid && onPick?.(e)}
          onKeyDown={(k) => (k.key === "Enter" || k.key === " ") && e.xid && onPick?.(e)}
          data-testid="wal-event-mark"
          data-xid={e.xid ?? ""}
        >
          <title>{`${LABELS[e.kind]} · transaction ${e.xid ?? "?"} · ${e.detail}`}</title>
          <line
            x1={x(at)}
            x2={x(at)}
            y1={TOP - 4}
            y2={height - AXIS_H}
            className="stroke-red-600 dark:stroke-red-400"
            strokeWidth={2}
          />
          <text
            x={x(at) + 3}
            y={TOP - 6}
            className="fill-red-700 text-[10px] font-semibold dark:fill-red-300"
          >
            {LABELS[e.kind]}
          </text>
        </g>
      ))}
    </g>
  );
}

// Restore points as marks above their timeline's WAL band: a square for a base backup, a diamond
// for a restore point, coloured by drill result. Each is a button: it can be focused with Tab,
// shows its tooltip while hovered or focused, and a click or Enter picks it for a restore.
import { formatInZone, type Zone } from "@/lib/time-input";
import { type Lane, pointTime } from "@/lib/timeline-lanes";
import type { TRestorePoint } from "@/lib/trpc";
import { BAND_H, laneY, type Plot } from "./chart-geometry";

export interface RestorePointMarksProps {
  plot: Plot;
  lanes: Lane[];
  restorePoints: TRestorePoint[];
  zone: Zone;
  onPick?: (at: number, timeline: number | null, lsn?: string) => void;
  /** The pointer or the focus came to a mark (`onShow`) or left it (`onHide`): its tooltip. */
  onShow: (p: TRestorePoint) => void;
  onHide: (p: TRestorePoint) => void;
}

export function RestorePointMarks({
  plot: { view, x },
  lanes,
  restorePoints,
  zone,
  onPick,
  onShow,
  onHide,
}: RestorePointMarksProps) {
  const span = view.to - view.from;
  return (
    <g clipPath="url(#plot-clip)">
      {lanes.map((lane, i) =>
        restorePoints
          .filter((p) => p.timeline === lane.timeline)
          .map((p) => {
            const t = pointTime(p);
            if (t < view.from - span * 0.05 || t > view.to + span * 0.05) return null;
            const cx = x(t);
            const cy = laneY(i) - BAND_H / 2 - 7;
            const tone =
              p.drillStatus === "passed"
                ? "fill-emerald-500 stroke-emerald-800"
                : p.drillStatus === "failed"
                  ? "fill-red-500 stroke-red-800"
                  : "fill-sky-600 stroke-sky-900 dark:fill-sky-300 dark:stroke-sky-100";
            const label = `Restore point ${p.lsn}, data time ${formatInZone(t, zone)}`;
            const pick = () => onPick?.(t, lanes.length > 1 ? lane.timeline : null, p.lsn);
            return (
              // biome-ignore lint/a11y/useSemanticElements: an SVG mark cannot be a <button>
              <g
                key={p.id}
                role="button"
                tabIndex={0}
                aria-label={label}
                data-testid="restore-point-mark"
                data-id={p.id}
                data-time={t}
                className="cursor-pointer outline-none [&:focus-visible>path]:stroke-[2.5]"
                onPointerEnter={() => onShow(p)}
                onPointerLeave={() => onHide(p)}
                onFocus={() => onShow(p)}
                onBlur={() => onHide(p)}
                onClick={pick}
                onKeyDown={(e) => {
                  if (e.key === "Enter" || e.key === " ") {
                    e.preventDefault();
                    pick();
                  }
                }}
              >
                <line
                  x1={cx}
                  x2={cx}
                  y1={cy + 5}
                  y2={laneY(i) + BAND_H / 2}
                  className="stroke-sky-900/50 dark:stroke-sky-100/50"
                />
                <path
                  d={
                    p.kind === "base-backup"
                      ? `M ${cx - 5} ${cy - 5} h 10 v 10 h -10 Z`
                      : `M ${cx} ${cy - 6} L ${cx + 5} ${cy} L ${cx} ${cy + 6} L ${cx - 5} ${cy} Z`
                  }
                  className={tone}
                  strokeWidth={1}
                />
              </g>
            );
          }),
      )}
    </g>
  );
}

// The card shown over the chart for the restore point hovered or focused: its kind, LSN, data
// time, timeline, size, drill result and clones. Placed under the point's lane, kept inside the chart.
import { formatBytes } from "@/lib/format";
import { formatInZone, type Zone } from "@/lib/time-input";
import type { Lane } from "@/lib/timeline-lanes";
import type { TRestorePoint } from "@/lib/trpc";
import { BAND_H, laneY } from "./chart-geometry";

export interface RestorePointTooltipProps {
  point: TRestorePoint;
  zone: Zone;
  /** The point's x in the chart. */
  left: number;
  /** The chart's width. */
  width: number;
  lanes: Lane[];
}

const TIP_W = 260;

export function RestorePointTooltip({ point: p, zone, left, width, lanes }: RestorePointTooltipProps) {
  const i = Math.max(
    0,
    lanes.findIndex((l) => l.timeline === p.timeline),
  );
  const top = laneY(i) + BAND_H;
  return (
    <div
      role="tooltip"
      data-testid="restore-point-tooltip"
      className="pointer-events-none absolute z-10 rounded-md border border-zinc-200 bg-white px-2.5 py-2 text-[12px] shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
      style={{ left: Math.min(Math.max(4, left - TIP_W / 2), width - TIP_W - 4), top, width: TIP_W }}
    >
      <p className="mb-1 font-semibold">{p.kind === "base-backup" ? "Base backup" : "Restore point"}</p>
      <dl className="grid grid-cols-[5.5rem_1fr] gap-x-2 gap-y-0.5">
        <dt className="text-zinc-500">LSN</dt>
        <dd className="font-mono" data-testid="tooltip-lsn">
          {p.lsn}
        </dd>
        <dt className="text-zinc-500">Data time</dt>
        <dd className="tabular-nums" data-testid="tooltip-data-time">
          {p.dataTime
            ? `${formatInZone(new Date(p.dataTime).getTime(), zone)} ${zone === "utc" ? "UTC" : ""}`
            : "unknown"}
        </dd>
        <dt className="text-zinc-500">Timeline</dt>
        <dd>{p.timeline}</dd>
        <dt className="text-zinc-500">Size</dt>
        <dd data-testid="tooltip-size">{formatBytes(p.sizeBytes)}</dd>
        <dt className="text-zinc-500">Drill</dt>
        <dd data-testid="tooltip-drill">{p.drillStatus === "never" ? "never drilled" : p.drillStatus}</dd>
        {p.clones > 0 && (
          <>
            <dt className="text-zinc-500">Clones</dt>
            <dd>{p.clones}</dd>
          </>
        )}
      </dl>
    </div>
  );
}

// One lane per timeline: its label in the gutter, a dashed guide across the plot, and on it the
// timeline's archived WAL cut by its gaps. Without any lane, a sentence says why the chart is empty.
import type { Lane } from "@/lib/timeline-lanes";
import { GUTTER, laneY, type Plot } from "./chart-geometry";
import { WalBands } from "./wal-bands";
import { WalGaps } from "./wal-gaps";

export function LanesLayer({ plot, lanes }: { plot: Plot; lanes: Lane[] }) {
  if (lanes.length === 0) {
    return (
      <text
        x={GUTTER + plot.width / 2}
        y={laneY(0) + 4}
        textAnchor="middle"
        className="fill-zinc-500 text-[12px]"
      >
        No recoverable window yet: it starts with the first restore point.
      </text>
    );
  }
  return (
    <>
      {lanes.map((lane, i) => (
        <g key={lane.timeline} data-testid="timeline-lane" data-timeline={lane.timeline}>
          <text x={8} y={laneY(i) + 4} className="fill-zinc-600 text-[11px] font-medium dark:fill-zinc-400">
            TL {lane.timeline}
          </text>
          <line
            x1={GUTTER}
            x2={GUTTER + plot.width}
            y1={laneY(i)}
            y2={laneY(i)}
            className="stroke-zinc-200 dark:stroke-zinc-800"
            strokeDasharray="2 3"
          />
          <g clipPath="url(#plot-clip)">
            <WalBands plot={plot} lane={lane} index={i} />
            <WalGaps plot={plot} lane={lane} index={i} />
          </g>
        </g>
      ))}
    </>
  );
}

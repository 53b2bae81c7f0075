// Where each timeline forked: a curve from its parent's lane at the switch point to its own
// lane, labelled with the switch LSN. A fork whose lanes or time are unknown is not drawn.
import type { Lane } from "@/lib/timeline-lanes";
import type { TWindow } from "@/lib/trpc";
import { laneY, type Plot } from "./chart-geometry";

export interface ForksLayerProps {
  plot: Plot;
  lanes: Lane[];
  forks: TWindow["forks"];
  /** Timeline → the time of its fork (lib/timeline-lanes.ts placeForks). */
  forkTimes: Map<number, number>;
}

export function ForksLayer({ plot: { x }, lanes, forks, forkTimes }: ForksLayerProps) {
  return (
    <g clipPath="url(#plot-clip)">
      {forks.map((f) => {
        const pi = lanes.findIndex((l) => l.timeline === f.parent);
        const ci = lanes.findIndex((l) => l.timeline === f.timeline);
        const at = forkTimes.get(f.timeline) ?? null;
        if (pi < 0 || ci < 0 || at === null) return null;
        const fx = x(at);
        const y1 = laneY(pi);
        const y2 = laneY(ci);
        const bend = Math.min(24, Math.max(8, Math.abs(y2 - y1) / 2));
        return (
          <g key={f.timeline} data-testid="timeline-fork" data-timeline={f.timeline} data-parent={f.parent}>
            <path
              d={`M ${fx} ${y1} C ${fx} ${y1 + Math.sign(y2 - y1) * bend}, ${fx + bend} ${y2}, ${fx + bend * 1.5} ${y2}`}
              fill="none"
              className="stroke-violet-500"
              strokeWidth={1.5}
            />
            <circle cx={fx} cy={y1} r={3.5} className="fill-violet-500" />
            <text x={fx + 6} y={(y1 + y2) / 2} className="fill-violet-700 text-[10px] dark:fill-violet-300">
              TL {f.timeline} forks at {f.switchLsn}
            </text>
          </g>
        );
      })}
    </g>
  );
}

// The timeline chart's grid and time axis: a vertical line per tick across the lanes, its time
// below them and, where the date changes, the date under that.

import type { Zone } from "@/lib/time-input";
import { axisTicks } from "@/lib/timeline/time-axis";
import { AXIS_H, type Plot, TOP } from "./chart-geometry";

export function AxisLayer({ plot: { x, height }, zone }: { plot: Plot; zone: Zone }) {
  return (
    <>
      {axisTicks(x, zone).map((t) => (
        <g key={t.at}>
          <line
            x1={x(t.at)}
            x2={x(t.at)}
            y1={TOP - 4}
            y2={height - AXIS_H + 4}
            className="stroke-zinc-200 dark:stroke-zinc-800"
          />
          <text
            x={x(t.at)}
            y={height - AXIS_H + 16}
            textAnchor="middle"
            className="fill-zinc-500 text-[10px] tabular-nums"
          >
            {t.label}
          </text>
          {t.date && (
            <text
              x={x(t.at)}
              y={height - AXIS_H + 28}
              textAnchor="middle"
              className="fill-zinc-400 text-[10px]"
            >
              {t.date}
            </text>
          )}
        </g>
      ))}
    </>
  );
}

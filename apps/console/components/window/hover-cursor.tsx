// Under the pointer: a line and the time it would pick, to the second, in the DBA's zone.
import { formatInZone, type Zone } from "@/lib/time-input";
import { AXIS_H, GUTTER, type Plot, TOP } from "./chart-geometry";

export interface HoverCursorProps {
  plot: Plot;
  /** The pointer's x in the SVG; null when it is not over the plot. */
  hover: { x: number } | null;
  zone: Zone;
}

export function HoverCursor({ plot: { x, width, height }, hover, zone }: HoverCursorProps) {
  if (!hover) return null;
  return (
    <g pointerEvents="none">
      <line
        x1={hover.x}
        x2={hover.x}
        y1={TOP - 6}
        y2={height - AXIS_H}
        className="stroke-zinc-500"
        strokeWidth={1}
      />
      <text
        x={Math.min(hover.x + 4, GUTTER + width - 120)}
        y={height - AXIS_H - 4}
        className="fill-zinc-700 text-[10px] tabular-nums dark:fill-zinc-300"
        data-testid="timeline-cursor"
      >
        {formatInZone(x.invert(hover.x).getTime(), zone)}
      </text>
    </g>
  );
}

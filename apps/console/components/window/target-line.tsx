// The restore target being planned, as a line across the lanes, when it is in the range shown.
import { AXIS_H, type Plot, TOP } from "./chart-geometry";

export function TargetLine({
  plot: { view, x, height },
  target,
}: {
  plot: Plot;
  target: number | null | undefined;
}) {
  if (target === null || target === undefined || target < view.from || target > view.to) return null;
  return (
    <g data-testid="target-line" pointerEvents="none">
      <line
        x1={x(target)}
        x2={x(target)}
        y1={TOP - 6}
        y2={height - AXIS_H}
        className="stroke-amber-500"
        strokeWidth={2}
      />
    </g>
  );
}

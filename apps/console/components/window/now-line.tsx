// "Now", as a dashed line across the lanes, when it is in the range shown. The window ends at
// the newest archived commit, usually a little before it.
import { AXIS_H, type Plot, TOP } from "./chart-geometry";

export function NowLine({ plot: { view, x, height }, now }: { plot: Plot; now: number }) {
  if (now < view.from || now > view.to) return null;
  return (
    <g data-testid="now-line" pointerEvents="none">
      <line
        x1={x(now)}
        x2={x(now)}
        y1={TOP - 8}
        y2={height - AXIS_H}
        className="stroke-emerald-600 dark:stroke-emerald-400"
        strokeDasharray="4 3"
      />
      <text
        x={x(now)}
        y={TOP - 10}
        textAnchor="middle"
        className="fill-emerald-700 text-[10px] font-semibold dark:fill-emerald-300"
      >
        now
      </text>
    </g>
  );
}

// A lane's gaps in the WAL archive, hatched in red over its band and labelled with their LSNs;
// a little taller than the band and at least 3 px wide, so that a short gap is still seen.
import type { Lane } from "@/lib/timeline-lanes";
import { BAND_H, laneY, type Plot } from "./chart-geometry";

/** The hatch gaps are filled with; goes in the SVG's <defs>. */
export function GapHatch() {
  return (
    <pattern id="gap-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
      <line x1="0" y1="0" x2="0" y2="6" className="stroke-red-400 dark:stroke-red-500" strokeWidth="2" />
    </pattern>
  );
}

export function WalGaps({ plot: { x }, lane, index }: { plot: Plot; lane: Lane; index: number }) {
  return (
    <>
      {lane.gaps.map((g) => (
        <g key={g.fromLsn} data-testid="wal-gap" data-from-lsn={g.fromLsn} data-to-lsn={g.toLsn}>
          <rect
            x={x(g.from)}
            y={laneY(index) - BAND_H / 2 - 2}
            width={Math.max(3, x(g.to) - x(g.from))}
            height={BAND_H + 4}
            fill="url(#gap-hatch)"
            className="stroke-red-500"
            strokeDasharray="3 2"
          />
          <text
            x={x(g.from) + 2}
            y={laneY(index) + BAND_H / 2 + 12}
            className="fill-red-600 text-[10px] dark:fill-red-400"
          >
            gap {g.fromLsn}–{g.toLsn}
          </text>
        </g>
      ))}
    </>
  );
}

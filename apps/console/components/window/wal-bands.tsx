// A lane's archived WAL: one band per stretch between gaps.
import type { Lane } from "@/lib/timeline-lanes";
import { BAND_H, laneY, type Plot } from "./chart-geometry";

export function WalBands({ plot: { x }, lane, index }: { plot: Plot; lane: Lane; index: number }) {
  return (
    <>
      {lane.segments.map((s) => (
        <rect
          key={s.from}
          data-testid="wal-band"
          data-timeline={lane.timeline}
          data-from={s.from}
          data-to={s.to}
          x={x(s.from)}
          y={laneY(index) - BAND_H / 2}
          width={Math.max(2, x(s.to) - x(s.from))}
          height={BAND_H}
          rx={3}
          className="fill-sky-400/50 stroke-sky-600 dark:fill-sky-500/35 dark:stroke-sky-400"
        />
      ))}
    </>
  );
}

"use client";
// The recoverable window as a chart, drawn in SVG: one lane per timeline, the archived WAL as a
// band (gaps cut out of it, hatched), restore points as marks on it, each timeline's fork drawn
// from its parent lane at the switch point, and a "now" line. Zoom from a minute to years (wheel,
// buttons, presets), pan by dragging, buttons or arrow keys. Clicking a lane picks that time (and
// timeline) for a restore; marks show their LSN, data time, size and drill status.
// This file composes the parts: the view state and input (use-timeline-view.ts), the toolbar,
// and the SVG layers, drawn in this order so that later ones lie on top.
import type { TWalEvent } from "@tideline/protocol";
import { useMemo, useState } from "react";
import type { Zone } from "@/lib/time-input";
import { dataExtent } from "@/lib/timeline/view-state";
import { buildLanes, placeForks, pointTime } from "@/lib/timeline-lanes";
import type { TRestorePoint, TWindow } from "@/lib/trpc";
import { AxisLayer } from "./axis-layer";
import { GUTTER, LANE_H, TOP } from "./chart-geometry";
import { ForksLayer } from "./forks-layer";
import { HoverCursor } from "./hover-cursor";
import { LanesLayer } from "./lanes-layer";
import { NowLine } from "./now-line";
import { RestorePointMarks } from "./restore-point-marks";
import { RestorePointTooltip } from "./restore-point-tooltip";
import { TargetLine } from "./target-line";
import { TimelineToolbar } from "./timeline-toolbar";
import { useTimelineView } from "./use-timeline-view";
import { WalEventMarks } from "./wal-event-marks";
import { GapHatch } from "./wal-gaps";

export interface TimelineChartProps {
  window: TWindow | undefined;
  restorePoints: TRestorePoint[];
  zone: Zone;
  now: number;
  /** A time (and its timeline) picked on the chart; for a restore point, also its LSN. */
  onPick?: (at: number, timeline: number | null, lsn?: string) => void;
  /** The restore target being planned: drawn as a line. */
  target?: number | null;
  /** Destructive events found in the WAL (Find the moment), marked where they happened. */
  events?: TWalEvent[];
  /** A marked event picked: restore to just before its transaction. */
  onPickEvent?: (e: TWalEvent) => void;
}

export function TimelineChart({ window: w, restorePoints, zone, now, onPick, target, events, onPickEvent }: TimelineChartProps) {
  const lanes = useMemo(() => buildLanes(w, restorePoints), [w, restorePoints]);
  const forkTimes = useMemo(() => placeForks(w, restorePoints, lanes), [w, restorePoints, lanes]);
  const extent = useMemo(() => dataExtent(lanes, restorePoints), [lanes, restorePoints]);
  const chart = useTimelineView({
    now,
    zone,
    extent,
    laneCount: lanes.length,
    // a click picks a whole second (what the restore dialog takes), and a timeline where there is a choice
    onClick:
      onPick &&
      ((at, i) =>
        onPick(
          Math.round(at / 1000) * 1000,
          lanes.length > 1 && i >= 0 ? (lanes[i]?.timeline ?? null) : null,
        )),
  });
  const { plot, width } = chart;
  const [tip, setTip] = useState<TRestorePoint | null>(null);

  return (
    <div data-testid="timeline-chart">
      <TimelineToolbar
        view={plot.view}
        zone={zone}
        activePreset={chart.activePreset}
        onCommand={chart.apply}
      />
      <section
        ref={chart.box}
        className="relative select-none rounded-md border border-zinc-200 bg-zinc-50/60 dark:border-zinc-800 dark:bg-zinc-950/40"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the chart pans and zooms from the keyboard
        tabIndex={0}
        aria-label="Recoverable window chart"
        aria-describedby="timeline-help"
        onKeyDown={chart.onKeyDown}
      >
        <p id="timeline-help" className="sr-only">
          Arrow keys pan, plus and minus zoom, Home shows everything. Click a timeline band to restore to that
          time; restore point marks can be focused with Tab, and Enter restores to one.
        </p>
        {width > 0 && (
          <svg
            ref={chart.svg}
            onPointerEnter={chart.hold}
            onPointerLeave={chart.release}
            width={width}
            height={plot.height}
            className="block touch-none"
            data-testid="timeline-svg"
            data-from={Math.round(plot.view.from)}
            data-to={Math.round(plot.view.to)}
            data-plot-left={GUTTER}
            data-plot-width={plot.width}
            data-lane-top={TOP}
            data-lane-height={LANE_H}
            aria-labelledby="timeline-title"
          >
            <title id="timeline-title">Recoverable window by timeline</title>
            <defs>
              <GapHatch />
              <clipPath id="plot-clip">
                <rect x={GUTTER} y={0} width={plot.width} height={plot.height} />
              </clipPath>
            </defs>
            <AxisLayer plot={plot} zone={zone} />
            <LanesLayer plot={plot} lanes={lanes} />
            <ForksLayer plot={plot} lanes={lanes} forks={w?.forks ?? []} forkTimes={forkTimes} />
            {/* the plot area takes the pointer: hover cursor, drag to pan, click to pick */}
            <rect
              data-testid="timeline-plot"
              x={GUTTER}
              y={TOP - 6}
              width={plot.width}
              height={Math.max(1, lanes.length) * LANE_H + 6}
              fill="transparent"
              className={onPick ? "cursor-crosshair" : "cursor-grab"}
              {...chart.surface}
            />
            <NowLine plot={plot} now={now} />
            <TargetLine plot={plot} target={target} />
            <WalEventMarks plot={plot} events={events ?? []} onPick={onPickEvent} />
            <HoverCursor plot={plot} hover={chart.hover} zone={zone} />
            {/* restore points, on top so they can be hovered and focused */}
            <RestorePointMarks
              plot={plot}
              lanes={lanes}
              restorePoints={restorePoints}
              zone={zone}
              onPick={onPick}
              onShow={setTip}
              onHide={(p) => setTip((cur) => (cur?.id === p.id ? null : cur))}
            />
          </svg>
        )}
        {tip && width > 0 && (
          <RestorePointTooltip
            point={tip}
            zone={zone}
            left={plot.x(pointTime(tip))}
            width={width}
            lanes={lanes}
          />
        )}
      </section>
    </div>
  );
}

"use client";
// The recoverable window as a chart, drawn in SVG by hand: one lane per timeline, the archived
// WAL as a band (gaps cut out of it, hatched), restore points as marks on it, each timeline's
// fork drawn from its parent lane at the switch point, and a "now" line. Zoom from a minute to
// years (wheel, buttons, presets), pan by dragging, buttons or arrow keys. Clicking a lane picks
// that time (and timeline) for a restore; marks show their LSN, data time, size and drill status.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { formatBytes } from "@/lib/format";
import { formatInZone, type Zone, zoneLabel } from "@/lib/time-input";
import { buildLanes, type Lane, placeForks, pointTime } from "@/lib/timeline-lanes";
import {
  formatSpan,
  PRESETS,
  type PresetId,
  panView,
  presetView,
  ticks,
  timeToX,
  type View,
  xToTime,
  zoomView,
} from "@/lib/timeline-scale";
import type { TRestorePoint, TWindow } from "@/lib/trpc";

const GUTTER = 56;
const TOP = 20;
const LANE_H = 40;
const BAND_H = 14;
const AXIS_H = 34;
const RIGHT = 12;

export interface TimelineChartProps {
  window: TWindow | undefined;
  restorePoints: TRestorePoint[];
  zone: Zone;
  now: number;
  /** A time (and its timeline) picked on the chart; for a restore point, also its LSN. */
  onPick?: (at: number, timeline: number | null, lsn?: string) => void;
  /** The restore target being planned: drawn as a line. */
  target?: number | null;
}

export function TimelineChart({ window: w, restorePoints, zone, now, onPick, target }: TimelineChartProps) {
  const lanes = useMemo(() => buildLanes(w, restorePoints), [w, restorePoints]);
  const forkTimes = useMemo(() => placeForks(w, restorePoints, lanes), [w, restorePoints, lanes]);
  const extent = useMemo<View | null>(() => {
    const times = [
      ...lanes.flatMap((l) => [l.from, l.to]).filter((t): t is number => t !== null),
      ...restorePoints.map(pointTime),
    ];
    return times.length ? { from: Math.min(...times), to: Math.max(...times) } : null;
  }, [lanes, restorePoints]);

  // a preset follows "now"; once the DBA zooms or pans, the view stays where they put it
  const [mode, setMode] = useState<{ preset: PresetId } | { view: View }>({ preset: "all" });
  const live = "view" in mode ? mode.view : presetView(mode.preset, now, extent);
  // while the pointer is over the chart a following view holds still: nothing moves under the
  // DBA's cursor (a restore point being read, a second about to be clicked)
  const [frozen, setFrozen] = useState<View | null>(null);
  const view = frozen && !("view" in mode) ? frozen : live;
  const span = view.to - view.from;

  const box = useRef<HTMLElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(([e]) => setWidth(Math.floor(e!.contentRect.width)));
    ro.observe(el);
    setWidth(Math.floor(el.getBoundingClientRect().width));
    return () => ro.disconnect();
  }, []);
  const plotW = Math.max(1, width - GUTTER - RIGHT);
  const laneCount = Math.max(1, lanes.length);
  const height = TOP + laneCount * LANE_H + AXIS_H;
  const x = (t: number) => GUTTER + timeToX(t, view, plotW);
  const laneY = (i: number) => TOP + i * LANE_H + LANE_H / 2;

  const zoom = useCallback(
    (factor: number, anchor?: number) => setMode({ view: zoomView(view, factor, anchor) }),
    [view],
  );
  const pan = (share: number) => setMode({ view: panView(view, span * share) });

  // wheel: zoom around the pointer (horizontal wheel pans); needs a non-passive listener
  const viewRef = useRef(view);
  viewRef.current = view;
  useEffect(() => {
    const el = svg.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const v = viewRef.current;
      const rect = el.getBoundingClientRect();
      const px = e.clientX - rect.left - GUTTER;
      if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
        setMode({ view: panView(v, (e.deltaX / plotW) * (v.to - v.from)) });
        return;
      }
      const anchor = xToTime(Math.min(plotW, Math.max(0, px)), v, plotW);
      setMode({ view: zoomView(v, Math.exp(e.deltaY * 0.0015), anchor) });
    };
    el.addEventListener("wheel", onWheel, { passive: false });
    return () => el.removeEventListener("wheel", onWheel);
  }, [plotW]);

  // drag pans; a press without movement is a click that picks a time
  const drag = useRef<{ x0: number; view: View; moved: boolean } | null>(null);
  const [hover, setHover] = useState<{ x: number; lane: number } | null>(null);
  const locate = (e: React.PointerEvent) => {
    const rect = svg.current!.getBoundingClientRect();
    return { px: e.clientX - rect.left, py: e.clientY - rect.top };
  };
  const laneAt = (py: number) => {
    const i = Math.floor((py - TOP) / LANE_H);
    return i >= 0 && i < laneCount ? i : -1;
  };
  const onPointerDown = (e: React.PointerEvent<SVGRectElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { x0: e.clientX, view, moved: false };
  };
  const onPointerMove = (e: React.PointerEvent<SVGRectElement>) => {
    const { px, py } = locate(e);
    const d = drag.current;
    if (d) {
      const dx = e.clientX - d.x0;
      if (Math.abs(dx) > 3) d.moved = true;
      if (d.moved) setMode({ view: panView(d.view, (-dx / plotW) * (d.view.to - d.view.from)) });
    }
    setHover(px >= GUTTER && px <= GUTTER + plotW ? { x: px, lane: laneAt(py) } : null);
  };
  const onPointerUp = (e: React.PointerEvent<SVGRectElement>) => {
    const d = drag.current;
    drag.current = null;
    if (!d || d.moved || !onPick) return;
    const { px, py } = locate(e);
    const i = laneAt(py);
    const at = xToTime(px - GUTTER, view, plotW);
    onPick(Math.round(at / 1000) * 1000, lanes.length > 1 && i >= 0 ? (lanes[i]?.timeline ?? null) : null);
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.target !== e.currentTarget) return;
    const k = e.key;
    if (k === "ArrowLeft") pan(-0.2);
    else if (k === "ArrowRight") pan(0.2);
    else if (k === "+" || k === "=") zoom(0.5);
    else if (k === "-" || k === "_") zoom(2);
    else if (k === "Home") setMode({ preset: "all" });
    else return;
    e.preventDefault();
  };

  const [tip, setTip] = useState<TRestorePoint | null>(null);
  const tickList = width > 0 ? ticks(view, plotW, zone) : [];
  const activePreset = "preset" in mode ? mode.preset : null;
  const hoverTime = hover ? xToTime(hover.x - GUTTER, view, plotW) : null;
  const forks = w?.forks ?? [];

  return (
    <div data-testid="timeline-chart">
      <div className="mb-2 flex flex-wrap items-center gap-2">
        <fieldset className="inline-flex overflow-hidden rounded-md border border-zinc-300 dark:border-zinc-700">
          <legend className="sr-only">Zoom presets</legend>
          {PRESETS.map((p) => (
            <button
              key={p.id}
              type="button"
              onClick={() => setMode({ preset: p.id })}
              aria-pressed={activePreset === p.id}
              data-testid={`timeline-preset-${p.id}`}
              className={`border-r border-zinc-300 px-2 py-0.5 text-[12px] last:border-r-0 dark:border-zinc-700 ${
                activePreset === p.id
                  ? "bg-zinc-800 text-white dark:bg-zinc-200 dark:text-zinc-900"
                  : "bg-white hover:bg-zinc-100 dark:bg-zinc-900 dark:hover:bg-zinc-800"
              }`}
            >
              {p.label}
            </button>
          ))}
        </fieldset>
        <fieldset className="inline-flex gap-1">
          <legend className="sr-only">Zoom and pan</legend>
          <ChartButton label="Pan earlier" onClick={() => pan(-0.25)} testId="timeline-pan-left">
            ←
          </ChartButton>
          <ChartButton label="Zoom out" onClick={() => zoom(2)} testId="timeline-zoom-out">
            −
          </ChartButton>
          <ChartButton label="Zoom in" onClick={() => zoom(0.5)} testId="timeline-zoom-in">
            +
          </ChartButton>
          <ChartButton label="Pan later" onClick={() => pan(0.25)} testId="timeline-pan-right">
            →
          </ChartButton>
        </fieldset>
        <span className="text-[12px] text-zinc-500" data-testid="timeline-span">
          {formatSpan(span)} shown · {zoneLabel(zone, view.to)}
        </span>
        <Legend />
      </div>
      <section
        ref={box}
        className="relative select-none rounded-md border border-zinc-200 bg-zinc-50/60 dark:border-zinc-800 dark:bg-zinc-950/40"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the chart pans and zooms from the keyboard
        tabIndex={0}
        aria-label="Recoverable window chart"
        aria-describedby="timeline-help"
        onKeyDown={onKeyDown}
      >
        <p id="timeline-help" className="sr-only">
          Arrow keys pan, plus and minus zoom, Home shows everything. Click a timeline band to restore to that
          time; restore point marks can be focused with Tab, and Enter restores to one.
        </p>
        {width > 0 && (
          <svg
            ref={svg}
            onPointerEnter={() => setFrozen(live)}
            onPointerLeave={() => setFrozen(null)}
            width={width}
            height={height}
            className="block touch-none"
            data-testid="timeline-svg"
            data-from={Math.round(view.from)}
            data-to={Math.round(view.to)}
            data-plot-left={GUTTER}
            data-plot-width={plotW}
            data-lane-top={TOP}
            data-lane-height={LANE_H}
            aria-labelledby="timeline-title"
          >
            <title id="timeline-title">Recoverable window by timeline</title>
            <defs>
              <pattern
                id="gap-hatch"
                width="6"
                height="6"
                patternUnits="userSpaceOnUse"
                patternTransform="rotate(45)"
              >
                <line
                  x1="0"
                  y1="0"
                  x2="0"
                  y2="6"
                  className="stroke-red-400 dark:stroke-red-500"
                  strokeWidth="2"
                />
              </pattern>
              <clipPath id="plot-clip">
                <rect x={GUTTER} y={0} width={plotW} height={height} />
              </clipPath>
            </defs>

            {/* grid and axis */}
            {tickList.map((t) => (
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

            {/* lanes */}
            {lanes.length === 0 && (
              <text
                x={GUTTER + plotW / 2}
                y={laneY(0) + 4}
                textAnchor="middle"
                className="fill-zinc-500 text-[12px]"
              >
                No recoverable window yet: it starts with the first restore point.
              </text>
            )}
            {lanes.map((lane, i) => (
              <g key={lane.timeline} data-testid="timeline-lane" data-timeline={lane.timeline}>
                <text
                  x={8}
                  y={laneY(i) + 4}
                  className="fill-zinc-600 text-[11px] font-medium dark:fill-zinc-400"
                >
                  TL {lane.timeline}
                </text>
                <line
                  x1={GUTTER}
                  x2={GUTTER + plotW}
                  y1={laneY(i)}
                  y2={laneY(i)}
                  className="stroke-zinc-200 dark:stroke-zinc-800"
                  strokeDasharray="2 3"
                />
                <g clipPath="url(#plot-clip)">
                  {lane.segments.map((s) => (
                    <rect
                      key={s.from}
                      data-testid="wal-band"
                      data-timeline={lane.timeline}
                      data-from={s.from}
                      data-to={s.to}
                      x={x(s.from)}
                      y={laneY(i) - BAND_H / 2}
                      width={Math.max(2, x(s.to) - x(s.from))}
                      height={BAND_H}
                      rx={3}
                      className="fill-sky-400/50 stroke-sky-600 dark:fill-sky-500/35 dark:stroke-sky-400"
                    />
                  ))}
                  {lane.gaps.map((g) => (
                    <g key={g.fromLsn} data-testid="wal-gap" data-from-lsn={g.fromLsn} data-to-lsn={g.toLsn}>
                      <rect
                        x={x(g.from)}
                        y={laneY(i) - BAND_H / 2 - 2}
                        width={Math.max(3, x(g.to) - x(g.from))}
                        height={BAND_H + 4}
                        fill="url(#gap-hatch)"
                        className="stroke-red-500"
                        strokeDasharray="3 2"
                      />
                      <text
                        x={x(g.from) + 2}
                        y={laneY(i) + BAND_H / 2 + 12}
                        className="fill-red-600 text-[10px] dark:fill-red-400"
                      >
                        gap {g.fromLsn}–{g.toLsn}
                      </text>
                    </g>
                  ))}
                </g>
              </g>
            ))}

            {/* forks: from the parent lane at the switch point down (or up) to the child lane */}
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
                  <g
                    key={f.timeline}
                    data-testid="timeline-fork"
                    data-timeline={f.timeline}
                    data-parent={f.parent}
                  >
                    <path
                      d={`M ${fx} ${y1} C ${fx} ${y1 + Math.sign(y2 - y1) * bend}, ${fx + bend} ${y2}, ${fx + bend * 1.5} ${y2}`}
                      fill="none"
                      className="stroke-violet-500"
                      strokeWidth={1.5}
                    />
                    <circle cx={fx} cy={y1} r={3.5} className="fill-violet-500" />
                    <text
                      x={fx + 6}
                      y={(y1 + y2) / 2}
                      className="fill-violet-700 text-[10px] dark:fill-violet-300"
                    >
                      TL {f.timeline} forks at {f.switchLsn}
                    </text>
                  </g>
                );
              })}
            </g>

            {/* the plot area takes the pointer: hover cursor, drag to pan, click to pick */}
            <rect
              data-testid="timeline-plot"
              x={GUTTER}
              y={TOP - 6}
              width={plotW}
              height={laneCount * LANE_H + 6}
              fill="transparent"
              className={onPick ? "cursor-crosshair" : "cursor-grab"}
              onPointerDown={onPointerDown}
              onPointerMove={onPointerMove}
              onPointerUp={onPointerUp}
              onPointerLeave={() => setHover(null)}
            />

            {/* now, the target being planned, and the hover cursor */}
            {now >= view.from && now <= view.to && (
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
            )}
            {target !== null && target !== undefined && target >= view.from && target <= view.to && (
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
            )}
            {hover && hoverTime !== null && (
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
                  x={Math.min(hover.x + 4, GUTTER + plotW - 120)}
                  y={height - AXIS_H - 4}
                  className="fill-zinc-700 text-[10px] tabular-nums dark:fill-zinc-300"
                  data-testid="timeline-cursor"
                >
                  {formatInZone(hoverTime, zone)}
                </text>
              </g>
            )}

            {/* restore points, on top so they can be hovered and focused */}
            <g clipPath="url(#plot-clip)">
              {lanes.map((lane, i) =>
                restorePoints
                  .filter((p) => p.timeline === lane.timeline)
                  .map((p) => {
                    const t = pointTime(p);
                    if (t < view.from - span * 0.05 || t > view.to + span * 0.05) return null;
                    const cx = x(t);
                    const cy = laneY(i) - BAND_H / 2 - 7;
                    const tone =
                      p.drillStatus === "passed"
                        ? "fill-emerald-500 stroke-emerald-800"
                        : p.drillStatus === "failed"
                          ? "fill-red-500 stroke-red-800"
                          : "fill-sky-600 stroke-sky-900 dark:fill-sky-300 dark:stroke-sky-100";
                    const label = `Restore point ${p.lsn}, data time ${formatInZone(t, zone)}`;
                    return (
                      // biome-ignore lint/a11y/useSemanticElements: an SVG mark cannot be a <button>
                      <g
                        key={p.id}
                        role="button"
                        tabIndex={0}
                        aria-label={label}
                        data-testid="restore-point-mark"
                        data-id={p.id}
                        data-time={t}
                        className="cursor-pointer outline-none [&:focus-visible>path]:stroke-[2.5]"
                        onPointerEnter={() => setTip(p)}
                        onPointerLeave={() => setTip((cur) => (cur?.id === p.id ? null : cur))}
                        onFocus={() => setTip(p)}
                        onBlur={() => setTip((cur) => (cur?.id === p.id ? null : cur))}
                        onClick={() => onPick?.(t, lanes.length > 1 ? lane.timeline : null, p.lsn)}
                        onKeyDown={(e) => {
                          if (e.key === "Enter" || e.key === " ") {
                            e.preventDefault();
                            onPick?.(t, lanes.length > 1 ? lane.timeline : null, p.lsn);
                          }
                        }}
                      >
                        <line
                          x1={cx}
                          x2={cx}
                          y1={cy + 5}
                          y2={laneY(i) + BAND_H / 2}
                          className="stroke-sky-900/50 dark:stroke-sky-100/50"
                        />
                        <path
                          d={
                            p.kind === "base-backup"
                              ? `M ${cx - 5} ${cy - 5} h 10 v 10 h -10 Z`
                              : `M ${cx} ${cy - 6} L ${cx + 5} ${cy} L ${cx} ${cy + 6} L ${cx - 5} ${cy} Z`
                          }
                          className={tone}
                          strokeWidth={1}
                        />
                      </g>
                    );
                  }),
              )}
            </g>
          </svg>
        )}
        {tip && width > 0 && (
          <PointTip point={tip} zone={zone} left={x(pointTime(tip))} width={width} lanes={lanes} />
        )}
      </section>
    </div>
  );
}

function PointTip({
  point: p,
  zone,
  left,
  width,
  lanes,
}: {
  point: TRestorePoint;
  zone: Zone;
  left: number;
  width: number;
  lanes: Lane[];
}) {
  const i = Math.max(
    0,
    lanes.findIndex((l) => l.timeline === p.timeline),
  );
  const top = TOP + i * LANE_H + LANE_H / 2 + BAND_H;
  const w = 260;
  return (
    <div
      role="tooltip"
      data-testid="restore-point-tooltip"
      className="pointer-events-none absolute z-10 rounded-md border border-zinc-200 bg-white px-2.5 py-2 text-[12px] shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
      style={{ left: Math.min(Math.max(4, left - w / 2), width - w - 4), top, width: w }}
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

function ChartButton({
  label,
  onClick,
  children,
  testId,
}: {
  label: string;
  onClick: () => void;
  children: React.ReactNode;
  testId: string;
}) {
  return (
    <button
      type="button"
      onClick={onClick}
      aria-label={label}
      title={label}
      data-testid={testId}
      className="size-6 rounded-md border border-zinc-300 bg-white text-[13px] leading-none hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800"
    >
      {children}
    </button>
  );
}

function Legend() {
  return (
    <span className="ml-auto flex items-center gap-3 text-[11px] text-zinc-500" aria-hidden>
      <span className="inline-flex items-center gap-1">
        <span className="inline-block h-2.5 w-5 rounded-sm border border-sky-600 bg-sky-400/50" /> WAL
        archived
      </span>
      <span className="inline-flex items-center gap-1">
        <span className="inline-block size-2.5 rotate-45 bg-sky-600 dark:bg-sky-300" /> restore point
      </span>
      <span className="inline-flex items-center gap-1">
        <span className="inline-block size-2.5 bg-sky-600 dark:bg-sky-300" /> base backup
      </span>
      <span className="inline-flex items-center gap-1">
        <span className="inline-block h-2.5 w-5 border border-dashed border-red-500" /> gap
      </span>
      <span className="inline-flex items-center gap-1">
        <span className="inline-block h-3 w-0 border-l border-dashed border-emerald-600" /> now
      </span>
    </span>
  );
}

"use client";
// The timeline chart's view state and input: the range shown (a preset that follows "now", or
// wherever the DBA zoomed or panned to), the plot's size and scale, and what moves them: the
// wheel zooms around the pointer, a drag pans, a press without a drag is a click on a time, and
// the keys of lib/timeline/view-state.ts. The rules are there; this wires them to React and the DOM.
import { useEffect, useRef, useState } from "react";
import type { Zone } from "@/lib/time-input";
import { pixelsToMs, type TimeScale, timeScale } from "@/lib/timeline/time-axis";
import {
  keyCommand,
  modeView,
  nextMode,
  shownView,
  type ViewCommand,
  type ViewMode,
} from "@/lib/timeline/view-state";
import { panView, type View, zoomView } from "@/lib/timeline-scale";
import { chartHeight, GUTTER, LANE_H, type Plot, RIGHT, TOP } from "./chart-geometry";

export interface TimelineViewOptions {
  now: number;
  zone: Zone;
  /** The range the data covers, for the "all" preset. */
  extent: View | null;
  laneCount: number;
  /** A click on the plot: the time under the pointer and the lane's index (-1 when between lanes). */
  onClick?: (at: number, lane: number) => void;
}

export function useTimelineView({ now, zone, extent, laneCount, onClick }: TimelineViewOptions) {
  const [mode, setMode] = useState<ViewMode>({ preset: "all" });
  const live = modeView(mode, now, extent);
  const [held, setHeld] = useState<View | null>(null);
  const view = shownView(mode, live, held);

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
  const x = timeScale(view, zone, GUTTER, plotW);
  const plot: Plot = { view, x, width: plotW, height: chartHeight(laneCount) };

  const apply = (command: ViewCommand) => setMode(nextMode(view, command));

  // wheel: zoom around the pointer (horizontal wheel pans); needs a non-passive listener, which
  // reads the latest range and scale from a ref rather than being added again on every render
  const latest = useRef({ view, x });
  latest.current = { view, x };
  useEffect(() => {
    const el = svg.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const { view: v, x: s } = latest.current;
      if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
        setMode({ view: panView(v, pixelsToMs(s, e.deltaX)) });
        return;
      }
      const px = e.clientX - el.getBoundingClientRect().left;
      const anchor = s.invert(Math.min(GUTTER + plotW, Math.max(GUTTER, px))).getTime();
      setMode({ view: zoomView(v, Math.exp(e.deltaY * 0.0015), anchor) });
    };
    el.addEventListener("wheel", onWheel, { passive: false });
    return () => el.removeEventListener("wheel", onWheel);
  }, [plotW]);

  // drag pans, keeping the time grabbed under the pointer; a press without movement is a click
  const drag = useRef<{ x0: number; view: View; x: TimeScale; moved: boolean } | null>(null);
  const [hover, setHover] = useState<{ x: number } | null>(null);
  const locate = (e: React.PointerEvent) => {
    const rect = svg.current!.getBoundingClientRect();
    return { px: e.clientX - rect.left, py: e.clientY - rect.top };
  };
  const laneAt = (py: number) => {
    const i = Math.floor((py - TOP) / LANE_H);
    return i >= 0 && i < Math.max(1, laneCount) ? i : -1;
  };
  const surface = {
    onPointerDown: (e: React.PointerEvent<SVGRectElement>) => {
      if (e.button !== 0) return;
      e.currentTarget.setPointerCapture(e.pointerId);
      drag.current = { x0: e.clientX, view, x, moved: false };
    },
    onPointerMove: (e: React.PointerEvent<SVGRectElement>) => {
      const { px } = locate(e);
      const d = drag.current;
      if (d) {
        const dx = e.clientX - d.x0;
        if (Math.abs(dx) > 3) d.moved = true;
        if (d.moved) setMode({ view: panView(d.view, pixelsToMs(d.x, -dx)) });
      }
      setHover(px >= GUTTER && px <= GUTTER + plotW ? { x: px } : null);
    },
    onPointerUp: (e: React.PointerEvent<SVGRectElement>) => {
      const d = drag.current;
      drag.current = null;
      if (!d || d.moved || !onClick) return;
      const { px, py } = locate(e);
      onClick(x.invert(px).getTime(), laneAt(py));
    },
    onPointerLeave: () => setHover(null),
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.target !== e.currentTarget) return;
    const command = keyCommand(e.key);
    if (!command) return;
    apply(command);
    e.preventDefault();
  };

  return {
    plot,
    /** The chart's width in pixels; 0 until it has been measured. */
    width,
    activePreset: "preset" in mode ? mode.preset : null,
    apply,
    hover,
    box,
    svg,
    /** For the SVG: a preset holds still while the pointer is over the chart. */
    hold: () => setHeld(live),
    release: () => setHeld(null),
    /** For the plot's transparent rect, which takes the pointer. */
    surface,
    /** For the focusable chart. */
    onKeyDown,
  };
}

// The time axis of the recoverable-window chart: a d3 time scale from the range on screen to the
// plot's pixels, and its ticks. d3 chooses the tick interval and walks it in the zone the DBA
// reads (UTC, or the browser's calendar, where a DST change does not push ticks off round hours);
// the labels are written the way the rest of the console writes times (24-hour, ISO dates).
import { type ScaleTime, scaleTime, scaleUtc } from "d3-scale";
import { timeTickInterval, utcTickInterval } from "d3-time";
import { formatInZone, type Zone } from "../time-input";
import type { View } from "../timeline-scale";

/** Time (epoch ms) → x in pixels; `invert` gives the time at an x. */
export type TimeScale = ScaleTime<number, number>;

export interface AxisTick {
  at: number;
  label: string;
  /** The date, on the first tick and wherever the date changes. */
  date: string | null;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

/**
 * One tick asked for per this many pixels. d3 takes the interval nearest to span / count, which
 * can put ticks up to 2.2 times closer than asked (between 1 and 5 minutes, say); at 120 px the
 * closest still leave room for an "HH:MM:SS" label.
 */
const PX_PER_TICK = 120;

/** The scale for `view` drawn from `left` across `width` pixels, with the calendar of `zone`. */
export function timeScale(view: View, zone: Zone, left: number, width: number): TimeScale {
  const scale = zone === "utc" ? scaleUtc() : scaleTime();
  return scale.domain([view.from, view.to]).range([left, left + width]);
}

/** How much time `px` pixels cover on `x` (negative to the left). */
export function pixelsToMs(x: TimeScale, px: number): number {
  const [left] = x.range() as [number, number];
  return x.invert(left + px).getTime() - x.invert(left).getTime();
}

/** Ticks on round times of `zone`, labelled as precisely as their interval needs. */
export function axisTicks(x: TimeScale, zone: Zone): AxisTick[] {
  const [from, to] = x.domain().map((d) => d.getTime()) as [number, number];
  const [left, right] = x.range() as [number, number];
  const span = to - from;
  const width = right - left;
  if (!(span > 0) || !(width > 0)) return [];
  // times are read to the second here: never ask d3 for ticks closer than that
  const count = Math.max(1, Math.min(width / PX_PER_TICK, span / SECOND));
  const tickInterval = zone === "utc" ? utcTickInterval : timeTickInterval;
  const interval = tickInterval(new Date(from), new Date(to), count);
  if (!interval) return [];
  const times = x.ticks(interval).map((d) => d.getTime());
  const first = times[0] ?? interval.floor(new Date(from)).getTime();
  const step = interval.offset(new Date(first), 1).getTime() - first;
  let prevDate: string | null = null;
  return times.map((at) => {
    const text = formatInZone(at, zone);
    const date = text.slice(0, 10);
    const label =
      step < MINUTE
        ? text.slice(11, 19)
        : step < DAY
          ? text.slice(11, 16)
          : step < 28 * DAY
            ? text.slice(5, 10)
            : text.slice(0, 7);
    const tick = { at, label, date: step < DAY && date !== prevDate ? date : null };
    prevDate = date;
    return tick;
  });
}

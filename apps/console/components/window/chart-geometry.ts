// The timeline chart's layout in pixels, shared by its layers: a gutter for the lane labels on
// the left, one lane per timeline, the axis labels below; and the plot every layer draws into.
import type { TimeScale } from "@/lib/timeline/time-axis";
import type { View } from "@/lib/timeline-scale";

/** Left of the plot: room for "TL 12". */
export const GUTTER = 56;
/** Above the first lane: room for the "now" label. */
export const TOP = 20;
export const LANE_H = 40;
/** The height of a WAL band within its lane. */
export const BAND_H = 14;
/** Below the last lane: a tick's time and, under it, its date. */
export const AXIS_H = 34;
export const RIGHT = 12;

export interface Plot {
  /** The range shown. */
  view: View;
  /** Time (epoch ms) → x in the SVG. */
  x: TimeScale;
  /** Pixels between the gutter and the right margin. */
  width: number;
  /** The SVG's height. */
  height: number;
}

/** The middle of lane `i`, where its WAL band runs. */
export function laneY(i: number): number {
  return TOP + i * LANE_H + LANE_H / 2;
}

/** The SVG's height for `laneCount` lanes (one, for the empty chart's message, when there are none). */
export function chartHeight(laneCount: number): number {
  return TOP + Math.max(1, laneCount) * LANE_H + AXIS_H;
}

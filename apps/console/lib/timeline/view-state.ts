// Which range the recoverable-window chart shows, and the commands that change it: a preset
// follows "now"; once the DBA zooms or pans, the range stays where they put it. Pure; the React
// side (pointer, wheel, keys, size) is components/window/use-timeline-view.ts.

import { type Lane, pointTime } from "../timeline-lanes";
import { type PresetId, panView, presetView, type View, zoomView } from "../timeline-scale";
import type { TRestorePoint } from "../trpc";

export type ViewMode = { preset: PresetId } | { view: View };

/** Pan by a share of the range shown, zoom by a factor (< 1 zooms in), or show a preset. */
export type ViewCommand = { pan: number } | { zoom: number } | { preset: PresetId };

/** The range the data covers: the ends of every lane and every restore point; null when empty. */
export function dataExtent(
  lanes: Lane[],
  points: Array<Pick<TRestorePoint, "dataTime" | "createdAt">>,
): View | null {
  const times = [
    ...lanes.flatMap((l) => [l.from, l.to]).filter((t): t is number => t !== null),
    ...points.map(pointTime),
  ];
  return times.length ? { from: Math.min(...times), to: Math.max(...times) } : null;
}

/** The range a mode asks for now: a preset's moves with `now`, a DBA's own stays put. */
export function modeView(mode: ViewMode, now: number, extent: View | null): View {
  return "view" in mode ? mode.view : presetView(mode.preset, now, extent);
}

/**
 * The range on screen. While the pointer is over the chart a preset's range holds still at
 * `held` (where it was when the pointer came in): nothing moves under the DBA's cursor, neither
 * a restore point being read nor a second about to be clicked.
 */
export function shownView(mode: ViewMode, live: View, held: View | null): View {
  return held && !("view" in mode) ? held : live;
}

/** The mode after `command`, applied to the range on screen. */
export function nextMode(shown: View, command: ViewCommand): ViewMode {
  if ("preset" in command) return { preset: command.preset };
  if ("zoom" in command) return { view: zoomView(shown, command.zoom) };
  return { view: panView(shown, (shown.to - shown.from) * command.pan) };
}

/** The chart's keys: arrows pan a fifth of the range, plus and minus zoom, Home shows everything. */
export function keyCommand(key: string): ViewCommand | null {
  switch (key) {
    case "ArrowLeft":
      return { pan: -0.2 };
    case "ArrowRight":
      return { pan: 0.2 };
    case "+":
    case "=":
      return { zoom: 0.5 };
    case "-":
    case "_":
      return { zoom: 2 };
    case "Home":
      return { preset: "all" };
    default:
      return null;
  }
}

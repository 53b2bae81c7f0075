import { describe, expect, it } from "vitest";
import { presetView } from "../timeline-scale";
import { dataExtent, keyCommand, modeView, nextMode, shownView } from "./view-state";

const T0 = Date.UTC(2026, 10, 21, 10, 0, 0);
const M = 60_000;

describe("timeline view state", () => {
  it("a preset follows now; a range the DBA zoomed or panned to stays put", () => {
    expect(modeView({ preset: "15m" }, T0, null)).toEqual(presetView("15m", T0, null));
    expect(modeView({ preset: "15m" }, T0 + M, null).to).toBe(presetView("15m", T0, null).to + M);
    const own = { from: T0 - 5 * M, to: T0 };
    expect(modeView({ view: own }, T0 + 10 * M, null)).toBe(own);
  });

  it("holds a preset still while the pointer is over the chart, but not the DBA's own range", () => {
    const held = { from: T0 - 15 * M, to: T0 };
    const live = { from: T0 - 14 * M, to: T0 + M };
    expect(shownView({ preset: "15m" }, live, held)).toBe(held);
    expect(shownView({ preset: "15m" }, live, null)).toBe(live);
    expect(shownView({ view: live }, live, held)).toBe(live);
  });

  it("zooms and pans the range on screen", () => {
    const shown = { from: T0, to: T0 + 10 * M };
    expect(nextMode(shown, { zoom: 0.5 })).toEqual({ view: { from: T0 + 2.5 * M, to: T0 + 7.5 * M } });
    expect(nextMode(shown, { pan: -0.25 })).toEqual({ view: { from: T0 - 2.5 * M, to: T0 + 7.5 * M } });
    expect(nextMode(shown, { preset: "all" })).toEqual({ preset: "all" });
  });

  it("maps the chart's keys", () => {
    expect(keyCommand("ArrowLeft")).toEqual({ pan: -0.2 });
    expect(keyCommand("ArrowRight")).toEqual({ pan: 0.2 });
    expect(keyCommand("+")).toEqual({ zoom: 0.5 });
    expect(keyCommand("=")).toEqual({ zoom: 0.5 });
    expect(keyCommand("-")).toEqual({ zoom: 2 });
    expect(keyCommand("_")).toEqual({ zoom: 2 });
    expect(keyCommand("Home")).toEqual({ preset: "all" });
    expect(keyCommand("Enter")).toBeNull();
  });

  it("covers the lanes' ends and the restore points", () => {
    const at = (ms: number) => new Date(ms);
    const lanes = [{ timeline: 1, segments: [], gaps: [], from: T0, to: T0 + 10 * M }];
    const points = [{ dataTime: null, createdAt: at(T0 + 20 * M) }];
    expect(dataExtent(lanes, points)).toEqual({ from: T0, to: T0 + 20 * M });
    expect(dataExtent([{ ...lanes[0]!, from: null, to: null }], [])).toBeNull();
  });
});

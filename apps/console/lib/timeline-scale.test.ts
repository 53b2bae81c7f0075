import { describe, expect, it } from "vitest";
import {
  formatSpan,
  lsnToNumber,
  MAX_SPAN_MS,
  MIN_SPAN_MS,
  panView,
  presetView,
  timeAtLsn,
  zoomView,
} from "./timeline-scale";

const T0 = Date.UTC(2026, 10, 21, 10, 0, 0);
const M = 60_000;
const H = 60 * M;

describe("timeline scale", () => {
  it("presets end a little after now; 'all' covers the data and now", () => {
    const v = presetView("15m", T0, null);
    expect(v.to - v.from).toBe(15 * M);
    expect(v.to).toBeGreaterThan(T0);
    expect(v.from).toBeLessThan(T0 - 14 * M);
    const all = presetView("all", T0, { from: T0 - 10 * 86_400_000, to: T0 - H });
    expect(all.from).toBeLessThan(T0 - 10 * 86_400_000);
    expect(all.to).toBeGreaterThan(T0);
    // no data: an hour
    expect(presetView("all", T0, null)).toEqual(presetView("1h", T0, null));
  });

  it("zooms around an anchor that stays put, between a minute and five years", () => {
    const v = { from: T0, to: T0 + H };
    const anchor = T0 + 15 * M;
    const z = zoomView(v, 0.5, anchor);
    expect(z.to - z.from).toBe(30 * M);
    // the anchor sits at the same fraction of the view before and after
    expect((anchor - z.from) / (z.to - z.from)).toBeCloseTo((anchor - v.from) / (v.to - v.from));
    let tight = v;
    for (let i = 0; i < 20; i++) tight = zoomView(tight, 0.5);
    expect(tight.to - tight.from).toBe(MIN_SPAN_MS);
    let wide = v;
    for (let i = 0; i < 40; i++) wide = zoomView(wide, 2);
    expect(wide.to - wide.from).toBe(MAX_SPAN_MS);
  });

  it("pans", () => {
    const v = { from: T0, to: T0 + 1000 * 1000 };
    expect(panView(v, 5000)).toEqual({ from: T0 + 5000, to: T0 + 1_005_000 });
  });

  it("reads LSNs and places a fork between known points of its timeline", () => {
    expect(lsnToNumber("0/10")).toBe(16);
    expect(lsnToNumber("1/0")).toBe(2 ** 32);
    expect(lsnToNumber("nope")).toBeNull();
    const known = [
      { lsn: "0/1000", time: T0 },
      { lsn: "0/3000", time: T0 + 2 * M },
    ];
    expect(timeAtLsn("0/2000", known)).toBe(T0 + M);
    expect(timeAtLsn("0/0", known)).toBe(T0);
    expect(timeAtLsn("0/9000", known)).toBe(T0 + 2 * M);
    expect(timeAtLsn("0/2000", [])).toBeNull();
  });

  it("names spans", () => {
    expect(formatSpan(0)).toBe("0 s");
    expect(formatSpan(42_000)).toBe("42 s");
    expect(formatSpan(15 * M)).toBe("15 min");
    expect(formatSpan(3 * H)).toBe("3 h");
    expect(formatSpan(7 * 86_400_000)).toBe("7 d");
    expect(formatSpan(30 * 86_400_000)).toBe("4 w");
  });
});

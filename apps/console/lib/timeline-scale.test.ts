import { describe, expect, it } from "vitest";
import {
  formatSpan,
  lsnToNumber,
  MAX_SPAN_MS,
  MIN_SPAN_MS,
  panView,
  presetView,
  ticks,
  timeAtLsn,
  timeToX,
  xToTime,
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
    expect(timeToX(anchor, z, 1000)).toBeCloseTo(timeToX(anchor, v, 1000));
    let tight = v;
    for (let i = 0; i < 20; i++) tight = zoomView(tight, 0.5);
    expect(tight.to - tight.from).toBe(MIN_SPAN_MS);
    let wide = v;
    for (let i = 0; i < 40; i++) wide = zoomView(wide, 2);
    expect(wide.to - wide.from).toBe(MAX_SPAN_MS);
  });

  it("pans and maps pixels to times and back", () => {
    const v = { from: T0, to: T0 + 1000 * 1000 };
    expect(panView(v, 5000)).toEqual({ from: T0 + 5000, to: T0 + 1_005_000 });
    expect(timeToX(T0 + 250_000, v, 1000)).toBe(250);
    expect(xToTime(250, v, 1000)).toBe(T0 + 250_000);
  });

  it("puts ticks on round UTC times, with the date where it changes", () => {
    const t = ticks({ from: T0 - 2 * H - 7 * M, to: T0 + H }, 1000, "utc");
    expect(t[0]!.label).toBe("08:00");
    expect(t[0]!.date).toBe("2026-11-21");
    expect(t.every((x) => (x.at - T0) % (30 * M) === 0)).toBe(true);
    expect(t[1]!.date).toBeNull();
    const secs = ticks({ from: T0, to: T0 + 2 * M }, 1200, "utc");
    expect(secs[1]!.label).toMatch(/^10:00:(10|15|30)$/);
    const days = ticks({ from: T0, to: T0 + 10 * 86_400_000 }, 1000, "utc");
    expect(days[0]!.label).toBe("11-22");
    const months = ticks({ from: T0, to: T0 + 400 * 86_400_000 }, 1000, "utc");
    expect(months[0]!.label).toBe("2027-01"); // every two months at this width
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

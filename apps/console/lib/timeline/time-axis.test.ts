import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { axisTicks, pixelsToMs, timeScale } from "./time-axis";

const T0 = Date.UTC(2026, 10, 21, 10, 0, 0);
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe("time axis", () => {
  const tz = process.env.TZ;
  beforeEach(() => {
    process.env.TZ = "Europe/Berlin";
  });
  afterEach(() => {
    process.env.TZ = tz;
  });

  it("maps times to the plot's pixels and back", () => {
    const x = timeScale({ from: T0, to: T0 + 1000 * S }, "utc", 56, 1000);
    expect(x(T0)).toBe(56);
    expect(x(T0 + 250 * S)).toBe(306);
    expect(x.invert(306).getTime()).toBe(T0 + 250 * S);
    expect(pixelsToMs(x, 100)).toBe(100 * S);
    expect(pixelsToMs(x, -10)).toBe(-10 * S);
  });

  it("puts ticks on round UTC times, with the date on the first and where it changes", () => {
    const t = axisTicks(timeScale({ from: T0 - 2 * H - 7 * M, to: T0 + H }, "utc", 0, 1000), "utc");
    expect(t[0]).toEqual({ at: T0 - 2 * H, label: "08:00", date: "2026-11-21" });
    expect(t.every((x) => (x.at - T0) % (30 * M) === 0)).toBe(true);
    expect(t.slice(1).every((x) => x.date === null)).toBe(true);
    const night = axisTicks(timeScale({ from: T0, to: T0 + D }, "utc", 0, 1000), "utc");
    expect(night.filter((x) => x.date).map((x) => x.date)).toEqual(["2026-11-21", "2026-11-22"]);
  });

  it("labels seconds, days and months as precisely as the interval needs", () => {
    const secs = axisTicks(timeScale({ from: T0, to: T0 + 2 * M }, "utc", 0, 1200), "utc");
    expect(secs[1]!.label).toMatch(/^10:00:(05|10|15|30)$/);
    const days = axisTicks(timeScale({ from: T0, to: T0 + 10 * D }, "utc", 0, 1000), "utc");
    expect(days[0]).toEqual({ at: Date.UTC(2026, 10, 22), label: "11-22", date: null });
    const months = axisTicks(timeScale({ from: T0, to: T0 + 400 * D }, "utc", 0, 1000), "utc");
    expect(months[0]!.label).toBe("2026-12");
    expect(months.every((x) => /^\d{4}-\d\d$/.test(x.label))).toBe(true);
  });

  it("never asks for ticks closer than a second, however wide the chart", () => {
    const t = axisTicks(timeScale({ from: T0, to: T0 + M }, "utc", 0, 20_000), "utc");
    expect(t.every((x) => x.at % S === 0)).toBe(true);
    expect(t.length).toBeLessThanOrEqual(61);
  });

  it("keeps local ticks on round local hours across the end of summer time", () => {
    // Europe/Berlin goes from 03:00 CEST back to 02:00 CET on 2026-10-25
    const from = Date.UTC(2026, 9, 24, 20, 0, 0);
    const t = axisTicks(timeScale({ from, to: from + 15 * H }, "local", 0, 1000), "local");
    expect(t.length).toBeGreaterThan(3);
    expect(t.every((x) => /^(00|03|06|09|12|15|18|21):00$/.test(x.label))).toBe(true);
    expect(t.find((x) => x.label === "00:00")!.date).toBe("2026-10-25");
  });

  it("has no ticks for an empty range or a plot without width", () => {
    expect(axisTicks(timeScale({ from: T0, to: T0 }, "utc", 0, 1000), "utc")).toEqual([]);
    expect(axisTicks(timeScale({ from: T0, to: T0 + H }, "utc", 56, 0), "utc")).toEqual([]);
  });
});

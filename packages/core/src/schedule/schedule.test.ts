import { describe, expect, it } from "vitest";
import { nextRun, parseSchedule } from "./schedule";

const next = (expr: string, after: string) => nextRun(parseSchedule(expr), new Date(after)).toISOString();

describe("interval schedules", () => {
  it("parses seconds, minutes, hours and days", () => {
    expect(parseSchedule("30s")).toEqual({ kind: "interval", source: "30s", seconds: 30 });
    expect(parseSchedule("15m")).toMatchObject({ seconds: 900 });
    expect(parseSchedule(" 2h ")).toMatchObject({ seconds: 7200 });
    expect(parseSchedule("1d")).toMatchObject({ seconds: 86_400 });
    expect(parseSchedule("90M")).toMatchObject({ seconds: 5400 });
  });

  it("fires on multiples of the interval since the epoch, strictly after the given time", () => {
    expect(next("15m", "2026-11-21T10:07:13Z")).toBe("2026-11-21T10:15:00.000Z");
    expect(next("15m", "2026-11-21T10:15:00Z")).toBe("2026-11-21T10:30:00.000Z");
    expect(next("2h", "2026-11-21T23:30:00Z")).toBe("2026-11-22T00:00:00.000Z");
    expect(next("1d", "2026-11-21T10:00:00Z")).toBe("2026-11-22T00:00:00.000Z");
    expect(next("30s", "2026-11-21T10:00:29.999Z")).toBe("2026-11-21T10:00:30.000Z");
  });
});

describe("cron schedules", () => {
  it("parses the five fields with lists, ranges and steps", () => {
    expect(parseSchedule("*/15 * * * *")).toMatchObject({
      kind: "cron",
      minutes: [0, 15, 30, 45],
      hours: expect.any(Array),
    });
    expect(parseSchedule("5,10-12,40-50/5 0 1 1 0")).toMatchObject({
      minutes: [5, 10, 11, 12, 40, 45, 50],
      hours: [0],
      daysOfMonth: [1],
      months: [1],
      daysOfWeek: [0],
    });
    expect(parseSchedule("10/20 * * * *")).toMatchObject({ minutes: [10, 30, 50] });
    expect(parseSchedule("0 0 * JAN,jul mon-FRI")).toMatchObject({
      months: [1, 7],
      daysOfWeek: [1, 2, 3, 4, 5],
    });
    expect(parseSchedule("0 0 * * 7")).toMatchObject({ daysOfWeek: [0] });
    expect(parseSchedule("@hourly")).toMatchObject({ kind: "cron", minutes: [0], source: "@hourly" });
  });

  it("finds the next minute that matches, strictly after the given time", () => {
    expect(next("*/15 * * * *", "2026-11-21T10:07:13Z")).toBe("2026-11-21T10:15:00.000Z");
    expect(next("*/15 * * * *", "2026-11-21T10:15:00Z")).toBe("2026-11-21T10:30:00.000Z");
    expect(next("*/15 * * * *", "2026-11-21T10:14:59.999Z")).toBe("2026-11-21T10:15:00.000Z");
    expect(next("*/15 * * * *", "2026-11-21T23:50:00Z")).toBe("2026-11-22T00:00:00.000Z");
    expect(next("* * * * *", "2026-11-21T10:00:00Z")).toBe("2026-11-21T10:01:00.000Z");
  });

  it("the classic restore-point schedule: every 2 hours on the hour", () => {
    expect(next("0 */2 * * *", "2026-11-21T10:00:00Z")).toBe("2026-11-21T12:00:00.000Z");
    expect(next("0 */2 * * *", "2026-11-21T11:59:59Z")).toBe("2026-11-21T12:00:00.000Z");
    expect(next("0 */2 * * *", "2026-11-21T22:00:00Z")).toBe("2026-11-22T00:00:00.000Z");
  });

  it("rolls over months and years", () => {
    expect(next("0 0 1 * *", "2026-12-15T00:00:00Z")).toBe("2027-01-01T00:00:00.000Z");
    expect(next("30 4 31 * *", "2026-04-01T00:00:00Z")).toBe("2026-05-31T04:30:00.000Z");
    expect(next("0 0 29 2 *", "2026-03-01T00:00:00Z")).toBe("2028-02-29T00:00:00.000Z");
    expect(next("0 12 * 6 *", "2026-11-21T00:00:00Z")).toBe("2027-06-01T12:00:00.000Z");
  });

  it("runs on a day matching either day field when both are restricted, as Vixie cron does", () => {
    // 2026-11-21 is a Saturday; the next Friday is the 27th, the next 13th is 2026-12-13
    expect(next("0 0 13 * 5", "2026-11-21T00:00:00Z")).toBe("2026-11-27T00:00:00.000Z");
    expect(next("0 0 13 * 5", "2026-12-12T00:00:00Z")).toBe("2026-12-13T00:00:00.000Z");
    // with "*" in one field only the other restricts
    expect(next("0 0 * * 1", "2026-11-21T00:00:00Z")).toBe("2026-11-23T00:00:00.000Z");
    // "*/10" starts with "*": days 1, 11, 21, 31 that are also Mondays
    expect(next("0 0 */10 * 1", "2026-11-21T00:00:00Z")).toBe("2026-12-21T00:00:00.000Z");
  });

  it("uses UTC", () => {
    expect(next("0 3 * * *", "2026-03-29T00:30:00+01:00")).toBe("2026-03-29T03:00:00.000Z");
  });
});

describe("invalid schedules", () => {
  it.each([
    ["", /it is empty/],
    ["0s", /longer than zero/],
    ["soon", /5 fields/],
    ["* * * *", /this has 4/],
    ["* * * * * *", /this has 6/],
    ["60 * * * *", /minute 60 is outside 0–59/],
    ["* 24 * * *", /hour 24/],
    ["* * 0 * *", /day of month 0/],
    ["* * * 13 *", /month 13/],
    ["* * * * 8", /day of week 8/],
    ["*/0 * * * *", /step .* at least 1/],
    ["5-1 * * * *", /runs backwards/],
    ["1-2-3 * * * *", /not a range/],
    ["a * * * *", /is not a valid minute/],
    ["0 0 30 2 *", /never occurs/],
    ["0 0 31 4,6 *", /never occurs/],
  ])("refuses %j with INVALID_SCHEDULE", (expr, message) => {
    expect(() => parseSchedule(expr)).toThrowError(
      expect.objectContaining({ code: "INVALID_SCHEDULE", message: expect.stringMatching(message) }),
    );
  });
});

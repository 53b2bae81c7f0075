import { describe, expect, it } from "vitest";
import { nextRun, nextRuns, parseSchedule } from "./schedule";

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
  it("parses the five fields with lists, ranges, steps and names, in a time zone", () => {
    expect(parseSchedule("*/15 * * * *")).toEqual({ kind: "cron", source: "*/15 * * * *", timeZone: "UTC" });
    expect(parseSchedule("0 3 * * *", "Europe/Berlin")).toEqual({ kind: "cron", source: "0 3 * * *", timeZone: "Europe/Berlin" });
    expect(next("5,10-12,40-50/5 0 1 1 0", "2026-12-31T23:59:00Z")).toBe("2027-01-01T00:05:00.000Z");
    expect(next("10/20 * * * *", "2026-11-21T10:31:00Z")).toBe("2026-11-21T10:50:00.000Z");
    expect(next("0 0 * JAN,jul mon-FRI", "2026-11-21T00:00:00Z")).toBe("2027-01-01T00:00:00.000Z");
    expect(next("0 0 * * 7", "2026-11-21T00:00:00Z")).toBe("2026-11-22T00:00:00.000Z");
    expect(parseSchedule("@hourly")).toMatchObject({ kind: "cron", source: "@hourly" });
    expect(next("@hourly", "2026-11-21T10:15:00Z")).toBe("2026-11-21T11:00:00.000Z");
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
  });

  it("uses UTC unless told a time zone", () => {
    expect(next("0 3 * * *", "2026-03-29T00:30:00+01:00")).toBe("2026-03-29T03:00:00.000Z");
  });

  it("runs at the DBA's local time in their zone, across summer time", () => {
    const berlin = (expr: string, after: string) => nextRun(parseSchedule(expr, "Europe/Berlin"), new Date(after)).toISOString();
    // 03:00 in Berlin is 02:00 UTC in winter and 01:00 UTC in summer (the switch is 2026-03-29 02:00)
    expect(berlin("0 3 * * *", "2026-03-27T12:00:00Z")).toBe("2026-03-28T02:00:00.000Z");
    expect(berlin("0 3 * * *", "2026-03-28T12:00:00Z")).toBe("2026-03-29T01:00:00.000Z");
    // 02:30 does not exist on 2026-03-29 in Berlin: it runs right after the skipped hour
    expect(berlin("30 2 * * *", "2026-03-28T12:00:00Z")).toBe("2026-03-29T01:30:00.000Z");
    expect(nextRuns(parseSchedule("0 */6 * * *", "America/New_York"), new Date("2026-11-21T00:00:00Z"), 3).map((d) => d.toISOString())).toEqual([
      "2026-11-21T05:00:00.000Z",
      "2026-11-21T11:00:00.000Z",
      "2026-11-21T17:00:00.000Z",
    ]);
  });
});

describe("invalid schedules", () => {
  it.each([
    ["", /it is empty/],
    ["0s", /longer than zero/],
    ["soon", /5 fields/],
    ["* * * *", /this has 4/],
    ["* * * * * *", /this has 6/],
    ["60 * * * *", /expected range 0-59/],
    ["* 24 * * *", /expected range 0-23/],
    ["* * 0 * *", /expected range 1-31/],
    ["* * * 13 *", /expected range 1-12/],
    ["* * * * 8", /expected range 0-7/],
    ["*/0 * * * *", /every 0/],
    ["5-1 * * * *", /Invalid range/],
    ["a * * * *", /Invalid characters/],
    ["0 0 30 2 *", /never occurs/],
    ["0 0 31 4,6 *", /never occurs/],
  ])("refuses %j with INVALID_SCHEDULE", (expr, message) => {
    expect(() => parseSchedule(expr)).toThrowError(
      expect.objectContaining({ code: "INVALID_SCHEDULE", message: expect.stringMatching(message) }),
    );
  });
});

describe("time zones", () => {
  it("refuses a zone that does not exist with INVALID_TIME_ZONE", () => {
    expect(() => parseSchedule("0 3 * * *", "Mars/Olympus")).toThrowError(expect.objectContaining({ code: "INVALID_TIME_ZONE" }));
  });
});

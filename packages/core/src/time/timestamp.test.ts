import { describe, expect, it } from "vitest";
import { formatTimestamp, formatTimestampForMessage, normalizeTimestamp, parseTimestamp, formatTimestampForPostgres } from "./timestamp";

describe("parseTimestamp", () => {
  it("reads ISO 8601 and PostgreSQL's output style to the microsecond", () => {
    const base = Date.UTC(2026, 10, 21, 10, 0, 0) * 1000;
    expect(parseTimestamp("2026-11-21T10:00:00Z")).toBe(base);
    expect(parseTimestamp("2026-11-21 10:00:00+00")).toBe(base);
    expect(parseTimestamp("2026-11-21 10:00:00 UTC")).toBe(base);
    expect(parseTimestamp("2026-11-21T12:00:00+02:00")).toBe(base);
    expect(parseTimestamp("2026-11-21T05:30:00-0430")).toBe(base);
    expect(parseTimestamp("2026-11-21 10:00+00")).toBe(base);
    expect(parseTimestamp("2026-11-21 10:00:00.123456+00")).toBe(base + 123456);
    expect(parseTimestamp("2026-11-21T10:00:00.5Z")).toBe(base + 500000);
    // pg_waldump prints microseconds; anything finer is cut, not rounded
    expect(parseTimestamp("2026-11-21T10:00:00.1234569Z")).toBe(base + 123456);
  });

  it("insists on an explicit time zone", () => {
    expect(() => parseTimestamp("2026-11-21 10:00:00")).toThrowError(/time zone must be explicit/);
  });

  it.each([
    "",
    "yesterday",
    "2026-13-01 00:00:00Z",
    "2026-02-30 00:00:00Z",
    "2026-11-21 24:00:00Z",
    "2026-11-21 10:60:00Z",
    "2026-11-21",
  ])("refuses %j", (bad) => {
    expect(() => parseTimestamp(bad)).toThrowError(expect.objectContaining({ code: "INVALID_TIMESTAMP" }));
  });

  it("accepts 29 February only in leap years", () => {
    expect(() => parseTimestamp("2028-02-29 00:00:00Z")).not.toThrow();
    expect(() => parseTimestamp("2100-02-29 00:00:00Z")).toThrow();
  });
});

describe("formatTimestamp", () => {
  it("prints ISO 8601 UTC with only the fractional digits needed", () => {
    expect(normalizeTimestamp("2026-11-21 10:00:00+00")).toBe("2026-11-21T10:00:00Z");
    expect(normalizeTimestamp("2026-11-21 10:00:00.120+00")).toBe("2026-11-21T10:00:00.120Z");
    expect(normalizeTimestamp("2026-11-21 10:00:00.123456+00")).toBe("2026-11-21T10:00:00.123456Z");
    expect(normalizeTimestamp("2026-11-21 10:00:00.000001+00")).toBe("2026-11-21T10:00:00.000001Z");
    expect(formatTimestamp(-1)).toBe("1969-12-31T23:59:59.999999Z");
  });

  it("writes message times like a DBA would", () => {
    const a = parseTimestamp("2026-11-21 10:00:00Z");
    const b = parseTimestamp("2026-11-21 10:15:00Z");
    const c = parseTimestamp("2026-11-22 10:15:00Z");
    expect(formatTimestampForMessage(a)).toBe("2026-11-21 10:00:00Z");
    expect(formatTimestampForMessage(b, a)).toBe("10:15:00Z");
    expect(formatTimestampForMessage(c, a)).toBe("2026-11-22 10:15:00Z");
  });
});

describe("formatTimestampForPostgres", () => {
  it("writes PostgreSQL's notation in UTC with microseconds, and reads back to the same microsecond", () => {
    for (const s of ["2026-11-21T10:00:00Z", "2026-11-21 11:00:00.25+01", "1999-12-31T23:59:59.999999Z", "2026-03-29 03:30:00.000001+02:00"]) {
      const t = parseTimestamp(s);
      const pg = formatTimestampForPostgres(t);
      expect(pg).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\+00$/);
      expect(parseTimestamp(pg)).toBe(t);
    }
    expect(formatTimestampForPostgres(parseTimestamp("2026-11-21 11:00:00.25+01"))).toBe("2026-11-21 10:00:00.250000+00");
  });

  it("keeps microseconds before 1970", () => {
    const t = parseTimestamp("1969-12-31T23:59:59.123456Z");
    expect(formatTimestampForPostgres(t)).toBe("1969-12-31 23:59:59.123456+00");
  });
});

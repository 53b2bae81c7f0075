import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatInZone, isoWithOffset, offsetAt, parseInZone } from "./time-input";

describe("time input", () => {
  const tz = process.env.TZ;
  beforeAll(() => {
    process.env.TZ = "Europe/Berlin";
  });
  afterAll(() => {
    process.env.TZ = tz;
  });

  const at = Date.UTC(2026, 10, 21, 9, 15, 3, 456); // 10:15:03.456 in Berlin (CET, +01:00)

  it("formats in UTC and in the browser's zone, to the second", () => {
    expect(formatInZone(at, "utc")).toBe("2026-11-21 09:15:03");
    expect(formatInZone(at, "local")).toBe("2026-11-21 10:15:03");
    expect(offsetAt(at, "local")).toBe("+01:00");
    expect(offsetAt(Date.UTC(2026, 6, 1), "local")).toBe("+02:00");
  });

  it("sends ISO 8601 with the offset of the zone it was typed in", () => {
    expect(isoWithOffset(at, "utc")).toBe("2026-11-21T09:15:03Z");
    expect(isoWithOffset(at, "local")).toBe("2026-11-21T10:15:03+01:00");
  });

  it("reads wall-clock times in the chosen zone", () => {
    expect(parseInZone("2026-11-21 10:15:03", "local")).toEqual({
      ok: true,
      ms: Date.UTC(2026, 10, 21, 9, 15, 3),
      iso: "2026-11-21T10:15:03+01:00",
    });
    expect(parseInZone("2026-11-21T09:15:03", "utc")).toEqual({
      ok: true,
      ms: Date.UTC(2026, 10, 21, 9, 15, 3),
      iso: "2026-11-21T09:15:03Z",
    });
    expect(parseInZone("2026-11-21 09:15", "utc")).toMatchObject({ ok: true, iso: "2026-11-21T09:15:00Z" });
  });

  it("takes a pasted time with its own zone as it says", () => {
    expect(parseInZone("2026-11-21T09:15:03Z", "local")).toMatchObject({
      ok: true,
      ms: Date.UTC(2026, 10, 21, 9, 15, 3),
    });
    expect(parseInZone("2026-11-21 12:15:03+03", "utc")).toMatchObject({
      ok: true,
      ms: Date.UTC(2026, 10, 21, 9, 15, 3),
      iso: "2026-11-21 12:15:03+03",
    });
    expect(parseInZone("2026-11-21T09:15:03.123456+00:00", "local")).toMatchObject({ ok: true });
  });

  it("refuses what is not a time, and local times skipped by DST", () => {
    expect(parseInZone("", "utc").ok).toBe(false);
    expect(parseInZone("yesterday", "utc").ok).toBe(false);
    expect(parseInZone("2026-02-30 10:00:00", "utc").ok).toBe(false);
    expect(parseInZone("2026-11-21 24:00:00", "utc").ok).toBe(false);
    const skipped = parseInZone("2026-03-29 02:30:00", "local");
    expect(skipped.ok).toBe(false);
    expect(!skipped.ok && skipped.error).toContain("does not exist in Europe/Berlin");
  });
});

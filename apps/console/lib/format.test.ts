import { describe, expect, it } from "vitest";
import {
  formatBytes,
  formatDateTime,
  formatDuration,
  formatPercent,
  formatRate,
  formatRelative,
} from "./format";

describe("format", () => {
  it("sizes in binary units, like zfs list", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(1.1 * 1024 ** 3)).toBe("1.1 GiB");
    expect(formatBytes(500 * 1024 ** 2)).toBe("500 MiB");
    expect(formatBytes(null)).toBe("—");
    expect(formatRate(12.3 * 1024 ** 2)).toBe("12 MiB/s");
    expect(formatRate(2.34 * 1024 ** 2)).toBe("2.3 MiB/s");
  });

  it("durations from milliseconds to days", () => {
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(42_000)).toBe("42 s");
    expect(formatDuration(185_000)).toBe("3 min 5 s");
    expect(formatDuration(2 * 3600_000 + 4 * 60_000)).toBe("2 h 4 min");
    expect(formatDuration(3 * 86_400_000 + 4 * 3600_000)).toBe("3 d 4 h");
  });

  it("relative times in both directions", () => {
    const now = Date.UTC(2026, 10, 21, 10, 0, 0);
    expect(formatRelative(now - 2_000, now)).toBe("just now");
    expect(formatRelative(now - 30_000, now)).toBe("30 s ago");
    expect(formatRelative(now - 3 * 60_000, now)).toBe("3 min ago");
    expect(formatRelative(now + 2 * 3600_000, now)).toBe("in 2 h");
    expect(formatRelative(null, now)).toBe("never");
  });

  it("exact times carry seconds and the UTC offset", () => {
    expect(formatDateTime(new Date(2026, 10, 21, 10, 15, 3))).toMatch(/^2026-11-21 10:15:03 [+-]\d\d:\d\d$/);
  });

  it("percentages clamp", () => {
    expect(formatPercent(0.456)).toBe("46%");
    expect(formatPercent(1.2)).toBe("100%");
    expect(formatPercent(-1)).toBe("0%");
  });
});

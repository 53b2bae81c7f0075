import { describe, expect, it } from "vitest";
import { compareRestorePoints } from "./order";

const at = (s: string, lsn: string, timeline = 1) => ({ id: lsn, createdAt: new Date(s), timeline, lsn });

describe("compareRestorePoints", () => {
  it("orders by creation time, then timeline, then LSN (not as text)", () => {
    const points = [
      at("2026-12-02T10:00:01Z", "0/A000028"),
      at("2026-12-02T10:00:01Z", "0/9000028"),
      at("2026-12-02T10:00:00Z", "0/F000028"),
      at("2026-12-02T10:00:01Z", "0/1000028", 2),
    ];
    expect(points.sort(compareRestorePoints).map((p) => `${p.timeline}:${p.lsn}`)).toEqual(["1:0/F000028", "1:0/9000028", "1:0/A000028", "2:0/1000028"]);
  });
});

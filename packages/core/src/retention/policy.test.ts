import { describe, expect, it } from "vitest";
import { parseTimestamp } from "../time/timestamp";
import { parseTimelineHistory, type TimelineHistories } from "../timelines/history";
import {
  bucketKey,
  computeKeepSet,
  type RetentionPolicy,
  type RetentionRestorePoint,
  walFilesToPrune,
} from "./policy";

let counter = 0;
/** A restore point taken at `createdAt`; LSNs grow with the order of creation in each test. */
function point(createdAt: string, extra: Partial<RetentionRestorePoint> = {}): RetentionRestorePoint {
  counter++;
  return {
    id: createdAt,
    lsn: `0/${(counter * 0x1000000).toString(16).toUpperCase()}`,
    timeline: 1,
    createdAt,
    ...extra,
  };
}

function keepSet(policy: RetentionPolicy, createdAts: string[], protectedIds: string[] = []) {
  counter = 0;
  const restorePoints = [...createdAts].sort().map((t) => point(t));
  return computeKeepSet({
    policy,
    restorePoints,
    protectedIds: new Set(protectedIds),
    now: "2026-11-21T12:00:00Z",
  });
}

const kept = (set: ReturnType<typeof keepSet>) => set.keep.map((k) => k.id);

describe("computeKeepSet", () => {
  const hours = [
    "2026-11-21T09:30:00Z",
    "2026-11-21T10:00:00Z",
    "2026-11-21T10:15:00Z",
    "2026-11-21T10:45:00Z",
    "2026-11-21T11:05:00Z",
    "2026-11-21T11:30:00Z",
  ];

  it("keeps everything under an empty policy", () => {
    const set = keepSet({}, hours);
    expect(set.prune).toEqual([]);
    expect(set.keep).toHaveLength(6);
    expect(set.keep[5]).toEqual({ id: "2026-11-21T09:30:00Z", reasons: ["policy-empty"] });
    expect(set.keep[0]!.reasons).toEqual(["policy-empty", "newest"]);
  });

  it("keepLast keeps the N newest", () => {
    const set = keepSet({ keepLast: 2 }, hours);
    expect(set.keep).toEqual([
      { id: "2026-11-21T11:30:00Z", reasons: ["last", "newest"] },
      { id: "2026-11-21T11:05:00Z", reasons: ["last"] },
    ]);
    expect(set.prune).toEqual([
      "2026-11-21T10:45:00Z",
      "2026-11-21T10:15:00Z",
      "2026-11-21T10:00:00Z",
      "2026-11-21T09:30:00Z",
    ]);
  });

  it("always keeps the newest point, even with keepLast 0", () => {
    expect(kept(keepSet({ keepLast: 0 }, hours))).toEqual(["2026-11-21T11:30:00Z"]);
  });

  it("hourly keeps the newest point of each of the last N hours that have points", () => {
    expect(kept(keepSet({ hourly: 2 }, hours))).toEqual(["2026-11-21T11:30:00Z", "2026-11-21T10:45:00Z"]);
    // hours without points do not use up the count
    expect(
      kept(
        keepSet({ hourly: 2 }, [
          "2026-11-21T02:10:00Z",
          "2026-11-21T06:10:00Z",
          "2026-11-21T06:20:00Z",
          "2026-11-21T11:00:00Z",
        ]),
      ),
    ).toEqual(["2026-11-21T11:00:00Z", "2026-11-21T06:20:00Z"]);
    expect(kept(keepSet({ hourly: 10 }, hours))).toEqual([
      "2026-11-21T11:30:00Z",
      "2026-11-21T10:45:00Z",
      "2026-11-21T09:30:00Z",
    ]);
  });

  it("daily keeps the newest point of each of the last N days (UTC)", () => {
    const days = [
      "2026-11-19T23:59:00Z",
      "2026-11-20T00:00:00Z",
      "2026-11-20T18:00:00Z",
      "2026-11-21T01:00:00Z",
      "2026-11-21T11:00:00Z",
    ];
    expect(kept(keepSet({ daily: 2 }, days))).toEqual(["2026-11-21T11:00:00Z", "2026-11-20T18:00:00Z"]);
    expect(kept(keepSet({ daily: 3 }, days))).toContain("2026-11-19T23:59:00Z");
  });

  it("weekly uses ISO weeks, Monday to Sunday", () => {
    const points = [
      "2026-11-15T12:00:00Z",
      "2026-11-16T00:30:00Z",
      "2026-11-22T23:00:00Z",
      "2026-11-23T01:00:00Z",
    ];
    // Sun 22nd and Mon 23rd are in different weeks; Sun 15th and Mon 16th too
    expect(kept(keepSet({ weekly: 2 }, points))).toEqual(["2026-11-23T01:00:00Z", "2026-11-22T23:00:00Z"]);
    expect(kept(keepSet({ weekly: 3 }, points))).toEqual([
      "2026-11-23T01:00:00Z",
      "2026-11-22T23:00:00Z",
      "2026-11-15T12:00:00Z",
    ]);
  });

  it("numbers ISO weeks across year ends", () => {
    const week = (s: string) => bucketKey("weekly", parseTimestamp(s));
    expect(week("2026-12-31T12:00:00Z")).toBe("2026-W53");
    expect(week("2027-01-03T23:59:59Z")).toBe("2026-W53");
    expect(week("2027-01-04T00:00:00Z")).toBe("2027-W01");
    expect(week("2024-12-30T00:00:00Z")).toBe("2025-W01");
    expect(week("2026-11-21T12:00:00Z")).toBe("2026-W47");
  });

  it("monthly keeps the newest point of each of the last N months", () => {
    const months = [
      "2026-09-30T23:00:00Z",
      "2026-10-01T00:00:00Z",
      "2026-10-31T23:59:00Z",
      "2026-11-01T00:00:00Z",
      "2026-11-20T00:00:00Z",
    ];
    expect(kept(keepSet({ monthly: 2 }, months))).toEqual(["2026-11-20T00:00:00Z", "2026-10-31T23:59:00Z"]);
  });

  it("windowDays keeps everything newer than now minus N days", () => {
    const points = [
      "2026-11-19T11:00:00Z",
      "2026-11-20T12:00:00Z",
      "2026-11-20T12:00:01Z",
      "2026-11-21T11:00:00Z",
    ];
    expect(kept(keepSet({ windowDays: 1 }, points))).toEqual([
      "2026-11-21T11:00:00Z",
      "2026-11-20T12:00:01Z",
    ]);
    expect(kept(keepSet({ windowDays: 1.5 }, points))).toHaveLength(3);
  });

  it("keeps points that clones depend on whatever the policy says", () => {
    const set = keepSet({ keepLast: 1 }, hours, ["2026-11-21T10:00:00Z"]);
    expect(set.keep).toEqual([
      { id: "2026-11-21T11:30:00Z", reasons: ["last", "newest"] },
      { id: "2026-11-21T10:00:00Z", reasons: ["clone"] },
    ]);
  });

  it("combines rules and lists every reason", () => {
    const set = keepSet({ keepLast: 1, hourly: 3, daily: 1 }, hours);
    expect(set.keep).toEqual([
      { id: "2026-11-21T11:30:00Z", reasons: ["last", "hourly", "daily", "newest"] },
      { id: "2026-11-21T10:45:00Z", reasons: ["hourly"] },
      { id: "2026-11-21T09:30:00Z", reasons: ["hourly"] },
    ]);
  });

  it("falls back to the data time and keeps points it cannot date", () => {
    const set = computeKeepSet({
      policy: { keepLast: 1 },
      restorePoints: [
        { id: "old", lsn: "0/1000000", timeline: 1, dataTime: "2026-11-20T10:00:00Z" },
        { id: "new", lsn: "0/2000000", timeline: 1, dataTime: "2026-11-21T10:00:00Z" },
        { id: "mystery", lsn: "0/1800000", timeline: 1, dataTime: null },
      ],
      protectedIds: new Set(),
      now: new Date("2026-11-21T12:00:00Z"),
    });
    expect(set.keep).toEqual([
      { id: "new", reasons: ["last", "newest"] },
      { id: "mystery", reasons: ["undated"] },
    ]);
    expect(set.prune).toEqual(["old"]);
  });

  it.each<RetentionPolicy>([{ keepLast: -1 }, { hourly: 1.5 }, { windowDays: Number.NaN }, { monthly: -3 }])(
    "refuses the policy %j",
    (policy) => {
      expect(() => keepSet(policy, hours)).toThrowError(
        expect.objectContaining({ code: "INVALID_RETENTION_POLICY" }),
      );
    },
  );
});

describe("WAL no longer needed", () => {
  const rp = (id: string, lsn: string, timeline: number, createdAt: string): RetentionRestorePoint => ({
    id,
    lsn,
    timeline,
    createdAt,
  });
  const prune = (
    restorePoints: RetentionRestorePoint[],
    policy: RetentionPolicy,
    histories?: TimelineHistories,
  ) =>
    computeKeepSet({
      policy,
      restorePoints,
      protectedIds: new Set(),
      now: "2026-11-21T12:00:00Z",
      ...(histories ? { histories } : {}),
    }).walPruneBeforeLsn;

  it("is the WAL before the oldest kept point, which anchors the window", () => {
    const points = [
      rp("a", "0/1800000", 1, "2026-11-21T10:00:00Z"),
      rp("b", "0/3800000", 1, "2026-11-21T10:30:00Z"),
      rp("c", "0/5800000", 1, "2026-11-21T11:00:00Z"),
    ];
    expect(prune(points, { keepLast: 2 })).toEqual({ 1: "0/3800000" });
    expect(prune(points, {})).toEqual({ 1: "0/1800000" });
  });

  it("keeps WAL from the oldest kept point's redo pointer: a clone of it replays from there", () => {
    const points = [
      rp("a", "0/1800000", 1, "2026-11-21T10:00:00Z"),
      { ...rp("b", "0/3800000", 1, "2026-11-21T10:30:00Z"), redoLsn: "0/2A00028" },
      { ...rp("c", "0/5800000", 1, "2026-11-21T11:00:00Z"), redoLsn: "0/57FFF50" },
    ];
    expect(prune(points, { keepLast: 2 })).toEqual({ 1: "0/2A00028" });
    expect(prune(points, { keepLast: 1 })).toEqual({ 1: "0/57FFF50" });
  });

  describe("across a fork at 0/3000158", () => {
    const histories: TimelineHistories = new Map([[2, parseTimelineHistory("1\t0/3000158\tx")]]);
    const points = [
      rp("a", "0/1800000", 1, "2026-11-21T10:00:00Z"),
      rp("b", "0/3800000", 2, "2026-11-21T10:30:00Z"),
      rp("c", "0/5800000", 2, "2026-11-21T11:00:00Z"),
    ];

    it("keeps all of the child's WAL while a kept parent point before the fork replays through it", () => {
      expect(prune(points, {}, histories)).toEqual({ 1: "0/1800000", 2: "0/3000158" });
    });

    it("lets the whole parent timeline go once every kept point is past the fork", () => {
      expect(prune(points, { keepLast: 2 }, histories)).toEqual({ 1: "FFFFFFFF/FFFFFFFF", 2: "0/3800000" });
    });

    it("without history files, bounds no timeline that a lower timeline's kept point might replay into", () => {
      expect(prune(points, {})).toEqual({ 1: "0/1800000" });
      expect(prune(points, { keepLast: 2 })).toEqual({ 2: "0/3800000" });
    });
  });
});

describe("walFilesToPrune", () => {
  const files = [
    "000000010000000000000001",
    "000000010000000000000002",
    "000000010000000000000003", // holds the bound 0/3800000: needed
    "000000010000000000000002.partial",
    "000000010000000000000004",
    "000000010000000000000001.00000028.backup",
    "00000002.history",
    "000000020000000000000001",
    "archive_status",
  ];

  it("returns only segments lying entirely below their timeline's bound", () => {
    expect(walFilesToPrune(files, { 1: "0/3800000" })).toEqual([
      "000000010000000000000001",
      "000000010000000000000002",
      "000000010000000000000002.partial",
    ]);
    expect(walFilesToPrune(files, { 1: "0/3000000" })).toEqual([
      "000000010000000000000001",
      "000000010000000000000002",
      "000000010000000000000002.partial",
    ]);
  });

  it("never touches history files or timelines without a bound", () => {
    expect(walFilesToPrune(files, { 2: "FFFFFFFF/FFFFFFFF" })).toEqual(["000000020000000000000001"]);
    expect(walFilesToPrune(files, {})).toEqual([]);
  });

  it("uses the segment size", () => {
    const names = ["000000010000000000000000", "000000010000000000000001", "000000010000000000000002"];
    // 0/6000000 is 96 MB: inside the second 64 MB segment, past the third 32 MB one
    expect(walFilesToPrune(names, { 1: "0/6000000" }, 64 * 1024 * 1024)).toEqual([
      "000000010000000000000000",
    ]);
    expect(walFilesToPrune(names, { 1: "0/6000000" }, 32 * 1024 * 1024)).toEqual(names);
  });
});

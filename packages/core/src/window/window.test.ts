import { describe, expect, it } from "vitest";
import type { RestorePointRef } from "../restore-points/usable";
import { parseTimelineHistory, type TimelineHistories } from "../timelines/history";
import { buildWalCatalog, type WalSegmentInfo } from "../wal/catalog";
import { computeWindow } from "./window";

const minute = (m: number) => new Date(Date.UTC(2026, 10, 21, 10, m)).toISOString().replace(".000Z", "Z");
const at = (hhmm: string) => `2026-11-21T${hhmm}:00Z`;

/** Segment `segno`, its commits from minute 10·segno+1 to 10·segno+9 after 10:00. */
function seg(timeline: number, segno: number, extra: Partial<WalSegmentInfo> = {}): WalSegmentInfo {
  return {
    timeline,
    segno: BigInt(segno),
    firstCommitTime: minute(10 * segno + 1),
    lastCommitTime: minute(10 * segno + 9),
    ...extra,
  };
}

function rp(id: string, lsn: string, dataTime: string | null, timeline = 1): RestorePointRef {
  return { id, lsn, timeline, dataTime };
}

function windowOf(
  segments: WalSegmentInfo[],
  restorePoints: RestorePointRef[],
  histories: TimelineHistories = new Map(),
) {
  const catalog = buildWalCatalog(segments, histories);
  return computeWindow({ restorePoints, catalog, histories, now: at("12:00") });
}

const tl1 = (...segnos: number[]) => segnos.map((n) => seg(1, n));

describe("computeWindow", () => {
  it("runs from the oldest usable restore point to the last archived commit, not to now", () => {
    const w = windowOf(
      [...tl1(1, 2, 3, 4), seg(1, 5, { partial: true, endLsn: "0/5000A00" })],
      [rp("b", "0/3800000", at("10:35")), rp("a", "0/1800000", at("10:15"))],
    );
    expect(w.timelines).toEqual([
      {
        timeline: 1,
        from: at("10:15"),
        to: at("10:59"),
        fromLsn: "0/1800000",
        toLsn: "0/5000A00",
        gaps: [],
        usableRestorePoints: 2,
        unreachable: null,
      },
    ]);
  });

  it("starts at the oldest restore point whose WAL is still archived", () => {
    // segment 1 was pruned: restore point a cannot replay forward any more
    const w = windowOf(tl1(2, 3, 4), [rp("a", "0/1800000", at("10:15")), rp("b", "0/2800000", at("10:25"))]);
    expect(w.timelines[0]).toMatchObject({ from: at("10:25"), fromLsn: "0/2800000", usableRestorePoints: 1 });
  });

  it("never spans a removed segment: the gap runs from the last commit before it to the next restore point", () => {
    const w = windowOf(tl1(1, 2, 4, 5), [
      rp("a", "0/1800000", at("10:15")),
      rp("b", "0/4800000", at("10:45")),
      rp("c", "0/5100000", at("10:51")),
    ]);
    expect(w.timelines[0]).toMatchObject({
      from: at("10:15"),
      to: at("10:59"),
      gaps: [{ from: at("10:29"), to: at("10:45"), fromLsn: "0/3000000", toLsn: "0/4800000" }],
      unreachable: null,
    });
  });

  it("lets a gap end at the first restore point after the missing WAL, past WAL no point reaches", () => {
    // two holes (3 and 5); the WAL of segment 4 is archived but no restore point starts there
    const w = windowOf(tl1(1, 2, 4, 6, 7), [
      rp("a", "0/1800000", at("10:15")),
      rp("c", "0/6800000", at("11:05")),
    ]);
    expect(w.timelines[0]!.gaps).toEqual([
      { from: at("10:29"), to: at("11:05"), fromLsn: "0/3000000", toLsn: "0/6800000" },
    ]);
    expect(w.timelines[0]!.to).toBe(at("11:19"));
  });

  it("ends before missing WAL that no restore point follows, and says which WAL is stranded", () => {
    const w = windowOf(tl1(1, 2, 4, 5), [rp("a", "0/1800000", at("10:15"))]);
    expect(w.timelines[0]).toMatchObject({
      from: at("10:15"),
      to: at("10:29"),
      toLsn: "0/3000000",
      gaps: [],
      unreachable: { fromLsn: "0/4000000", toLsn: "0/6000000", from: at("10:41"), to: at("10:59") },
    });
  });

  it("has no window without a usable restore point", () => {
    expect(windowOf(tl1(1, 2), []).timelines[0]).toMatchObject({
      from: null,
      to: null,
      fromLsn: null,
      toLsn: null,
      gaps: [],
      usableRestorePoints: 0,
      unreachable: { fromLsn: "0/1000000", toLsn: "0/3000000" },
    });
    // the only restore point is older than all archived WAL
    expect(windowOf(tl1(3, 4), [rp("a", "0/1800000", at("10:15"))]).timelines[0]).toMatchObject({
      from: null,
      to: null,
    });
    expect(windowOf([], [rp("a", "0/1800000", at("10:15"))]).timelines).toEqual([
      expect.objectContaining({ timeline: 1, from: null, to: null, unreachable: null }),
    ]);
  });

  it("never ends before the newest restore point's data time", () => {
    const quiet = { firstCommitTime: null, lastCommitTime: null };
    const w = windowOf([seg(1, 1, quiet), seg(1, 2, quiet)], [rp("a", "0/1800000", at("10:15"))]);
    expect(w.timelines[0]).toMatchObject({ from: at("10:15"), to: at("10:15") });
  });

  it("names its start from the first restore point with a data time", () => {
    const w = windowOf(tl1(1, 2, 3), [rp("a", "0/1800000", null), rp("b", "0/2800000", at("10:25"))]);
    expect(w.timelines[0]).toMatchObject({ from: at("10:25"), fromLsn: "0/1800000" });
  });

  describe("after a fork", () => {
    const histories: TimelineHistories = new Map([
      [2, parseTimelineHistory("1\t0/3000158\tno recovery target specified")],
    ]);

    it("counts restore points on the parent before the fork for the child, not those after it", () => {
      const w = windowOf(
        [...tl1(1, 2, 3, 4), seg(2, 3), seg(2, 4), seg(2, 5, { partial: true, endLsn: "0/5000100" })],
        [rp("before", "0/1800000", at("10:15")), rp("after", "0/3800000", at("10:35"))],
        histories,
      );
      expect(w.timelines.map((t) => t.timeline)).toEqual([1, 2]);
      expect(w.timelines[1]).toMatchObject({
        timeline: 2,
        from: at("10:15"),
        to: at("10:59"),
        toLsn: "0/5000100",
        gaps: [],
        usableRestorePoints: 1,
      });
      expect(w.timelines[0]).toMatchObject({
        timeline: 1,
        from: at("10:15"),
        to: at("10:49"),
        usableRestorePoints: 2,
      });
    });

    it("sees WAL missing where the child's first segment should be", () => {
      const w = windowOf(
        [...tl1(1, 2, 3), seg(2, 4), seg(2, 5)],
        [rp("a", "0/1800000", at("10:15")), rp("b", "0/4800000", at("10:45"), 2)],
        histories,
      );
      expect(w.timelines[1]).toMatchObject({
        from: at("10:15"),
        to: at("10:59"),
        gaps: [{ from: at("10:29"), to: at("10:45"), fromLsn: "0/3000000", toLsn: "0/4800000" }],
      });
    });

    it("lists a timeline known only from its history file", () => {
      const w = windowOf(tl1(1, 2), [rp("a", "0/1800000", at("10:15"))], histories);
      expect(w.timelines[1]).toMatchObject({
        timeline: 2,
        from: at("10:15"),
        to: at("10:29"),
        toLsn: "0/3000000",
      });
    });
  });
});

import { describe, expect, it } from "vitest";
import { parseTimelineHistory } from "../timelines/history";
import { buildWalCatalog, type WalSegmentInfo } from "./catalog";
import { runIndexAt, walStream } from "./stream";

const minute = (m: number) => new Date(Date.UTC(2026, 10, 21, 10, m)).toISOString().replace(".000Z", "Z");

/** Segment `segno` of `timeline`, its commits from minute 10·segno+1 to 10·segno+9 after 10:00. */
function seg(timeline: number, segno: number, extra: Partial<WalSegmentInfo> = {}): WalSegmentInfo {
  return {
    timeline,
    segno: BigInt(segno),
    firstCommitTime: minute(10 * segno + 1),
    lastCommitTime: minute(10 * segno + 9),
    ...extra,
  };
}

describe("walStream", () => {
  const histories = new Map([[2, parseTimelineHistory("1\t0/3000158\tx")]]);

  it("reads the parent's segments before the fork segment and the child's from it on", () => {
    // Timeline 1 went on after the fork (the old primary kept writing): not part of timeline 2.
    const catalog = buildWalCatalog(
      [seg(1, 1), seg(1, 2), seg(1, 3), seg(1, 4), seg(1, 5), seg(2, 3), seg(2, 4)],
      histories,
    );
    const stream = walStream(2, catalog, histories);
    expect(stream.runs).toHaveLength(1);
    expect(stream.runs[0]).toMatchObject({ fromLsn: 0x1000000n, toLsn: 0x5000000n });
    expect(walStream(1, catalog, histories).runs[0]).toMatchObject({ toLsn: 0x6000000n });
  });

  it("sees missing WAL at the junction of two timelines", () => {
    const catalog = buildWalCatalog([seg(1, 1), seg(1, 2), seg(1, 3), seg(2, 4), seg(2, 5)], histories);
    const stream = walStream(2, catalog, histories);
    expect(stream.runs.map((r) => [r.fromLsn, r.toLsn])).toEqual([
      [0x1000000n, 0x3000000n],
      [0x4000000n, 0x6000000n],
    ]);
    // the last commit before the junction comes from the parent's segment 2, not its segment 3
    expect(new Date(stream.runs[0]!.lastCommitTime! / 1000).toISOString()).toBe("2026-11-21T10:29:00.000Z");
  });

  it("handles a switch LSN exactly on a segment boundary", () => {
    const h = new Map([[2, parseTimelineHistory("1\t0/3000000\tx")]]);
    const catalog = buildWalCatalog([seg(1, 1), seg(1, 2), seg(2, 3)], h);
    expect(walStream(2, catalog, h).runs.map((r) => [r.fromLsn, r.toLsn])).toEqual([
      [0x1000000n, 0x4000000n],
    ]);
  });
});

describe("runIndexAt", () => {
  it("finds the run holding an LSN, its end included", () => {
    const catalog = buildWalCatalog([seg(1, 1), seg(1, 2), seg(1, 4)], new Map());
    const stream = walStream(1, catalog, new Map());
    expect(runIndexAt(stream, 0x1000000n)).toBe(0);
    expect(runIndexAt(stream, 0x3000000n)).toBe(0);
    expect(runIndexAt(stream, 0x3000001n)).toBe(-1);
    expect(runIndexAt(stream, 0x4800000n)).toBe(1);
    expect(runIndexAt(stream, 0xffffffn)).toBe(-1);
  });
});

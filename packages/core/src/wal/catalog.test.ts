import { describe, expect, it } from "vitest";
import { parseTimelineHistory } from "../timelines/history";
import { buildWalCatalog, type WalSegmentInfo } from "./catalog";

const at = (hhmm: string) => `2026-11-21T${hhmm}:00Z`;
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

describe("buildWalCatalog", () => {
  it("summarises a continuous timeline", () => {
    const catalog = buildWalCatalog(
      [seg(1, 1), seg(1, 2), seg(1, 3, { partial: true, endLsn: "0/3000A00" })],
      new Map(),
    );
    expect(catalog).toEqual([
      {
        timeline: 1,
        startLsn: "0/1000000",
        endLsn: "0/3000A00",
        startTime: at("10:11"),
        endTime: at("10:39"),
        gaps: [],
        segmentCount: 3,
        endsWithPartial: true,
        walSegmentSize: 16 * 1024 * 1024,
        parent: null,
      },
    ]);
  });

  it("reports a removed segment as a gap between the commits around it", () => {
    const [tl1] = buildWalCatalog([seg(1, 1), seg(1, 2), seg(1, 5), seg(1, 4), seg(1, 6)], new Map());
    expect(tl1!.gaps).toEqual([
      { fromLsn: "0/3000000", toLsn: "0/4000000", fromTime: at("10:29"), toTime: at("10:41") },
    ]);
    expect(tl1!.endTime).toBe(at("11:09"));
    expect(tl1!.segmentCount).toBe(5);
    expect(tl1!.endLsn).toBe("0/7000000");
  });

  it("takes gap times from the nearest segments that have commits", () => {
    const quiet = { firstCommitTime: null, lastCommitTime: null };
    const [tl1] = buildWalCatalog(
      [seg(1, 1), seg(1, 2, quiet), seg(1, 4, quiet), seg(1, 5), seg(1, 7)],
      new Map(),
    );
    expect(tl1!.gaps).toEqual([
      { fromLsn: "0/3000000", toLsn: "0/4000000", fromTime: at("10:19"), toTime: at("10:51") },
      { fromLsn: "0/6000000", toLsn: "0/7000000", fromTime: at("10:59"), toTime: at("11:11") },
    ]);
  });

  it("prefers a complete segment over its .partial twin and counts the .partial as present", () => {
    const [tl1] = buildWalCatalog(
      [seg(1, 1), seg(1, 2, { partial: true, endLsn: "0/2000100" }), seg(1, 2), seg(1, 3, { partial: true })],
      new Map(),
    );
    expect(tl1!.segmentCount).toBe(3);
    expect(tl1!.gaps).toEqual([]);
    expect(tl1!.endsWithPartial).toBe(true);
    // without an endLsn the whole .partial segment is assumed
    expect(tl1!.endLsn).toBe("0/4000000");
  });

  it("ignores an endLsn that is not inside the newest segment", () => {
    const [tl1] = buildWalCatalog([seg(1, 1, { endLsn: "0/9000000" })], new Map());
    expect(tl1!.endLsn).toBe("0/2000000");
  });

  it("records where a timeline forked and the parent's last commit before the fork segment", () => {
    const histories = new Map([[2, parseTimelineHistory("1\t0/3000158\tno recovery target specified")]]);
    const catalog = buildWalCatalog(
      [seg(1, 1), seg(1, 2), seg(1, 3, { partial: true, endLsn: "0/3000158" }), seg(2, 3), seg(2, 4)],
      histories,
    );
    expect(catalog.map((c) => c.timeline)).toEqual([1, 2]);
    expect(catalog[1]).toMatchObject({
      timeline: 2,
      startLsn: "0/3000000", // the segment holding the switch LSN is the new timeline's first
      endLsn: "0/5000000",
      gaps: [],
      parent: { timeline: 1, switchLsn: "0/3000158", lastCommitTimeBeforeFork: at("10:29") },
    });
    expect(catalog[0]!.parent).toBeNull();
  });

  it("refuses malformed input with a code", () => {
    expect(() => buildWalCatalog([seg(0, 1)], new Map())).toThrowError(/INVALID_TIMELINE/);
    expect(() => buildWalCatalog([seg(1, 1, { lastCommitTime: "10:00" })], new Map())).toThrowError(
      /INVALID_TIMESTAMP/,
    );
    expect(() => buildWalCatalog([{ timeline: 1, segno: -1n }], new Map())).toThrowError(
      /INVALID_SEGMENT_NUMBER/,
    );
  });
});

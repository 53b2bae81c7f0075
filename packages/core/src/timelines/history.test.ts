import { describe, expect, it } from "vitest";
import {
  historyOf,
  isOnPath,
  parseTimelineHistory,
  type TimelineHistories,
  timelineAncestry,
  timelinesInHistories,
} from "./history";

// What PostgreSQL writes into 00000003.history after two promotions.
const HISTORY_3 = [
  "1\t0/3000158\tno recovery target specified",
  "",
  "2\t0/50000D8\tbefore 2026-11-21 10:00:00.123456+00",
  "",
].join("\n");

describe("parseTimelineHistory", () => {
  it("reads PostgreSQL's history file format", () => {
    expect(parseTimelineHistory(HISTORY_3)).toEqual([
      { parentTimeline: 1, switchLsn: "0/3000158", reason: "no recovery target specified" },
      { parentTimeline: 2, switchLsn: "0/50000D8", reason: "before 2026-11-21 10:00:00.123456+00" },
    ]);
  });

  it("skips comments and blank lines, tolerates spaces and missing reasons", () => {
    const content = '# written by hand\n\n  1  0/03000158\n# another\n2 0/5000000 at restore point "x"\r\n';
    expect(parseTimelineHistory(content)).toEqual([
      { parentTimeline: 1, switchLsn: "0/3000158", reason: "" },
      { parentTimeline: 2, switchLsn: "0/5000000", reason: 'at restore point "x"' },
    ]);
    expect(parseTimelineHistory("")).toEqual([]);
  });

  it("refuses what PostgreSQL refuses", () => {
    expect(() => parseTimelineHistory("x\t0/1\treason")).toThrowError(/INVALID_TIMELINE_HISTORY: line 1/);
    expect(() => parseTimelineHistory("1\treason")).toThrowError(/INVALID_TIMELINE_HISTORY/);
    expect(() => parseTimelineHistory("2\t0/1\ta\n1\t0/2\tb")).toThrowError(/increasing sequence/);
    expect(() => parseTimelineHistory("1\t0/5\ta\n2\t0/2\tb")).toThrowError(/backwards/);
    expect(() => parseTimelineHistory("3\t0/1\ta", 3)).toThrowError(/cannot be an ancestor/);
  });
});

describe("timelineAncestry", () => {
  const histories: TimelineHistories = new Map([
    [2, parseTimelineHistory("1\t0/3000158\tx")],
    [3, parseTimelineHistory(HISTORY_3)],
  ]);

  it("lists who owns which LSN range from the root to the timeline", () => {
    expect(timelineAncestry(3, histories)).toEqual([
      { timeline: 1, toLsn: "0/3000158" },
      { timeline: 2, fromLsn: "0/3000158", toLsn: "0/50000D8" },
      { timeline: 3, fromLsn: "0/50000D8" },
    ]);
    expect(timelineAncestry(1, histories)).toEqual([{ timeline: 1 }]);
  });

  it("learns a timeline's history from a descendant's file when its own is missing", () => {
    const only3: TimelineHistories = new Map([[3, parseTimelineHistory(HISTORY_3)]]);
    expect(timelineAncestry(2, only3)).toEqual([
      { timeline: 1, toLsn: "0/3000158" },
      { timeline: 2, fromLsn: "0/3000158" },
    ]);
    expect(historyOf(7, only3)).toBeNull();
    expect(timelineAncestry(7, only3)).toEqual([{ timeline: 7 }]);
    expect(timelinesInHistories(only3)).toEqual([1, 2, 3]);
  });

  it("handles a branch that skips an abandoned timeline", () => {
    // Timeline 2 was a failed promotion; 3 forked from 1 directly.
    const h: TimelineHistories = new Map([
      [2, parseTimelineHistory("1\t0/3000158\tx")],
      [3, parseTimelineHistory("1\t0/2800000\ty")],
    ]);
    expect(timelineAncestry(3, h)).toEqual([
      { timeline: 1, toLsn: "0/2800000" },
      { timeline: 3, fromLsn: "0/2800000" },
    ]);
  });

  it("says which points lie on a timeline's path", () => {
    const path = timelineAncestry(3, histories);
    expect(isOnPath({ timeline: 1, lsn: "0/2000000" }, path)).toBe(true);
    expect(isOnPath({ timeline: 1, lsn: "0/3000158" }, path)).toBe(true);
    expect(isOnPath({ timeline: 1, lsn: "0/3000160" }, path)).toBe(false);
    expect(isOnPath({ timeline: 2, lsn: "0/4000000" }, path)).toBe(true);
    expect(isOnPath({ timeline: 3, lsn: "0/9000000" }, path)).toBe(true);
    expect(isOnPath({ timeline: 4, lsn: "0/9000000" }, path)).toBe(false);
  });
});

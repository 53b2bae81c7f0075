import { describe, expect, it } from "vitest";
import { buildLanes, placeForks } from "./timeline-lanes";
import type { TWindow } from "./trpc";

const T = (s: string) => `2026-11-21T${s}.000000Z`;
const ms = (s: string) => Date.parse(`2026-11-21T${s}Z`);
const point = (timeline: number, lsn: string, at: string) => ({
  timeline,
  lsn,
  dataTime: new Date(ms(at)),
  createdAt: new Date(ms(at)),
});

describe("timeline lanes", () => {
  it("cuts a timeline's WAL band at its gaps, placing a gap without times by LSN", () => {
    const w: TWindow = {
      cluster: "main",
      statusAt: null,
      forks: [],
      timelines: [
        {
          timeline: 1,
          from: T("10:00:00"),
          to: T("11:00:00"),
          fromLsn: "0/1000000",
          toLsn: "0/5000000",
          gaps: [
            { from: T("10:20:00"), to: T("10:25:00"), fromLsn: "0/2000000", toLsn: "0/2800000" },
            { from: null, to: null, fromLsn: "0/4000000", toLsn: "0/4800000" },
          ],
        },
      ],
    };
    const [lane] = buildLanes(w, [point(1, "0/3000000", "10:30:00"), point(1, "0/5000000", "11:00:00")]);
    expect(lane!.segments.map((s) => [new Date(s.from).toISOString(), new Date(s.to).toISOString()])).toEqual(
      [
        ["2026-11-21T10:00:00.000Z", "2026-11-21T10:20:00.000Z"],
        ["2026-11-21T10:25:00.000Z", "2026-11-21T10:45:00.000Z"],
        ["2026-11-21T10:52:30.000Z", "2026-11-21T11:00:00.000Z"],
      ],
    );
    expect(lane!.gaps).toHaveLength(2);
  });

  it("gives each timeline a lane, one with only restore points too, and places forks by switch LSN", () => {
    const w: TWindow = {
      cluster: "main",
      statusAt: null,
      timelines: [
        {
          timeline: 1,
          from: T("10:00:00"),
          to: T("10:40:00"),
          fromLsn: "0/1000000",
          toLsn: "0/3000000",
          gaps: [],
        },
        {
          timeline: 2,
          from: T("10:30:00"),
          to: T("11:00:00"),
          fromLsn: "0/2800000",
          toLsn: "0/4000000",
          gaps: [],
        },
      ],
      forks: [{ timeline: 2, parent: 1, switchLsn: "0/2000000" }],
    };
    const lanes = buildLanes(w, [point(3, "0/5000000", "11:10:00")]);
    expect(lanes.map((l) => l.timeline)).toEqual([1, 2, 3]);
    expect(lanes[2]!.segments).toEqual([]);
    // halfway between 0/1000000 (10:00) and 0/3000000 (10:40) on the parent
    expect(placeForks(w, [], lanes).get(2)).toBe(ms("10:20:00"));
  });

  it("draws a window that is a single instant as a sliver, not as nothing", () => {
    const w: TWindow = {
      cluster: "main",
      statusAt: null,
      forks: [],
      timelines: [
        {
          timeline: 1,
          from: T("10:00:00"),
          to: T("10:00:00"),
          fromLsn: "0/1000000",
          toLsn: "0/1000000",
          gaps: [],
        },
      ],
    };
    expect(buildLanes(w, [])[0]!.segments).toEqual([{ from: ms("10:00:00"), to: ms("10:00:00") }]);
  });
});

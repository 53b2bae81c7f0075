import { describe, expect, it } from "vitest";
import type { RestorePointRef } from "../restore-points/usable";
import { parseTimelineHistory, type TimelineHistories } from "../timelines/history";
import { buildWalCatalog, type WalSegmentInfo } from "../wal/catalog";
import {
  DEFAULT_CLONE_START_SECONDS,
  DEFAULT_REPLAY_BYTES_PER_SECOND,
  type NamedRestorePoint,
  PlanRefusal,
  type PlanRestoreInput,
  parseTargetTime,
  planRestore,
  type RestoreTarget,
} from "./plan";

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
const rp = (
  id: string,
  lsn: string,
  dataTime: string | null,
  timeline = 1,
  redoLsn?: string,
): RestorePointRef => ({
  id,
  lsn,
  timeline,
  dataTime,
  ...(redoLsn ? { redoLsn } : {}),
});

type Setup = {
  segments: WalSegmentInfo[];
  restorePoints: RestorePointRef[];
  histories?: TimelineHistories;
  namedPoints?: NamedRestorePoint[];
};

function planner(setup: Setup) {
  const histories = setup.histories ?? new Map();
  const catalog = buildWalCatalog(setup.segments, histories);
  return (target: RestoreTarget, extra: Partial<PlanRestoreInput> = {}) =>
    planRestore({
      target,
      restorePoints: setup.restorePoints,
      namedPoints: setup.namedPoints ?? [],
      catalog,
      histories,
      now: at("12:00"),
      ...extra,
    });
}

function ok(result: ReturnType<ReturnType<typeof planner>>) {
  if (!result.ok) throw new Error(`expected a plan, got ${result.message}`);
  return result.plan;
}

// Continuous WAL from 0/1000000 to 0/5000A00 (last commit 10:59), two restore points.
const continuous = planner({
  segments: [seg(1, 1), seg(1, 2), seg(1, 3), seg(1, 4), seg(1, 5, { partial: true, endLsn: "0/5000A00" })],
  restorePoints: [rp("rp1", "0/1800000", at("10:15")), rp("rp2", "0/3800000", at("10:35"))],
  namedPoints: [{ name: "before-migration", lsn: "0/2100000", timeline: 1, time: at("10:21") }],
});

// Segment 3 is missing; restore points before and after it.
const gapped = planner({
  segments: [seg(1, 1), seg(1, 2), seg(1, 4), seg(1, 5)],
  restorePoints: [rp("rp1", "0/1800000", at("10:15")), rp("rp3", "0/4800000", at("10:45"))],
});

describe("planRestore to a time", () => {
  it("starts from the newest restore point at or before the target and stops at the target", () => {
    const plan = ok(continuous({ kind: "time", time: "2026-11-21 10:20:00+00" }));
    expect(plan).toEqual({
      restorePointId: "rp1",
      timeline: 1,
      targetKind: "time",
      recoveryTarget: { time: "2026-11-21T10:20:00Z" },
      // at most up to the next restore point, whose data time is already past the target
      walBytesToReplay: String(0x3800000 - 0x1800000),
      startLsn: "0/1800000",
      // a point without a recorded redo pointer: replay is taken to start at its LSN
      redoLsn: "0/1800000",
      replayBytes: String(0x3800000 - 0x1800000),
      replayBytesUpperBound: true,
      estimatedSeconds: 2.6,
      estimate: {
        bytesPerSecond: DEFAULT_REPLAY_BYTES_PER_SECOND,
        startSeconds: DEFAULT_CLONE_START_SECONDS,
        measured: false,
      },
      expected: { lsn: null, time: "2026-11-21T10:20:00Z" },
      endOfWal: false,
      notes: [],
    });
    expect(ok(continuous({ kind: "time", time: at("10:40") }))).toMatchObject({
      restorePointId: "rp2",
      walBytesToReplay: String(0x5000a00 - 0x3800000),
    });
    expect(ok(continuous({ kind: "time", time: at("10:35") })).restorePointId).toBe("rp2");
  });

  it("converts a target with an offset to UTC", () => {
    const plan = ok(continuous({ kind: "time", time: "2026-11-21T12:20:00.250+02:00" }));
    expect(plan.recoveryTarget).toEqual({ time: "2026-11-21T10:20:00.250Z" });
  });

  it("maps a time after the last commit to the end of the WAL, because PostgreSQL would stop with FATAL", () => {
    const plan = ok(continuous({ kind: "time", time: at("11:30") }));
    expect(plan).toMatchObject({
      restorePointId: "rp2",
      recoveryTarget: { latest: true },
      endOfWal: true,
      expected: { lsn: "0/5000A00", time: at("10:59") },
      walBytesToReplay: String(0x5000a00 - 0x3800000),
    });
    expect(plan.notes).toEqual([
      "2026-11-21 11:30:00Z is after the last archived commit (10:59:00Z): recovery replays to the end of the WAL.",
    ]);
    expect(ok(continuous({ kind: "time", time: at("10:59") })).endOfWal).toBe(true);
  });

  it("refuses a time before the earliest restore point", () => {
    expect(continuous({ kind: "time", time: at("10:00") })).toEqual({
      ok: false,
      code: "TARGET_OUTSIDE_WINDOW",
      message: "TARGET_OUTSIDE_WINDOW: 2026-11-21 10:00:00Z is before the earliest restore point 10:15:00Z",
    });
  });

  it("refuses a time in the future", () => {
    const r = continuous({ kind: "time", time: at("12:00") }, { now: at("11:59") });
    expect(r).toMatchObject({ ok: false, code: PlanRefusal.TARGET_IN_FUTURE });
    expect(!r.ok && r.message).toBe(
      "TARGET_IN_FUTURE: 2026-11-21 12:00:00Z is in the future (it is now 11:59:00Z)",
    );
    expect(continuous({ kind: "time", time: at("12:00") }).ok).toBe(true);
  });

  it("refuses a time that falls where WAL is missing", () => {
    const r = gapped({ kind: "time", time: at("10:35") });
    expect(r).toEqual({
      ok: false,
      code: "TARGET_IN_GAP",
      message:
        "TARGET_IN_GAP: 2026-11-21 10:35:00Z cannot be recovered: WAL is missing from 0/3000000 (after the last commit at 10:29:00Z) and the next restore point is at 10:45:00Z (0/4800000)",
    });
    expect(ok(gapped({ kind: "time", time: at("10:25") })).restorePointId).toBe("rp1");
    expect(ok(gapped({ kind: "time", time: at("10:45") })).restorePointId).toBe("rp3");
  });

  it("recovers exactly the last commit before missing WAL by replaying all WAL before the gap", () => {
    const plan = ok(gapped({ kind: "time", time: at("10:29") }));
    expect(plan).toMatchObject({
      restorePointId: "rp1",
      recoveryTarget: { latest: true },
      endOfWal: true,
      expected: { lsn: "0/3000000", time: at("10:29") },
    });
    expect(plan.notes[0]).toMatch(/WAL is missing after 0\/3000000/);
  });

  it("refuses time targets when no restore point has a data time", () => {
    const r = planner({ segments: [seg(1, 1)], restorePoints: [rp("a", "0/1800000", null)] })({
      kind: "time",
      time: at("10:18"),
    });
    expect(r).toMatchObject({ ok: false, code: "NO_RESTORE_POINTS" });
  });
});

describe("planRestore to an LSN", () => {
  it("starts from the newest restore point at or before the LSN", () => {
    expect(ok(continuous({ kind: "lsn", lsn: "0/2000000" }))).toEqual({
      restorePointId: "rp1",
      timeline: 1,
      targetKind: "lsn",
      recoveryTarget: { lsn: "0/2000000" },
      walBytesToReplay: String(0x800000),
      startLsn: "0/1800000",
      redoLsn: "0/1800000",
      replayBytes: String(0x800000),
      replayBytesUpperBound: false,
      estimatedSeconds: 2.2,
      estimate: {
        bytesPerSecond: DEFAULT_REPLAY_BYTES_PER_SECOND,
        startSeconds: DEFAULT_CLONE_START_SECONDS,
        measured: false,
      },
      expected: { lsn: "0/2000000", time: null },
      endOfWal: false,
      notes: [],
    });
    expect(ok(continuous({ kind: "lsn", lsn: "0/3800000" }))).toMatchObject({
      restorePointId: "rp2",
      walBytesToReplay: "0",
    });
    expect(ok(continuous({ kind: "lsn", lsn: "0/03800001" })).recoveryTarget).toEqual({ lsn: "0/3800001" });
  });

  it("refuses an LSN before the earliest restore point or after the archived WAL", () => {
    expect(continuous({ kind: "lsn", lsn: "0/1000000" })).toEqual({
      ok: false,
      code: "TARGET_OUTSIDE_WINDOW",
      message:
        "TARGET_OUTSIDE_WINDOW: 0/1000000 is before the earliest restore point 2026-11-21 10:15:00Z (0/1800000)",
    });
    expect(continuous({ kind: "lsn", lsn: "0/5000A01" })).toMatchObject({
      ok: false,
      code: "TARGET_OUTSIDE_WINDOW",
      message: "TARGET_OUTSIDE_WINDOW: 0/5000A01 is after the end of the archived WAL at 0/5000A00",
    });
  });

  it("replays all WAL for an LSN exactly at its end", () => {
    const plan = ok(continuous({ kind: "lsn", lsn: "0/5000A00" }));
    expect(plan).toMatchObject({
      endOfWal: true,
      recoveryTarget: { latest: true },
      expected: { lsn: "0/5000A00" },
    });
  });

  it("refuses an LSN in missing WAL", () => {
    expect(gapped({ kind: "lsn", lsn: "0/3800000" })).toMatchObject({ ok: false, code: "TARGET_IN_GAP" });
    expect(gapped({ kind: "lsn", lsn: "0/4000000" })).toMatchObject({ ok: false, code: "TARGET_IN_GAP" });
    expect(ok(gapped({ kind: "lsn", lsn: "0/2FFFFFF" })).restorePointId).toBe("rp1");
  });
});

describe("planRestore to a named restore point", () => {
  it("stops at the name and expects its LSN and time", () => {
    expect(ok(continuous({ kind: "name", name: "before-migration" }))).toMatchObject({
      restorePointId: "rp1",
      targetKind: "name",
      recoveryTarget: { name: "before-migration" },
      walBytesToReplay: String(0x2100000 - 0x1800000),
      expected: { lsn: "0/2100000", time: at("10:21") },
      endOfWal: false,
    });
  });

  it("refuses a name not found in the WAL", () => {
    expect(continuous({ kind: "name", name: "nope" })).toEqual({
      ok: false,
      code: "UNKNOWN_RESTORE_POINT_NAME",
      message: 'UNKNOWN_RESTORE_POINT_NAME: no restore point named "nope" was found in the WAL',
    });
  });

  it("needs a restore point strictly before the named one, or recovery would never meet it", () => {
    const p = planner({
      segments: [seg(1, 1), seg(1, 2)],
      restorePoints: [rp("a", "0/1800000", at("10:15"))],
      namedPoints: [{ name: "x", lsn: "0/1800000", timeline: 1, time: at("10:15") }],
    });
    expect(p({ kind: "name", name: "x" })).toMatchObject({ ok: false, code: "TARGET_OUTSIDE_WINDOW" });
  });

  it("uses the newest of several points with the same name when recovery cannot meet an older one first", () => {
    const named = [
      { name: "nightly", lsn: "0/2100000", timeline: 1, time: at("10:21") },
      { name: "nightly", lsn: "0/4100000", timeline: 1, time: at("10:41") },
    ];
    const both = planner({
      segments: [seg(1, 1), seg(1, 2), seg(1, 3), seg(1, 4)],
      restorePoints: [rp("rp1", "0/1800000", at("10:15")), rp("rp2", "0/3800000", at("10:35"))],
      namedPoints: named,
    });
    const plan = ok(both({ kind: "name", name: "nightly" }));
    expect(plan).toMatchObject({ restorePointId: "rp2", expected: { lsn: "0/4100000" } });
    expect(plan.notes).toEqual([
      '2 restore points are named "nightly"; this restores to the newest, at 0/4100000.',
    ]);

    const onlyOld = planner({
      segments: [seg(1, 1), seg(1, 2), seg(1, 3), seg(1, 4)],
      restorePoints: [rp("rp1", "0/1800000", at("10:15"))],
      namedPoints: named,
    });
    expect(onlyOld({ kind: "name", name: "nightly" })).toMatchObject({
      ok: false,
      code: "AMBIGUOUS_RESTORE_POINT_NAME",
    });
  });

  it("refuses a name behind missing WAL", () => {
    const p = planner({
      segments: [seg(1, 1), seg(1, 2), seg(1, 4)],
      restorePoints: [rp("rp1", "0/1800000", at("10:15"))],
      namedPoints: [{ name: "x", lsn: "0/4100000", timeline: 1, time: at("10:41") }],
    });
    expect(p({ kind: "name", name: "x" })).toMatchObject({ ok: false, code: "TARGET_IN_GAP" });
  });
});

describe("planRestore to the latest WAL", () => {
  it("starts from the newest restore point and replays everything", () => {
    expect(ok(continuous({ kind: "latest" }))).toEqual({
      restorePointId: "rp2",
      timeline: 1,
      targetKind: "latest",
      recoveryTarget: { latest: true },
      walBytesToReplay: String(0x5000a00 - 0x3800000),
      startLsn: "0/3800000",
      redoLsn: "0/3800000",
      replayBytes: String(0x5000a00 - 0x3800000),
      replayBytesUpperBound: false,
      estimatedSeconds: 2.5,
      estimate: {
        bytesPerSecond: DEFAULT_REPLAY_BYTES_PER_SECOND,
        startSeconds: DEFAULT_CLONE_START_SECONDS,
        measured: false,
      },
      expected: { lsn: "0/5000A00", time: at("10:59") },
      endOfWal: true,
      notes: [],
    });
  });

  it("refuses when missing WAL separates the newest restore point from the newest WAL", () => {
    const stranded = planner({
      segments: [seg(1, 1), seg(1, 2), seg(1, 4)],
      restorePoints: [rp("rp1", "0/1800000", at("10:15"))],
    });
    const r = stranded({ kind: "latest" });
    expect(r).toMatchObject({ ok: false, code: "TARGET_IN_GAP" });
    expect(!r.ok && r.message).toMatch(
      /no restore point follows the missing WAL; the newest recoverable moment is 2026-11-21 10:29:00Z/,
    );
    expect(stranded({ kind: "time", time: at("10:45") })).toMatchObject({ ok: false, code: "TARGET_IN_GAP" });
  });
});

describe("planRestore across timelines", () => {
  const histories: TimelineHistories = new Map([
    [2, parseTimelineHistory("1\t0/3000158\tno recovery target specified")],
  ]);
  // Timeline 1 went on after the fork (the old primary kept writing until it was fenced).
  const forked = planner({
    segments: [seg(1, 1), seg(1, 2), seg(1, 3), seg(1, 4), seg(2, 3), seg(2, 4), seg(2, 5)],
    restorePoints: [rp("rp1", "0/1800000", at("10:15")), rp("old-branch", "0/3800000", at("10:35"))],
    histories,
    namedPoints: [{ name: "lost", lsn: "0/3100000", timeline: 1, time: at("10:31") }],
  });

  it("defaults to the newest timeline and starts from a parent's restore point before the fork", () => {
    const plan = ok(forked({ kind: "time", time: at("10:45") }));
    expect(plan).toMatchObject({ restorePointId: "rp1", timeline: 2, recoveryTarget: { time: at("10:45") } });
    expect(plan.notes).toEqual([
      "Restore point rp1 is on timeline 1; recovery follows the timeline history to timeline 2 (fork at 0/3000158).",
    ]);
  });

  it("restores the old branch when its timeline is asked for", () => {
    expect(ok(forked({ kind: "time", time: at("10:45"), timeline: 1 }))).toMatchObject({
      restorePointId: "old-branch",
      timeline: 1,
    });
  });

  it("follows a named restore point onto the branch that holds it", () => {
    expect(ok(forked({ kind: "name", name: "lost" }))).toMatchObject({ timeline: 1, restorePointId: "rp1" });
    expect(forked({ kind: "name", name: "lost", timeline: 2 })).toMatchObject({
      ok: false,
      code: "UNKNOWN_RESTORE_POINT_NAME",
    });
  });

  it("refuses a timeline it does not know", () => {
    expect(forked({ kind: "latest", timeline: 3 })).toEqual({
      ok: false,
      code: "UNKNOWN_TIMELINE",
      message: "UNKNOWN_TIMELINE: timeline 3 is not known; this cluster has timelines 1, 2",
    });
  });
});

describe("planRestore: what the clone replays, and how long it takes", () => {
  // rp1 was taken after an immediate checkpoint on the primary (redo 176 bytes before it); rp2
  // without one: its restartpoint's redo lies at the primary's last timed checkpoint, 0/1900000.
  const redo = planner({
    segments: [seg(1, 1), seg(1, 2), seg(1, 3), seg(1, 4), seg(1, 5, { partial: true, endLsn: "0/5000A00" })],
    restorePoints: [
      rp("rp1", "0/2800000", at("10:25"), 1, "0/27FFF50"),
      rp("rp2", "0/3800000", at("10:35"), 1, "0/1900000"),
    ],
  });

  it("counts replay from the restore point's redo pointer, not its LSN", () => {
    const plan = ok(redo({ kind: "lsn", lsn: "0/3000000" }));
    expect(plan).toMatchObject({ restorePointId: "rp1", startLsn: "0/2800000", redoLsn: "0/27FFF50" });
    expect(plan.walBytesToReplay).toBe(String(0x3000000 - 0x2800000));
    expect(plan.replayBytes).toBe(String(0x3000000 - 0x27fff50));
    expect(plan.replayBytesUpperBound).toBe(false);
  });

  it("chooses the restore point with the least replay when the newest one's redo lies further back", () => {
    // both qualify for 0/4000000; rp2 is newer, but a clone of it replays 0/1900000 → 0/4000000
    const plan = ok(redo({ kind: "lsn", lsn: "0/4000000" }));
    expect(plan.restorePointId).toBe("rp1");
    expect(plan.replayBytes).toBe(String(0x4000000 - 0x27fff50));
    expect(ok(redo({ kind: "latest" })).restorePointId).toBe("rp1");
    expect(ok(redo({ kind: "time", time: at("10:40") })).restorePointId).toBe("rp1");
  });

  it("still takes the newest point when redo pointers tie or follow the LSNs", () => {
    const aligned = planner({
      segments: [
        seg(1, 1),
        seg(1, 2),
        seg(1, 3),
        seg(1, 4),
        seg(1, 5, { partial: true, endLsn: "0/5000A00" }),
      ],
      restorePoints: [
        rp("rp1", "0/2800000", at("10:25"), 1, "0/2700000"),
        rp("rp2", "0/3800000", at("10:35"), 1, "0/3700000"),
      ],
    });
    expect(ok(aligned({ kind: "lsn", lsn: "0/4000000" })).restorePointId).toBe("rp2");
    expect(ok(aligned({ kind: "time", time: at("10:40") })).restorePointId).toBe("rp2");
  });

  it("bounds replay for a time target by the next restore point's LSN, and says it is a bound", () => {
    const plan = ok(continuous({ kind: "time", time: at("10:20") }));
    expect(plan.replayBytes).toBe(String(0x3800000 - 0x1800000));
    expect(plan.replayBytesUpperBound).toBe(true);
    expect(ok(continuous({ kind: "time", time: at("11:30") })).replayBytesUpperBound).toBe(false);
  });

  it("estimates start-up plus replay at the measured rate, or at the documented default", () => {
    const measured = ok(
      redo(
        { kind: "lsn", lsn: "0/3000000" },
        { replayRate: { bytesPerSecond: 4 * 1024 * 1024, startSeconds: 1, measured: true } },
      ),
    );
    // 8 MiB + 176 bytes at 4 MiB/s after a 1 s start
    expect(measured.estimatedSeconds).toBe(3);
    expect(measured.estimate).toEqual({ bytesPerSecond: 4 * 1024 * 1024, startSeconds: 1, measured: true });
    const assumed = ok(redo({ kind: "lsn", lsn: "0/3000000" }));
    expect(assumed.estimate).toEqual({ bytesPerSecond: 50 * 1024 * 1024, startSeconds: 2, measured: false });
    expect(assumed.estimatedSeconds).toBe(2.2);
    // a rate that is not measured is not trusted; a start-up time learnt is
    expect(
      ok(
        redo(
          { kind: "lsn", lsn: "0/3000000" },
          { replayRate: { bytesPerSecond: 1, startSeconds: 0.5, measured: false } },
        ),
      ).estimate,
    ).toEqual({ bytesPerSecond: 50 * 1024 * 1024, startSeconds: 0.5, measured: false });
    expect(
      ok(redo({ kind: "lsn", lsn: "0/3000000" }, { replayRate: { bytesPerSecond: 1, measured: false } }))
        .estimate.measured,
    ).toBe(false);
  });

  it("never starts replay after the restore point's LSN, whatever was recorded", () => {
    const odd = planner({
      segments: [seg(1, 1), seg(1, 2)],
      restorePoints: [rp("rp1", "0/1800000", at("10:15"), 1, "0/1900000")],
    });
    expect(ok(odd({ kind: "lsn", lsn: "0/2000000" })).redoLsn).toBe("0/1800000");
  });
});

describe("planRestore refusals before any planning", () => {
  it("refuses when there is nothing to restore from", () => {
    expect(planner({ segments: [], restorePoints: [] })({ kind: "latest" })).toMatchObject({
      ok: false,
      code: "NO_RESTORE_POINTS",
    });
    expect(planner({ segments: [seg(1, 1)], restorePoints: [] })({ kind: "latest" })).toEqual({
      ok: false,
      code: "NO_RESTORE_POINTS",
      message: "NO_RESTORE_POINTS: timeline 1 has no restore points yet",
    });
    expect(
      planner({ segments: [seg(1, 3)], restorePoints: [rp("a", "0/1800000", at("10:15"))] })({
        kind: "latest",
      }),
    ).toEqual({
      ok: false,
      code: "NO_RESTORE_POINTS",
      message: "NO_RESTORE_POINTS: none of the 1 restore point on timeline 1 has its WAL in the archive",
    });
  });

  it.each<[RestoreTarget, RegExp]>([
    [{ kind: "time", time: "2026-11-21 10:20:00" }, /time zone must be explicit/],
    [{ kind: "time", time: "soon" }, /is not a timestamp/],
    [{ kind: "lsn", lsn: "0x3000060" }, /is not an LSN/],
    [{ kind: "name", name: "" }, /name is empty/],
    [{ kind: "name", name: "x".repeat(64) }, /at most 63 bytes/],
    [{ kind: "latest", timeline: 0 }, /is not a timeline ID/],
    [{ kind: "yesterday" } as unknown as RestoreTarget, /unknown target kind/],
  ])("refuses the malformed target %j with INVALID_TARGET", (target, message) => {
    const r = continuous(target);
    expect(r).toMatchObject({ ok: false, code: "INVALID_TARGET" });
    expect(!r.ok && r.message).toMatch(/^INVALID_TARGET: /);
    expect(!r.ok && r.message).toMatch(message);
  });
});

describe("parseTargetTime", () => {
  it("accepts ISO 8601 and PostgreSQL style with an explicit zone, and returns UTC ISO", () => {
    expect(parseTargetTime("2026-11-21T10:00:00Z")).toBe("2026-11-21T10:00:00Z");
    expect(parseTargetTime("2026-11-21T11:00:00+01:00")).toBe("2026-11-21T10:00:00Z");
    expect(parseTargetTime("2026-11-21 10:00:00.123+00")).toBe("2026-11-21T10:00:00.123Z");
    expect(parseTargetTime("2026-11-21 10:00:00.123456-05")).toBe("2026-11-21T15:00:00.123456Z");
  });

  it("refuses a time without a zone", () => {
    expect(() => parseTargetTime("2026-11-21 10:00:00")).toThrowError(
      expect.objectContaining({
        code: "INVALID_TARGET",
        message: expect.stringMatching(/time zone must be explicit/),
      }),
    );
  });
});

describe("planRestore to the targets a DBA undoes a mistake with", () => {
  // the same WAL as `continuous`, with transaction ids recorded at the restore points
  const xids = planner({
    segments: [seg(1, 1), seg(1, 2), seg(1, 3), seg(1, 4), seg(1, 5, { partial: true, endLsn: "0/5000A00" })],
    restorePoints: [
      { ...rp("rp1", "0/1800000", at("10:15")), nextXid: "1000" },
      { ...rp("rp2", "0/3800000", at("10:35")), nextXid: "2000" },
    ],
  });

  it("stops just before a time, LSN or transaction when asked to be exclusive, from a point strictly before it", () => {
    expect(ok(continuous({ kind: "time", time: at("10:35"), exclusive: true }))).toMatchObject({
      restorePointId: "rp1",
      recoveryTarget: { time: "2026-11-21T10:35:00Z", inclusive: false },
    });
    expect(ok(continuous({ kind: "lsn", lsn: "0/3800000", exclusive: true }))).toMatchObject({
      restorePointId: "rp1",
      recoveryTarget: { lsn: "0/3800000", inclusive: false },
    });
    expect(ok(continuous({ kind: "lsn", lsn: "0/3800000" })).restorePointId).toBe("rp2");
    expect(ok(xids({ kind: "xid", xid: "1500", exclusive: true })).recoveryTarget).toEqual({ xid: "1500", inclusive: false });
  });

  it("places a transaction after the newest point where it had not completed, and refuses one outside the window", () => {
    expect(ok(xids({ kind: "xid", xid: "1500" }))).toMatchObject({ restorePointId: "rp1", recoveryTarget: { xid: "1500" }, replayBytesUpperBound: true });
    expect(ok(xids({ kind: "xid", xid: "2000" }, { xidHorizon: "2500" })).restorePointId).toBe("rp2");
    expect(xids({ kind: "xid", xid: "999" })).toMatchObject({ ok: false, code: PlanRefusal.TARGET_OUTSIDE_WINDOW });
    expect(xids({ kind: "xid", xid: "2500" }, { xidHorizon: "2500" })).toMatchObject({ ok: false, code: PlanRefusal.TARGET_OUTSIDE_WINDOW });
    expect(xids({ kind: "xid", xid: "2" })).toMatchObject({ ok: false, code: PlanRefusal.INVALID_TARGET });
    expect(continuous({ kind: "xid", xid: "1500" })).toMatchObject({ ok: false, code: PlanRefusal.XID_WINDOW_UNKNOWN });
  });

  it("takes a 32-bit xid in the epoch of the archive's newest transactions, and an epoch-qualified one as given", () => {
    const epoch1 = planner({
      segments: [seg(1, 1), seg(1, 2), seg(1, 3, { partial: true, endLsn: "0/3000A00" })],
      restorePoints: [{ ...rp("rp1", "0/1800000", at("10:15")), nextXid: String(2n ** 32n + 100n) }],
    });
    expect(ok(epoch1({ kind: "xid", xid: "150" }, { xidHorizon: String(2n ** 32n + 200n) })).recoveryTarget).toEqual({ xid: String(2n ** 32n + 150n) });
    expect(ok(epoch1({ kind: "xid", xid: String(2n ** 32n + 150n) })).recoveryTarget).toEqual({ xid: String(2n ** 32n + 150n) });
  });

  it("restores a restore point itself: the one named, or the newest", () => {
    expect(ok(continuous({ kind: "immediate", restorePointId: "rp1" }))).toMatchObject({
      restorePointId: "rp1",
      recoveryTarget: { immediate: true },
      walBytesToReplay: "0",
      expected: { lsn: "0/1800000", time: "2026-11-21T10:15:00Z" },
    });
    expect(ok(continuous({ kind: "immediate" })).restorePointId).toBe("rp2");
    expect(continuous({ kind: "immediate", restorePointId: "rp9" })).toMatchObject({ ok: false, code: PlanRefusal.UNKNOWN_RESTORE_POINT });
  });
});

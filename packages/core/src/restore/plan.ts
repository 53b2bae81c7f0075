// The restore planner: target → timeline → restore point → proof that the WAL in between is
// archived, or a refusal with a reason the DBA can act on, before any work starts.

import { isTidelineError, TidelineError } from "../errors";
import { formatLsn, parseLsn } from "../lsn/lsn";
import {
  type RestorePointRef,
  restorePointsOnPath,
  type UsableRestorePoint,
  usableRestorePoints,
} from "../restore-points/usable";
import {
  formatOptionalTimestamp,
  formatTimestamp,
  formatTimestampForMessage,
  type Micros,
  parseOptionalTimestamp,
  parseTimestamp,
  toMicros,
} from "../time/timestamp";
import {
  isOnPath,
  type TimelineHistories,
  timelineAncestry,
  timelinesInHistories,
} from "../timelines/history";
import type { WalCatalog } from "../wal/catalog";
import { type WalStream, walStream } from "../wal/stream";
import { lastRecoverableTime } from "../window/window";
import type { TRecoveryTarget } from "@tideline/protocol";
import { assertRestorePointName, type RestoreTarget } from "./target";

export { parseTargetTime, type RestoreTarget } from "./target";

export const PlanRefusal = {
  TARGET_OUTSIDE_WINDOW: "TARGET_OUTSIDE_WINDOW",
  TARGET_IN_GAP: "TARGET_IN_GAP",
  TARGET_IN_FUTURE: "TARGET_IN_FUTURE",
  UNKNOWN_RESTORE_POINT_NAME: "UNKNOWN_RESTORE_POINT_NAME",
  AMBIGUOUS_RESTORE_POINT_NAME: "AMBIGUOUS_RESTORE_POINT_NAME",
  UNKNOWN_TIMELINE: "UNKNOWN_TIMELINE",
  NO_RESTORE_POINTS: "NO_RESTORE_POINTS",
  INVALID_TARGET: "INVALID_TARGET",
  /** `immediate` names a restore point this cluster does not have (or whose WAL is gone). */
  UNKNOWN_RESTORE_POINT: "UNKNOWN_RESTORE_POINT",
  /** No restore point records transaction ids, so an xid cannot be placed. */
  XID_WINDOW_UNKNOWN: "XID_WINDOW_UNKNOWN",
} as const;

export type PlanRefusalCode = (typeof PlanRefusal)[keyof typeof PlanRefusal];

/** A restore point created with pg_create_restore_point(), as found in the WAL. */
export type NamedRestorePoint = { name: string; lsn: string; timeline: number; time: string | null };

/**
 * How fast clones replay WAL, and what a clone costs besides replay (clone, start-up, promotion).
 * `measured`: the rate was learnt from earlier clones on the same storage; otherwise the default
 * rate below is used. A start-up time given is used either way.
 */
export type ReplayRate = { bytesPerSecond: number; startSeconds?: number; measured: boolean };

/** Assumed until clones on a pool have been measured: a modest disk replays WAL at this rate. */
export const DEFAULT_REPLAY_BYTES_PER_SECOND = 50 * 1024 * 1024;
/** Clone, start-up and promotion before and after replay, assumed until measured. */
export const DEFAULT_CLONE_START_SECONDS = 2;

export type PlanRestoreInput = {
  target: RestoreTarget;
  restorePoints: RestorePointRef[];
  namedPoints?: NamedRestorePoint[];
  catalog: WalCatalog;
  histories: TimelineHistories;
  now: string | Date;
  /** For the time estimate; the defaults (not measured) when absent. */
  replayRate?: ReplayRate;
  /**
   * The first 64-bit transaction id the archive has not seen complete (decimal), from the
   * storage agent's replica: an xid target at or above it is not in the window yet.
   */
  xidHorizon?: string | null;
};

export type RestorePlan = {
  restorePointId: string;
  /** recovery_target_timeline. */
  timeline: number;
  targetKind: RestoreTarget["kind"];
  /** What goes into recovery_target_time / _lsn / _name; `latest` means no target: replay all WAL. */
  recoveryTarget: TRecoveryTarget;
  /**
   * Bytes of WAL between the restore point and where recovery stops, as a decimal string. For a
   * time target it is an upper bound: up to the next restore point or the end of the WAL.
   */
  walBytesToReplay: string;
  startLsn: string;
  /**
   * Where the clone's replay starts: the redo pointer of the restore point's checkpoint. Recovery
   * replays from there, so WAL before the restore point's LSN is replayed too.
   */
  redoLsn: string;
  /** Bytes of WAL the clone replays, from `redoLsn` to where recovery stops (decimal string). */
  replayBytes: string;
  /** `replayBytes` is an upper bound (a time target: recovery stops at the first commit after it). */
  replayBytesUpperBound: boolean;
  /** Clone start-up plus `replayBytes` at the replay rate, in seconds. */
  estimatedSeconds: number;
  estimate: { bytesPerSecond: number; startSeconds: number; measured: boolean };
  /** Where the clone should end up; check it against what the clone reports after promotion. */
  expected: { lsn: string | null; time: string | null };
  /** Recovery replays all archived WAL (reachable from the restore point) instead of stopping at a target. */
  endOfWal: boolean;
  notes: string[];
};

export type PlanResult =
  | { ok: true; plan: RestorePlan }
  | { ok: false; code: PlanRefusalCode; message: string };

class Refusal {
  constructor(
    readonly code: PlanRefusalCode,
    readonly sentence: string,
  ) {}
}

function refuse(code: PlanRefusalCode, sentence: string): never {
  throw new Refusal(code, sentence);
}

export function planRestore(input: PlanRestoreInput): PlanResult {
  try {
    return { ok: true, plan: withEstimate(plan(input), input.replayRate) };
  } catch (error) {
    if (error instanceof Refusal)
      return { ok: false, code: error.code, message: `${error.code}: ${error.sentence}` };
    if (isTidelineError(error, PlanRefusal.INVALID_TARGET)) {
      return { ok: false, code: PlanRefusal.INVALID_TARGET, message: error.message };
    }
    throw error;
  }
}

type ParsedTarget =
  | { kind: "time"; time: Micros; exclusive: boolean }
  | { kind: "lsn"; lsn: bigint; exclusive: boolean }
  | { kind: "xid"; xid: bigint; exclusive: boolean }
  | { kind: "name"; name: string }
  | { kind: "immediate"; restorePointId: string | null }
  | { kind: "latest" };

const XID_EPOCH = 1n << 32n;

function parseTarget(target: RestoreTarget): ParsedTarget {
  if (target.timeline !== undefined && (!Number.isInteger(target.timeline) || target.timeline < 1)) {
    refuse(PlanRefusal.INVALID_TARGET, `${target.timeline} is not a timeline ID`);
  }
  switch (target.kind) {
    case "time":
      return { kind: "time", time: parseTimestamp(target.time, PlanRefusal.INVALID_TARGET), exclusive: target.exclusive === true };
    case "lsn":
      try {
        return { kind: "lsn", lsn: parseLsn(target.lsn), exclusive: target.exclusive === true };
      } catch (error) {
        if (error instanceof TidelineError) refuse(PlanRefusal.INVALID_TARGET, error.sentence);
        throw error;
      }
    case "xid": {
      const xid = /^[0-9]{1,20}$/.test(target.xid) ? BigInt(target.xid) : -1n;
      if (xid < 3n || xid >= 1n << 64n) {
        refuse(PlanRefusal.INVALID_TARGET, `${JSON.stringify(target.xid)} is not a transaction id (normal xids start at 3)`);
      }
      return { kind: "xid", xid, exclusive: target.exclusive === true };
    }
    case "name":
      assertRestorePointName(target.name);
      return { kind: "name", name: target.name };
    case "immediate":
      return { kind: "immediate", restorePointId: target.restorePointId ?? null };
    case "latest":
      return { kind: "latest" };
    default:
      return refuse(
        PlanRefusal.INVALID_TARGET,
        `unknown target kind ${JSON.stringify((target as { kind?: unknown }).kind)}; use time, lsn, xid, name, immediate or latest`,
      );
  }
}

const msg = (t: Micros, sameDayAs?: Micros) => formatTimestampForMessage(t, sameDayAs);

function describePoint(u: UsableRestorePoint, sameDayAs?: Micros): string {
  return u.dataTime === null ? formatLsn(u.lsn) : `${msg(u.dataTime, sameDayAs)} (${formatLsn(u.lsn)})`;
}

/** What the clone replays, from the redo pointer on, and how long that takes at the given rate. */
function withEstimate(plan: RestorePlan, rate?: ReplayRate): RestorePlan {
  const replay = BigInt(plan.walBytesToReplay) + (parseLsn(plan.startLsn) - parseLsn(plan.redoLsn));
  const trusted = rate?.measured && rate.bytesPerSecond > 0 ? rate : null;
  const measured = trusted !== null;
  const bytesPerSecond = trusted?.bytesPerSecond ?? DEFAULT_REPLAY_BYTES_PER_SECOND;
  // the start-up time is learnt from every clone, the rate only from those with much to replay
  const startSeconds = rate?.startSeconds ?? DEFAULT_CLONE_START_SECONDS;
  plan.replayBytes = replay.toString();
  plan.replayBytesUpperBound = (plan.targetKind === "time" || plan.targetKind === "xid") && !plan.endOfWal;
  plan.estimatedSeconds = Math.round((startSeconds + Number(replay) / bytesPerSecond) * 10) / 10;
  plan.estimate = { bytesPerSecond, startSeconds, measured };
  return plan;
}

function plan(input: PlanRestoreInput): RestorePlan {
  const target = parseTarget(input.target);
  const now = toMicros(input.now);
  if (target.kind === "time" && target.time > now) {
    refuse(
      PlanRefusal.TARGET_IN_FUTURE,
      `${msg(target.time)} is in the future (it is now ${msg(now, target.time)})`,
    );
  }

  const known = new Set<number>([
    ...input.catalog.map((e) => e.timeline),
    ...timelinesInHistories(input.histories),
    ...input.restorePoints.map((p) => p.timeline),
  ]);
  if (known.size === 0)
    refuse(PlanRefusal.NO_RESTORE_POINTS, "this cluster has no restore points and no archived WAL yet");
  const knownList = [...known].sort((a, b) => a - b);
  if (input.target.timeline !== undefined && !known.has(input.target.timeline)) {
    refuse(
      PlanRefusal.UNKNOWN_TIMELINE,
      `timeline ${input.target.timeline} is not known; this cluster has timeline${knownList.length > 1 ? "s" : ""} ${knownList.join(", ")}`,
    );
  }
  let timeline = input.target.timeline ?? knownList.at(-1)!;
  if (target.kind === "immediate" && target.restorePointId !== null && input.target.timeline === undefined) {
    // a restore point named by id: recover on its own timeline
    const rp = input.restorePoints.find((p) => p.id === target.restorePointId);
    if (rp) timeline = rp.timeline;
  }

  const namedTarget = target.kind === "name" ? resolveName(input, target.name, knownList) : null;
  if (namedTarget) timeline = namedTarget.timeline;

  const stream = walStream(timeline, input.catalog, input.histories);
  const usable = usableRestorePoints(stream, input.restorePoints);
  if (usable.length === 0) {
    const onPath = restorePointsOnPath(stream, input.restorePoints).length;
    refuse(
      PlanRefusal.NO_RESTORE_POINTS,
      onPath === 0
        ? `timeline ${timeline} has no restore points yet`
        : `none of the ${onPath} restore point${onPath > 1 ? "s" : ""} on timeline ${timeline} has its WAL in the archive`,
    );
  }

  switch (target.kind) {
    case "lsn":
      return planToLsn(stream, usable, timeline, target.lsn, target.exclusive);
    case "xid":
      return planToXid(stream, usable, timeline, target.xid, target.exclusive, input.xidHorizon ?? null);
    case "name":
      return planToName(stream, usable, timeline, namedTarget!);
    case "time":
      return planToTime(stream, usable, timeline, target.time, target.exclusive);
    case "immediate":
      return planToImmediate(stream, usable, timeline, target.restorePointId, input.restorePoints);
    case "latest":
      return planToLatest(stream, usable, timeline);
  }
}

type NamedTarget = {
  point: NamedRestorePoint;
  lsn: bigint;
  timeline: number;
  earlier: bigint | null;
  count: number;
};

/**
 * The occurrence of a pg_create_restore_point name to recover to, and the timeline to follow.
 * Without an explicit timeline, a name that only exists on another branch leads to that branch.
 */
function resolveName(input: PlanRestoreInput, name: string, knownList: number[]): NamedTarget {
  const matches = (input.namedPoints ?? []).filter((n) => n.name === name);
  if (matches.length === 0) {
    refuse(
      PlanRefusal.UNKNOWN_RESTORE_POINT_NAME,
      `no restore point named ${JSON.stringify(name)} was found in the WAL`,
    );
  }
  const onPath = (tl: number) => matches.filter((m) => isOnPath(m, timelineAncestry(tl, input.histories)));
  const timeline =
    input.target.timeline ??
    [...knownList].reverse().find((tl) => onPath(tl).length > 0) ??
    knownList.at(-1)!;
  const candidates = onPath(timeline)
    .map((point) => ({ point, lsn: parseLsn(point.lsn) }))
    .sort((a, b) => (a.lsn < b.lsn ? -1 : a.lsn > b.lsn ? 1 : 0));
  const chosen = candidates.at(-1);
  if (!chosen) {
    const where = [...new Set(matches.map((m) => m.timeline))].join(", ");
    refuse(
      PlanRefusal.UNKNOWN_RESTORE_POINT_NAME,
      `restore point ${JSON.stringify(name)} is not in the history of timeline ${timeline}; it was created on timeline ${where}`,
    );
  }
  return { ...chosen, timeline, earlier: candidates.at(-2)?.lsn ?? null, count: candidates.length };
}

function basePlan(
  stream: WalStream,
  timeline: number,
  start: UsableRestorePoint,
  kind: RestoreTarget["kind"],
): RestorePlan {
  const notes: string[] = [];
  if (start.point.timeline !== timeline) {
    const span = stream.ancestry.find((s) => s.timeline === start.point.timeline);
    notes.push(
      `Restore point ${start.point.id} is on timeline ${start.point.timeline}; recovery follows the timeline history to timeline ${timeline}${span?.toLsn ? ` (fork at ${span.toLsn})` : ""}.`,
    );
  }
  return {
    restorePointId: start.point.id,
    timeline,
    targetKind: kind,
    recoveryTarget: {},
    walBytesToReplay: "0",
    startLsn: formatLsn(start.lsn),
    redoLsn: formatLsn(start.redoLsn),
    replayBytes: "0",
    replayBytesUpperBound: false,
    estimatedSeconds: 0,
    estimate: {
      bytesPerSecond: DEFAULT_REPLAY_BYTES_PER_SECOND,
      startSeconds: DEFAULT_CLONE_START_SECONDS,
      measured: false,
    },
    expected: { lsn: null, time: null },
    endOfWal: false,
    notes,
  };
}

function endOfWalPlan(
  stream: WalStream,
  usable: UsableRestorePoint[],
  timeline: number,
  start: UsableRestorePoint,
  kind: RestoreTarget["kind"],
): RestorePlan {
  const run = stream.runs[start.run]!;
  const plan = basePlan(stream, timeline, start, kind);
  plan.recoveryTarget = { latest: true };
  plan.endOfWal = true;
  plan.walBytesToReplay = (run.toLsn - start.lsn).toString();
  plan.expected = {
    lsn: formatLsn(run.toLsn),
    time: formatOptionalTimestamp(lastRecoverableTime(run, start.run, usable)),
  };
  return plan;
}

function gapAfter(
  stream: WalStream,
  usable: UsableRestorePoint[],
  runIndex: number,
  around?: Micros,
): string {
  const run = stream.runs[runIndex]!;
  const lastCommit = lastRecoverableTime(run, runIndex, usable);
  const resume = usable.find((u) => u.run > runIndex);
  const missing = `WAL is missing from ${formatLsn(run.toLsn)}${lastCommit === null ? "" : ` (after the last commit at ${msg(lastCommit, around)})`}`;
  return resume
    ? `${missing} and the next restore point is at ${describePoint(resume, around)}`
    : `${missing} and no restore point follows the missing WAL`;
}

function newestBy(
  points: UsableRestorePoint[],
  key: (u: UsableRestorePoint) => bigint | number,
): UsableRestorePoint | undefined {
  let best: UsableRestorePoint | undefined;
  for (const u of points) {
    // On equal keys the later LSN wins: less WAL to replay.
    if (!best || key(u) > key(best) || (key(u) === key(best) && u.lsn >= best.lsn)) best = u;
  }
  return best;
}

/**
 * Of the points that can reach the target, the one whose clone replays least: the latest redo
 * pointer (a clone replays from there, whatever the point's LSN). Normally the newest point, but
 * not when the newest was taken without a fresh checkpoint and its redo lies further back.
 */
function leastReplay(
  points: UsableRestorePoint[],
  newer: (u: UsableRestorePoint) => bigint | number,
): UsableRestorePoint | undefined {
  let best: UsableRestorePoint | undefined;
  for (const u of points) {
    if (
      !best ||
      u.redoLsn > best.redoLsn ||
      (u.redoLsn === best.redoLsn &&
        (newer(u) > newer(best) || (newer(u) === newer(best) && u.lsn >= best.lsn)))
    )
      best = u;
  }
  return best;
}

function planToLsn(
  stream: WalStream,
  usable: UsableRestorePoint[],
  timeline: number,
  lsn: bigint,
  exclusive = false,
): RestorePlan {
  // exclusive: recovery stops before the record at `lsn`, so the clone must start before it
  const start = leastReplay(
    usable.filter((u) => (exclusive ? u.lsn < lsn : u.lsn <= lsn)),
    (u) => u.lsn,
  );
  if (!start) {
    refuse(
      PlanRefusal.TARGET_OUTSIDE_WINDOW,
      `${formatLsn(lsn)} is before the earliest restore point ${describePoint(usable[0]!)}`,
    );
  }
  const run = stream.runs[start.run]!;
  const walEnd = stream.runs.at(-1)!.toLsn;
  if (lsn > walEnd) {
    refuse(
      PlanRefusal.TARGET_OUTSIDE_WINDOW,
      `${formatLsn(lsn)} is after the end of the archived WAL at ${formatLsn(walEnd)}`,
    );
  }
  if (lsn < run.toLsn) {
    const plan = basePlan(stream, timeline, start, "lsn");
    plan.recoveryTarget = { lsn: formatLsn(lsn), ...(exclusive ? { inclusive: false as const } : {}) };
    plan.walBytesToReplay = (lsn - start.lsn).toString();
    plan.expected = { lsn: formatLsn(lsn), time: null };
    return plan;
  }
  if (lsn === run.toLsn && start.run === stream.runs.length - 1) {
    // No record starts at the very end of the WAL, so recovery_target_lsn there would never be
    // reached and PostgreSQL would stop with FATAL; replaying everything ends at the same LSN.
    const plan = endOfWalPlan(stream, usable, timeline, start, "lsn");
    plan.notes.push(
      `${formatLsn(lsn)} is the end of the archived WAL: recovery replays all of it and stops there.`,
    );
    return plan;
  }
  return refuse(
    PlanRefusal.TARGET_IN_GAP,
    `${formatLsn(lsn)} cannot be recovered: ${gapAfter(stream, usable, start.run)}`,
  );
}

function planToName(
  stream: WalStream,
  usable: UsableRestorePoint[],
  timeline: number,
  named: NamedTarget,
): RestorePlan {
  const label = JSON.stringify(named.point.name);
  const namedTime = parseOptionalTimestamp(named.point.time);
  // The restore point record must still be ahead of the clone, or recovery never meets it.
  const before = usable.filter((u) => u.lsn < named.lsn);
  const start = leastReplay(before, (u) => u.lsn);
  if (!start) {
    refuse(
      PlanRefusal.TARGET_OUTSIDE_WINDOW,
      `restore point ${label} at ${namedTime === null ? formatLsn(named.lsn) : `${msg(namedTime)} (${formatLsn(named.lsn)})`} is before the earliest restore point ${describePoint(usable[0]!, namedTime ?? undefined)}`,
    );
  }
  if (named.earlier !== null && start.lsn < named.earlier) {
    // Recovery stops at the first record carrying the name, which would be the older one.
    refuse(
      PlanRefusal.AMBIGUOUS_RESTORE_POINT_NAME,
      `${named.count} restore points are named ${label}; recovery would stop at the one at ${formatLsn(named.earlier)}, not the newest at ${formatLsn(named.lsn)}. Target the LSN instead`,
    );
  }
  const run = stream.runs[start.run]!;
  if (named.lsn > run.toLsn) {
    refuse(
      PlanRefusal.TARGET_IN_GAP,
      `restore point ${label} cannot be reached: ${gapAfter(stream, usable, start.run, namedTime ?? undefined)}`,
    );
  }
  const plan = basePlan(stream, timeline, start, "name");
  plan.recoveryTarget = { name: named.point.name };
  plan.walBytesToReplay = (named.lsn - start.lsn).toString();
  plan.expected = { lsn: formatLsn(named.lsn), time: formatOptionalTimestamp(namedTime) };
  if (named.count > 1) {
    plan.notes.push(
      `${named.count} restore points are named ${label}; this restores to the newest, at ${formatLsn(named.lsn)}.`,
    );
  }
  return plan;
}

function planToTime(
  stream: WalStream,
  usable: UsableRestorePoint[],
  timeline: number,
  time: Micros,
  exclusive = false,
): RestorePlan {
  const timed = usable.filter((u) => u.dataTime !== null);
  if (timed.length === 0) {
    refuse(
      PlanRefusal.NO_RESTORE_POINTS,
      `no restore point on timeline ${timeline} has a data time, so none can be placed before a time; target an LSN instead`,
    );
  }
  // exclusive: a commit at exactly `time` must not be in the clone, so neither in its start
  const start = leastReplay(
    timed.filter((u) => (exclusive ? u.dataTime! < time : u.dataTime! <= time)),
    (u) => u.dataTime!,
  );
  if (!start) {
    const earliest = newestBy(timed, (u) => -u.dataTime!)!;
    refuse(
      PlanRefusal.TARGET_OUTSIDE_WINDOW,
      `${msg(time)} is before the earliest restore point ${msg(earliest.dataTime!, time)}`,
    );
  }
  const run = stream.runs[start.run]!;
  const isLastRun = start.run === stream.runs.length - 1;
  if (run.lastCommitTime !== null && (exclusive ? time <= run.lastCommitTime : time < run.lastCommitTime)) {
    const plan = basePlan(stream, timeline, start, "time");
    plan.recoveryTarget = { time: formatTimestamp(time), ...(exclusive ? { inclusive: false as const } : {}) };
    // Recovery stops at the first commit after the target, which comes no later than the next
    // restore point with a later data time.
    const next = usable.find(
      (u) => u.run === start.run && u.lsn > start.lsn && u.dataTime !== null && u.dataTime > time,
    );
    plan.walBytesToReplay = ((next?.lsn ?? run.toLsn) - start.lsn).toString();
    plan.expected = { lsn: null, time: formatTimestamp(time) };
    return plan;
  }
  const lastCommit = lastRecoverableTime(run, start.run, usable);
  if (isLastRun) {
    // PostgreSQL ends recovery with FATAL when recovery_target_time lies after the last commit
    // in the WAL; the state at such a time is the end of the WAL, so replay all of it.
    const plan = endOfWalPlan(stream, usable, timeline, start, "time");
    plan.notes.push(
      lastCommit === null
        ? `No commit is archived after the restore point, so ${msg(time)} is recovered by replaying to the end of the WAL.`
        : `${msg(time)} is after the last archived commit (${msg(lastCommit, time)}): recovery replays to the end of the WAL.`,
    );
    return plan;
  }
  if (lastCommit !== null && time === lastCommit) {
    // Exactly the last commit before missing WAL: that state is where the available WAL ends, and
    // recovery without a target stops there when restore_command finds no next segment.
    const plan = endOfWalPlan(stream, usable, timeline, start, "time");
    plan.notes.push(
      `WAL is missing after ${formatLsn(run.toLsn)}: recovery replays up to there (the last commit at ${msg(lastCommit)}) and stops.`,
    );
    return plan;
  }
  return refuse(
    PlanRefusal.TARGET_IN_GAP,
    `${msg(time)} cannot be recovered: ${gapAfter(stream, usable, start.run, time)}`,
  );
}

/**
 * A transaction's commit (or abort). A clone must start from a point where the transaction had
 * not completed: the newest point whose next xid is at or below it. An xid at or above the
 * archive's horizon has not completed in the archived WAL yet.
 */
function planToXid(
  stream: WalStream,
  usable: UsableRestorePoint[],
  timeline: number,
  given: bigint,
  exclusive: boolean,
  horizonText: string | null,
): RestorePlan {
  const withXids = usable.filter((u) => u.point.nextXid);
  if (withXids.length === 0) {
    refuse(
      PlanRefusal.XID_WINDOW_UNKNOWN,
      `no restore point on timeline ${timeline} records transaction ids (points taken before this version do not); take a restore point, or target a time or LSN`,
    );
  }
  const horizon = horizonText ? BigInt(horizonText) : null;
  const newestNext = withXids.reduce((m, u) => (BigInt(u.point.nextXid!) > m ? BigInt(u.point.nextXid!) : m), 0n);
  // a bare 32-bit xid is taken in the epoch of the archive's newest transactions
  const reference = horizon ?? newestNext;
  let xid = given;
  if (given < XID_EPOCH) {
    xid = (reference / XID_EPOCH) * XID_EPOCH + given;
    if (xid > reference && xid >= XID_EPOCH) xid -= XID_EPOCH;
  }
  if (horizon !== null && xid >= horizon) {
    refuse(
      PlanRefusal.TARGET_OUTSIDE_WINDOW,
      `transaction ${given} has not completed in the archived WAL (the archive's next transaction id is ${horizon})`,
    );
  }
  const start = leastReplay(
    withXids.filter((u) => BigInt(u.point.nextXid!) <= xid),
    (u) => u.lsn,
  );
  if (!start) {
    const earliest = withXids.reduce((m, u) => (BigInt(u.point.nextXid!) < BigInt(m.point.nextXid!) ? u : m));
    refuse(
      PlanRefusal.TARGET_OUTSIDE_WINDOW,
      `transaction ${given} began before the earliest restore point that records transaction ids (${describePoint(earliest)}, next transaction id ${earliest.point.nextXid})`,
    );
  }
  if (start.run !== stream.runs.length - 1) {
    refuse(
      PlanRefusal.TARGET_IN_GAP,
      `transaction ${given} cannot be placed: ${gapAfter(stream, usable, start.run)}`,
    );
  }
  const plan = basePlan(stream, timeline, start, "xid");
  plan.recoveryTarget = { xid: xid.toString(), ...(exclusive ? { inclusive: false as const } : {}) };
  plan.walBytesToReplay = (stream.runs[start.run]!.toLsn - start.lsn).toString();
  plan.replayBytesUpperBound = true;
  plan.expected = { lsn: null, time: null };
  plan.notes.push(
    `Recovery stops ${exclusive ? "just before" : "just after"} the commit or abort of transaction ${xid}${xid !== given ? ` (${given} in epoch ${xid / XID_EPOCH})` : ""}; it must end in the archived WAL.`,
  );
  return plan;
}

/** A restore point itself: recovery stops as soon as the clone is consistent, at the point's LSN. */
function planToImmediate(
  stream: WalStream,
  usable: UsableRestorePoint[],
  timeline: number,
  restorePointId: string | null,
  all: RestorePointRef[],
): RestorePlan {
  const start = restorePointId === null ? newestBy(usable, (u) => u.lsn) : usable.find((u) => u.point.id === restorePointId);
  if (!start) {
    const exists = all.some((p) => p.id === restorePointId);
    refuse(
      PlanRefusal.UNKNOWN_RESTORE_POINT,
      exists
        ? `restore point ${restorePointId} cannot start a recovery on timeline ${timeline} (its WAL is not in the archive)`
        : `this cluster has no restore point ${restorePointId}`,
    );
  }
  const plan = basePlan(stream, timeline, start, "immediate");
  plan.recoveryTarget = { immediate: true };
  plan.expected = { lsn: formatLsn(start.lsn), time: formatOptionalTimestamp(start.dataTime) };
  return plan;
}

function planToLatest(stream: WalStream, usable: UsableRestorePoint[], timeline: number): RestorePlan {
  const start = leastReplay(usable, (u) => u.lsn)!;
  if (start.run !== stream.runs.length - 1) {
    const run = stream.runs[start.run]!;
    const lastCommit = lastRecoverableTime(run, start.run, usable);
    refuse(
      PlanRefusal.TARGET_IN_GAP,
      `the newest archived WAL cannot be reached: ${gapAfter(stream, usable, start.run)}; the newest recoverable moment is ${lastCommit === null ? formatLsn(run.toLsn) : msg(lastCommit)}`,
    );
  }
  const plan = endOfWalPlan(stream, usable, timeline, start, "latest");
  return plan;
}

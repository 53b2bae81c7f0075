// The recoverable window per timeline: from the data time of the oldest usable restore point to
// the last commit archived, with the stretches that missing WAL makes unrecoverable.

import { formatLsn } from "../lsn/lsn";
import { type RestorePointRef, type UsableRestorePoint, usableRestorePoints } from "../restore-points/usable";
import { formatOptionalTimestamp, type Micros, maxMicros } from "../time/timestamp";
import { type TimelineHistories, timelinesInHistories } from "../timelines/history";
import type { WalCatalog } from "../wal/catalog";
import { type WalRun, type WalStream, walStream } from "../wal/stream";

/**
 * Targets from `from` (inclusive) up to `to` (exclusive) cannot be recovered: `from` is the last
 * commit before WAL went missing, `to` the data time of the first restore point after it.
 */
export type WindowGap = { from: string | null; to: string | null; fromLsn: string; toLsn: string };

export type TimelineWindow = {
  timeline: number;
  from: string | null;
  to: string | null;
  fromLsn: string | null;
  toLsn: string | null;
  gaps: WindowGap[];
  usableRestorePoints: number;
  /**
   * WAL archived after the window's end that no restore point can reach (it lies past a gap with
   * no restore point after it): a new restore point makes it count again.
   */
  unreachable: { fromLsn: string; toLsn: string; from: string | null; to: string | null } | null;
};

export type RecoverableWindow = { timelines: TimelineWindow[] };

export type ComputeWindowInput = {
  restorePoints: RestorePointRef[];
  catalog: WalCatalog;
  histories: TimelineHistories;
  /** Accepted for symmetry with planRestore; the window never extends to "now", only to the last commit. */
  now?: string;
};

export function computeWindow(input: ComputeWindowInput): RecoverableWindow {
  const timelines = new Set<number>([
    ...input.catalog.map((e) => e.timeline),
    ...timelinesInHistories(input.histories),
    ...input.restorePoints.map((p) => p.timeline),
  ]);
  return {
    timelines: [...timelines]
      .sort((a, b) => a - b)
      .map((timeline) => {
        const stream = walStream(timeline, input.catalog, input.histories);
        return timelineWindow(stream, usableRestorePoints(stream, input.restorePoints));
      }),
  };
}

/** The newest moment recoverable at the end of a run: its last commit, or a later restore point. */
export function lastRecoverableTime(
  run: WalRun,
  runIndex: number,
  usable: UsableRestorePoint[],
): Micros | null {
  let t = run.lastCommitTime;
  for (const u of usable) if (u.run === runIndex) t = maxMicros(t, u.dataTime);
  return t;
}

export function timelineWindow(stream: WalStream, usable: UsableRestorePoint[]): TimelineWindow {
  const { runs } = stream;
  const first = usable[0];
  if (!first) {
    const firstRun = runs[0];
    const lastRun = runs.at(-1);
    return {
      timeline: stream.timeline,
      from: null,
      to: null,
      fromLsn: null,
      toLsn: null,
      gaps: [],
      usableRestorePoints: 0,
      unreachable:
        firstRun && lastRun
          ? {
              fromLsn: formatLsn(firstRun.fromLsn),
              toLsn: formatLsn(lastRun.toLsn),
              from: formatOptionalTimestamp(firstRun.firstCommitTime),
              to: formatOptionalTimestamp(lastRun.lastCommitTime),
            }
          : null,
    };
  }

  // A restore point without a data time still starts recovery, but the window can only begin
  // at a moment it can name.
  const from = usable.find((u) => u.run === first.run && u.dataTime !== null)?.dataTime ?? null;
  const gaps: WindowGap[] = [];
  let current = first.run;
  for (let j = first.run + 1; j < runs.length; j++) {
    const resume = usable.find((u) => u.run === j);
    if (!resume) continue;
    gaps.push({
      from: formatOptionalTimestamp(lastRecoverableTime(runs[current]!, current, usable)),
      to: formatOptionalTimestamp(resume.dataTime),
      fromLsn: formatLsn(runs[current]!.toLsn),
      toLsn: formatLsn(resume.lsn),
    });
    current = j;
  }
  const end = runs[current]!;
  const tail = runs.slice(current + 1);
  const tailFirst = tail[0];
  const tailLast = tail.at(-1);
  return {
    timeline: stream.timeline,
    from: formatOptionalTimestamp(from),
    to: formatOptionalTimestamp(lastRecoverableTime(end, current, usable)),
    fromLsn: formatLsn(first.lsn),
    toLsn: formatLsn(end.toLsn),
    gaps,
    usableRestorePoints: usable.length,
    unreachable:
      tailFirst && tailLast
        ? {
            fromLsn: formatLsn(tailFirst.fromLsn),
            toLsn: formatLsn(tailLast.toLsn),
            from: formatOptionalTimestamp(tailFirst.firstCommitTime),
            to: formatOptionalTimestamp(tailLast.lastCommitTime),
          }
        : null,
  };
}

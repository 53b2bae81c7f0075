// Which restore points can start a recovery on a timeline: those on its path whose WAL is archived
// from their LSN onwards.

import { parseLsn } from "../lsn/lsn";
import { type Micros, parseOptionalTimestamp } from "../time/timestamp";
import { isOnPath } from "../timelines/history";
import { runIndexAt, type WalStream } from "../wal/stream";

export type RestorePointRef = {
  id: string;
  /** The replay LSN at the snapshot: a clone is consistent once recovery has passed it. */
  lsn: string;
  /**
   * Where a clone's replay starts: the redo pointer of the checkpoint (restartpoint) the
   * snapshot holds. Null or absent for points recorded before it was: then `lsn` stands in.
   */
  redoLsn?: string | null;
  timeline: number;
  /** Commit time of the last transaction in the restore point (pg_last_xact_replay_timestamp()). */
  dataTime: string | null;
  /**
   * The first 64-bit transaction id not yet complete at the point (decimal): transactions with
   * this id or above commit after it. Null or absent when not recorded.
   */
  nextXid?: string | null;
};

export type UsableRestorePoint = {
  point: RestorePointRef;
  lsn: bigint;
  /** Where replay starts (the redo pointer, else the LSN); never after `lsn`. */
  redoLsn: bigint;
  dataTime: Micros | null;
  /** Index into the stream's runs of the continuous WAL that starts at this point. */
  run: number;
};

/** Usable restore points of a stream, oldest LSN first. */
export function usableRestorePoints(
  stream: WalStream,
  restorePoints: RestorePointRef[],
): UsableRestorePoint[] {
  const usable: UsableRestorePoint[] = [];
  for (const point of restorePoints) {
    const lsn = parseLsn(point.lsn);
    // A point on an ancestor after the fork holds data the timeline never had.
    if (!isOnPath({ timeline: point.timeline, lsn }, stream.ancestry)) continue;
    const run = runIndexAt(stream, lsn);
    if (run < 0) continue;
    // a redo pointer after the LSN cannot be right: replay never starts after the snapshot's LSN
    let redoLsn = point.redoLsn ? parseLsn(point.redoLsn) : lsn;
    if (redoLsn > lsn) redoLsn = lsn;
    usable.push({ point, lsn, redoLsn, dataTime: parseOptionalTimestamp(point.dataTime), run });
  }
  return usable.sort((a, b) => {
    if (a.lsn !== b.lsn) return a.lsn < b.lsn ? -1 : 1;
    return (a.dataTime ?? 0) - (b.dataTime ?? 0);
  });
}

export function restorePointsOnPath(stream: WalStream, restorePoints: RestorePointRef[]): RestorePointRef[] {
  return restorePoints.filter((p) => isOnPath(p, stream.ancestry));
}

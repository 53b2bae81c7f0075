// Restore points by WAL volume: a cluster's cadence is "every 15 minutes *or* every N bytes of
// WAL, whichever comes first". A clone replays the WAL between its restore point and the target,
// so on a busy cluster the time schedule alone can leave a target gigabytes of replay away from
// the newest restore point; bounding the volume bounds the restore time.
import { TidelineError } from "../errors";
import { parseByteSize } from "../format/byte-size";
import { compareLsn, lsnDiffBytes } from "../lsn/lsn";

export interface WalVolumeInput {
  /** Bytes of WAL after the newest restore point that make the next one due; 0 or null: off. */
  thresholdBytes: number | null;
  /** The newest restore point on the archive's timeline (its LSN), or null when it has none yet. */
  lastRestorePoint: { lsn: string; timeline: number } | null;
  /** The newest LSN in the WAL archive and its timeline, as the storage agent last reported it. */
  archive: { lsn: string; timeline: number } | null;
  /** A restore-point job for this cluster is queued, dispatched or running. */
  inFlight: boolean;
}

export type WalVolumeDecision =
  | { due: true; walBytes: bigint }
  | {
      due: false;
      reason:
        | "DISABLED"
        | "NO_ARCHIVE"
        | "NO_RESTORE_POINT"
        | "OTHER_TIMELINE"
        | "IN_FLIGHT"
        | "BELOW_THRESHOLD";
      walBytes: bigint | null;
    };

/**
 * Whether the WAL archived since the newest restore point has reached the threshold.
 * Only the archive's timeline counts: after a promotion the new timeline's WAL is measured from
 * a restore point on that timeline (the first one is taken when protection follows the new
 * primary), never across the fork, where an LSN difference means nothing. A job already under
 * way covers the volume: a second one would only snapshot the same WAL again.
 */
export function walVolumeDue(i: WalVolumeInput): WalVolumeDecision {
  if (!i.thresholdBytes || i.thresholdBytes <= 0) return { due: false, reason: "DISABLED", walBytes: null };
  if (!i.archive) return { due: false, reason: "NO_ARCHIVE", walBytes: null };
  if (!i.lastRestorePoint) return { due: false, reason: "NO_RESTORE_POINT", walBytes: null };
  if (i.lastRestorePoint.timeline !== i.archive.timeline)
    return { due: false, reason: "OTHER_TIMELINE", walBytes: null };
  const walBytes =
    compareLsn(i.archive.lsn, i.lastRestorePoint.lsn) > 0
      ? lsnDiffBytes(i.archive.lsn, i.lastRestorePoint.lsn)
      : 0n;
  if (i.inFlight) return { due: false, reason: "IN_FLIGHT", walBytes };
  if (walBytes < BigInt(Math.floor(i.thresholdBytes)))
    return { due: false, reason: "BELOW_THRESHOLD", walBytes };
  return { due: true, walBytes };
}

/**
 * The newest archived position from a WAL catalog (packages/core's WalCatalog as the agent
 * reports it): the highest timeline's end. The highest timeline is the one WAL is archived on
 * now; older ones ended at a fork.
 */
export function archiveHead(
  catalog: ReadonlyArray<{ timeline: number; endLsn: string }>,
): { lsn: string; timeline: number } | null {
  let head: { lsn: string; timeline: number } | null = null;
  for (const t of catalog) {
    if (
      !head ||
      t.timeline > head.timeline ||
      (t.timeline === head.timeline && compareLsn(t.endLsn, head.lsn) > 0)
    )
      head = { lsn: t.endLsn, timeline: t.timeline };
  }
  return head;
}

/**
 * 256 MiB. Measured (bench/README.md, "Replay tuning"): a tuned clone on zfs-fuse replays
 * 37–70 MB/s on a busy 2-core machine (stock settings 16–18 MB/s), so 256 MiB of WAL is 4–7 s of
 * replay at worst; btrfs and kernel ZFS replay faster. Much less would cost the primary: every restore point asks it for an
 * immediate checkpoint, and each checkpoint restarts full-page writes (more WAL). At 256 MiB a busy
 * primary checkpoints about twice as often as PostgreSQL's default max_wal_size (1 GB: a
 * checkpoint every ~540 MB of WAL) makes it; 512 MiB would add almost none but double the replay.
 */
export const DEFAULT_SNAPSHOT_WAL_BYTES = 256 * 2 ** 20;
/** One 16 MiB WAL segment: below that a busy cluster would checkpoint for nearly every segment. */
export const MIN_SNAPSHOT_WAL_BYTES = 16 * 2 ** 20;

/** A cluster's WAL cadence: 0 (off) or at least one WAL segment. */
export function assertSnapshotWalBytes(bytes: number): void {
  if (!Number.isSafeInteger(bytes) || bytes < 0 || (bytes > 0 && bytes < MIN_SNAPSHOT_WAL_BYTES)) {
    throw new TidelineError(
      "INVALID_SNAPSHOT_WAL",
      `a restore point every ${bytes} bytes of WAL is too often: use 0 (off) or at least 16 MiB, one WAL segment; every restore point asks the primary for a checkpoint`,
    );
  }
}

/** A WAL cadence as typed ("256MB", "1GiB", "off") → bytes, checked; throws INVALID_SIZE / INVALID_SNAPSHOT_WAL. */
export function parseSnapshotWal(text: string): number {
  const bytes = parseByteSize(text);
  assertSnapshotWalBytes(bytes);
  return bytes;
}

// Restore targets as a DBA gives them (packages/protocol's TRestoreTarget: a time, an LSN, a
// named restore point, or "latest") on a timeline, and their validation.

import type { TRestoreTarget } from "@tideline/protocol";
import { TidelineError } from "../errors";
import { formatTimestamp, parseTimestamp } from "../time/timestamp";

export type RestoreTarget = TRestoreTarget & {
  /** recovery_target_timeline; default: the newest timeline. */
  timeline?: number;
};

/**
 * Normalises a target time to ISO 8601 UTC ("2026-11-21T10:00:00Z"), which PostgreSQL's
 * recovery_target_time accepts as is. A time without a zone is refused with INVALID_TARGET.
 */
export function parseTargetTime(s: string): string {
  return formatTimestamp(parseTimestamp(s, "INVALID_TARGET"));
}

// pg_create_restore_point refuses names of 64 bytes or more (MAXFNAMELEN).
const MAX_RESTORE_POINT_NAME_BYTES = 63;

export function assertRestorePointName(name: string): void {
  if (typeof name !== "string" || name.length === 0) {
    throw new TidelineError("INVALID_TARGET", "the restore point name is empty");
  }
  if (new TextEncoder().encode(name).length > MAX_RESTORE_POINT_NAME_BYTES) {
    throw new TidelineError(
      "INVALID_TARGET",
      `restore point names are at most ${MAX_RESTORE_POINT_NAME_BYTES} bytes; ${JSON.stringify(name)} is longer`,
    );
  }
}

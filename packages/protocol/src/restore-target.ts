// The one vocabulary for "where to restore to", on every layer. A RestoreTarget is what a DBA
// asks for (console, CLI, API: a time with an explicit zone, an LSN, a restore point name made with
// pg_create_restore_point, or the latest WAL). A RecoveryTarget is what the planner decided a
// clone's recovery is told: the recovery_target_* settings, sent to the storage agent in clone,
// drill and disaster-recovery jobs. Times are checked and normalised by packages/core's codec
// (time/timestamp.ts); the API refines `time` with it, so a malformed time is a field error.
import { z } from "zod";

export const ZLsnText = z.string().regex(/^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/, "an LSN looks like 16/B374D848");

/** pg_create_restore_point refuses names of 64 bytes or more. */
export const ZRestorePointName = z.string().min(1).max(63);

export const ZRestoreTarget = z.discriminatedUnion("kind", [
  /** A moment, with an explicit zone ("2026-11-21 10:00:00+01", "2026-11-21T09:00:00.25Z"). */
  z.object({ kind: z.literal("time"), time: z.string().min(1).max(64) }),
  z.object({ kind: z.literal("lsn"), lsn: ZLsnText }),
  z.object({ kind: z.literal("name"), name: ZRestorePointName }),
  /** Everything archived: recovery replays to the end of the WAL. */
  z.object({ kind: z.literal("latest") }),
]);
export type TRestoreTarget = z.infer<typeof ZRestoreTarget>;
export type TRestoreTargetKind = TRestoreTarget["kind"];

/**
 * The recovery_target_* settings of a clone's recovery: at most one of time (ISO 8601 in UTC with
 * up to microseconds, as the planner wrote it), lsn and name; `latest` means none of them.
 */
export const ZRecoveryTarget = z
  .object({
    time: z.string().min(1).max(64).optional(),
    lsn: ZLsnText.optional(),
    name: ZRestorePointName.optional(),
    latest: z.literal(true).optional(),
  })
  .refine((t) => [t.time, t.lsn, t.name, t.latest].filter((x) => x !== undefined).length <= 1, "a recovery target names at most one of time, lsn, name and latest");
export type TRecoveryTarget = z.infer<typeof ZRecoveryTarget>;

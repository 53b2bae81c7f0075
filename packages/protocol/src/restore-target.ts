// The one vocabulary for "where to restore to", on every layer. A RestoreTarget is what a DBA
// asks for (console, CLI, API: a time with an explicit zone, an LSN, a transaction id, a restore
// point name made with pg_create_restore_point, a restore point itself, or the latest WAL; time,
// LSN and xid inclusive or exclusive). A RecoveryTarget is what the planner decided a
// clone's recovery is told: the recovery_target_* settings, sent to the storage agent in clone,
// drill and disaster-recovery jobs. Times are checked and normalised by packages/core's codec
// (time/timestamp.ts); the API refines `time` with it, so a malformed time is a field error.
import { z } from "zod";

export const ZLsnText = z
  .string()
  .regex(/^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/, "an LSN looks like 16/B374D848");

/**
 * A transaction id as PostgreSQL's recovery_target_xid takes it: a 32-bit xid, or a 64-bit one
 * qualified by its epoch (what pg_current_xact_id() returns), in decimal.
 */
export const ZXid = z
  .string()
  .regex(/^[0-9]{1,20}$/, "a transaction id is a decimal number, e.g. 1234 or 4294968530 (epoch-qualified)");

/** A 64-bit transaction id (epoch and xid), in decimal, as pg_current_xact_id() writes it. */
export const ZFullXid = z.string().regex(/^[0-9]{1,20}$/);

/** pg_create_restore_point refuses names of 64 bytes or more. */
export const ZRestorePointName = z.string().min(1).max(63);

/** Stop just before the target instead of just after it (recovery_target_inclusive = off). */
const exclusive = z.boolean().optional();

export const ZRestoreTarget = z.discriminatedUnion("kind", [
  /** A moment, with an explicit zone ("2026-11-21 10:00:00+01", "2026-11-21T09:00:00.25Z"). */
  z.object({ kind: z.literal("time"), time: z.string().min(1).max(64), exclusive }),
  z.object({ kind: z.literal("lsn"), lsn: ZLsnText, exclusive }),
  /** The commit (or abort) of a transaction. */
  z.object({ kind: z.literal("xid"), xid: ZXid, exclusive }),
  z.object({ kind: z.literal("name"), name: ZRestorePointName }),
  /** A restore point itself, consistent and nothing more: the one given, or the newest. */
  z.object({ kind: z.literal("immediate"), restorePointId: z.string().min(1).max(64).optional() }),
  /** Everything archived: recovery replays to the end of the WAL. */
  z.object({ kind: z.literal("latest") }),
]);
export type TRestoreTarget = z.infer<typeof ZRestoreTarget>;
export type TRestoreTargetKind = TRestoreTarget["kind"];

/**
 * The recovery_target_* settings of a clone's recovery: at most one of time (ISO 8601 in UTC with
 * up to microseconds, as the planner wrote it), lsn, xid, name and immediate (recovery_target =
 * 'immediate'); `latest` means none of them. `inclusive: false` is recovery_target_inclusive = off.
 */
export const ZRecoveryTarget = z
  .object({
    time: z.string().min(1).max(64).optional(),
    lsn: ZLsnText.optional(),
    xid: ZXid.optional(),
    name: ZRestorePointName.optional(),
    immediate: z.literal(true).optional(),
    latest: z.literal(true).optional(),
    inclusive: z.literal(false).optional(),
  })
  .refine(
    (t) => [t.time, t.lsn, t.xid, t.name, t.immediate, t.latest].filter((x) => x !== undefined).length <= 1,
    "a recovery target names at most one of time, lsn, xid, name, immediate and latest",
  );
export type TRecoveryTarget = z.infer<typeof ZRecoveryTarget>;

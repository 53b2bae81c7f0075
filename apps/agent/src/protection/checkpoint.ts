// An immediate checkpoint on the primary before a replica-mode restore point. A standby can only
// make a restartpoint at a checkpoint record it replayed, and a clone starts replay at that
// restartpoint's redo pointer: without a fresh checkpoint on the primary, every clone first
// re-replays all WAL since the primary's last (timed) checkpoint, up to checkpoint_timeout of it.
import { formatBytes, formatLsn, lsnDiffBytes, parseLsn } from "@tideline/core";
import type { TProblem } from "@tideline/protocol";
import { PsqlSession } from "../pg/session";
import type { ProtectedCluster } from "./config";

/**
 * May the connecting role run CHECKPOINT? Superusers may; from PostgreSQL 15 so may members of
 * pg_checkpoint (the CASE keeps pg_has_role from failing where that role does not exist).
 */
export const CAN_CHECKPOINT_EXPR = `(SELECT r.rolsuper OR CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pg_checkpoint')
         THEN pg_has_role(current_user, 'pg_checkpoint', 'member') ELSE false END FROM pg_roles r WHERE r.rolname = current_user)`;

export const CAN_CHECKPOINT_SQL = `SELECT ${CAN_CHECKPOINT_EXPR} AS can, quote_ident(current_user) AS role, current_setting('server_version_num')::int AS version`;

export type CheckpointRight = { can: boolean; role: string; version: number };

/** The problem (a warning: protection works, clones replay more) and its exact fix. */
export function checkpointProblem(r: CheckpointRight): TProblem {
  return {
    code: "CHECKPOINT_NOT_ALLOWED",
    severity: "warning",
    message: `role ${r.role} may not run CHECKPOINT on the primary, so restore points start replay at the primary's last timed checkpoint and clones re-replay up to checkpoint_timeout of WAL first`,
    fix:
      r.version >= 150000
        ? `GRANT pg_checkpoint TO ${r.role};`
        : `PostgreSQL ${Math.floor(r.version / 10000)} lets only superusers run CHECKPOINT: ALTER ROLE ${r.role} SUPERUSER; (or upgrade to PostgreSQL 15 and GRANT pg_checkpoint TO ${r.role};)`,
  };
}

const warned = new Set<string>();

/** A checkpoint whose record lies further than this after its redo pointer is followed by another. */
const SECOND_CHECKPOINT_ABOVE_BYTES = 256n * 1024n;
/**
 * At most this many back to back: on a busy host a checkpoint's fsyncs alone can take half a
 * second, and three in a row were seen leaving 1.2 MiB between redo and record under pgbench.
 */
const MAX_CHECKPOINTS = 5;

/**
 * CHECKPOINT on the primary, and the LSN the replica must have replayed past so that its next
 * restartpoint lands on that checkpoint record. Null when the role may not (said once per
 * cluster) or the primary does not answer: the restore point is still taken, with its real redo.
 */
export async function checkpointPrimary(
  c: ProtectedCluster,
  log: (m: string) => void,
): Promise<{ waitLsn: string; checkpointLsn: string | null } | null> {
  const session = new PsqlSession({ conninfo: c.primary.conninfo });
  let watcher: PsqlSession | null = null;
  try {
    const [right] = await session.rows<CheckpointRight>(CAN_CHECKPOINT_SQL);
    if (!right?.can) {
      if (right && !warned.has(c.cluster)) {
        warned.add(c.cluster);
        const p = checkpointProblem(right);
        log(`${p.code}: ${p.message}; fix: ${p.fix}`);
      }
      return null;
    }
    warned.delete(c.cluster);
    // pg_control_checkpoint() may be closed to non-superusers (the check must come first: a
    // function is checked for EXECUTE when the query starts, even where it would not run)
    const [{ control } = { control: false }] = await session.rows<{ control: boolean }>(
      "SELECT has_function_privilege('pg_control_checkpoint()', 'execute') AS control",
    );
    const started = performance.now();
    if (!control) {
      // the insert position after the checkpoint lies past its record: wait for that instead
      await session.exec("CHECKPOINT");
      const [at] = await session.rows<{ cur: string }>("SELECT pg_current_wal_insert_lsn()::text AS cur");
      setImmediate(() => log(`CHECKPOINT on the primary in ${Math.round(performance.now() - started)} ms`));
      return at ? { waitLsn: at.cur, checkpointLsn: null } : null;
    }
    // CHECKPOINT returns only after the checkpointer has also removed and preallocated WAL
    // segments, which under load takes long enough for the replica to replay far past the record.
    // The control file names the record as soon as it is written: watch it from a second session.
    watcher = new PsqlSession({ conninfo: c.primary.conninfo });
    const readControl = async () =>
      (
        await watcher!.rows<{ ckpt: string; redo: string }>(
          "SELECT checkpoint_lsn::text AS ckpt, redo_lsn::text AS redo FROM pg_control_checkpoint()",
        )
      )[0]!;
    let at = await readControl();
    let n = 0;
    for (;;) {
      const before = at.ckpt;
      let finished = false;
      const done = session.exec("CHECKPOINT").then(() => {
        finished = true;
      });
      done.catch(() => {});
      n++;
      for (;;) {
        at = await readControl();
        if (at.ckpt !== before) break;
        if (finished) {
          await done; // rethrows a failed CHECKPOINT
          at = await readControl();
          break;
        }
      }
      // The redo pointer is where the checkpoint began; the WAL written while it flushed the
      // dirty buffers lies between it and the record, and a clone replays it. After a long
      // flush, another checkpoint has little left to write: its redo lies next to its record.
      if (n >= MAX_CHECKPOINTS || lsnDiffBytes(at.ckpt, at.redo) <= SECOND_CHECKPOINT_ABOVE_BYTES) break;
      await done;
    }
    const said = `CHECKPOINT on the primary${n > 1 ? ` (${n} of them)` : ""}: record at ${at.ckpt} after ${Math.round(performance.now() - started)} ms, ${formatBytes(lsnDiffBytes(at.ckpt, at.redo))} after its redo ${at.redo}`;
    // said once the replica has paused: every millisecond from here is WAL a clone replays
    setImmediate(() => log(said));
    // replay has passed the checkpoint record once the replay LSN (the end of the last record
    // replayed) is beyond the record's start
    return { waitLsn: formatLsn(parseLsn(at.ckpt) + 1n), checkpointLsn: at.ckpt };
  } catch (err) {
    log(
      `could not checkpoint the primary (${(err as Error).message.slice(0, 300)}); the restore point starts replay at the replica's last restartpoint`,
    );
    return null;
  } finally {
    // not awaited: the replica is waiting to be paused right after the record (a CHECKPOINT
    // still finishing its clean-up finishes on its own)
    void session.close().catch(() => {});
    void watcher?.close().catch(() => {});
  }
}

// Recovering a copied data directory to a target: the settings DESIGN.md lists (marked block in
// postgresql.auto.conf, recovery.signal, backup_label for shared-storage points), starting it as
// the service user, and watching replay until it is promoted, paused, or fails with its log.
// Clones replay with settings tuned for speed (replayTuning), and the ones that must not outlive
// replay are taken back before the clone is handed over (endReplayTuning).
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  compareLsn,
  formatTimestampForPostgres,
  isTimestampParseable,
  lsnDiffBytes,
  parseTimestamp,
} from "@tideline/core";
import type { TCloneSpec } from "@tideline/protocol";
import { asServiceUser, chownToServiceUser, resolveServiceUser, stopCluster } from "@tideline/postgres";
import { psqlExec, psqlRows, sqlLiteral } from "../pg/psql";
import { PsqlSession } from "../pg/session";
import { ensureConfFiles, writeManagedBlock } from "../protection/postgres-conf";
import { restoreCommand } from "../protection/replica";
import { JobError } from "../jobs/job-context";

export interface RecoveryOptions {
  dataDir: string;
  socketDir: string;
  port: number;
  binDir: string;
  spec: TCloneSpec;
  helper: string;
  walDir: string;
  /** The cluster's WAL segment size, for padding a `.partial` served from the archive. */
  walSegmentSize?: number;
  logFile: string;
  action: "promote" | "pause";
  listen: string;
  /** A disposable clone: replay with replayTuning() (a disaster-recovery restore keeps its source's settings). */
  tuneReplay?: boolean;
  signal: AbortSignal;
  onProgress: (fraction: number, message?: string) => void;
  /**
   * Work to do once the server is out of recovery, in the session that watched it (no new psql
   * process per step): the hand-over of a clone (replay settings taken back, login created).
   */
  handOver?: (session: PsqlSession) => Promise<void>;
}

/** The file whose presence makes a recovery paused at its target promote (promote_trigger_file). */
export const PROMOTE_TRIGGER = "tideline.promote";

export async function prepareRecovery(o: RecoveryOptions): Promise<void> {
  const user = resolveServiceUser();
  for (const f of ["standby.signal", "postmaster.pid", "recovery.signal", "postmaster.opts"])
    await rm(path.join(o.dataDir, f), { force: true });
  await ensureConfFiles(o.dataDir);
  // the clone is ours: its own pg_hba, password logins from anywhere, the service user locally
  await writeFile(
    path.join(o.dataDir, "pg_hba.conf"),
    "local all all peer\nhost all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n",
  );
  await chownToServiceUser(path.join(o.dataDir, "pg_hba.conf"), user);
  if (o.spec.source.kind === "shared" && o.spec.source.backupLabel) {
    // a shared-storage point was taken between pg_backup_start and _stop: recovery must start
    // from the checkpoint its backup_label names, not from the crash-consistent pg_control
    await writeFile(path.join(o.dataDir, "backup_label"), o.spec.source.backupLabel);
    await chownToServiceUser(path.join(o.dataDir, "backup_label"), user);
    if (o.spec.source.tablespaceMap) {
      await writeFile(path.join(o.dataDir, "tablespace_map"), o.spec.source.tablespaceMap);
      await chownToServiceUser(path.join(o.dataDir, "tablespace_map"), user);
    }
  }
  await writeManagedBlock(o.dataDir, {
    ...recoverySettings(o),
    ...(o.tuneReplay ? replayTuning().duringReplay : {}),
  });
  const trigger = path.join(o.dataDir, PROMOTE_TRIGGER);
  if (triggeredPromotion(o)) await writeFile(trigger, "");
  else await rm(trigger, { force: true });
  await writeFile(path.join(o.dataDir, "recovery.signal"), "");
  await chownToServiceUser(path.join(o.dataDir, "recovery.signal"), user);
  await chownToServiceUser(o.socketDir, user);
}

type Settings = Record<string, string | number | boolean>;

/**
 * Replay tuning for a clone, measured step by step in bench/replay-tuning.ts (bench/README.md,
 * "Replay tuning"). Replay is one process applying WAL records to pages; what slows it is waiting
 * for pages it has to read and evicting dirty pages it has to write:
 * - recovery_prefetch=on with maintenance_io_concurrency=64 reads ahead the blocks upcoming
 *   records touch (little measured gain with warm caches, as PostgreSQL 15 already prefetches by
 *   default on Linux; kept for cold reads, it costs nothing);
 * - shared_buffers sized for replay keeps the pages the WAL touches in memory, so the startup
 *   process does not write dirty pages back to storage one by one to make room;
 * - checkpoint_timeout/max_wal_size large: no restartpoint (a full write-out and fsync of dirty
 *   buffers) in the middle of replay; the checkpoint after promotion writes them once.
 * fsync=off during replay was measured too and left out: with no restartpoints there is little
 * fsync to save, and where it did speed replay (btrfs) the full sync it needs before hand-over
 * took the gain back, while a crash before that sync would leave a corrupt clone.
 * Which persist after hand-over: shared_buffers (sized for the storage host, not the primary the
 * data directory was copied from, and PGC_POSTMASTER: resetting it would change the clone's memory
 * at its next restart only), recovery_prefetch and maintenance_io_concurrency (cheap, and the
 * latter helps the DBA's maintenance on the clone as well). checkpoint_timeout and max_wal_size go
 * back to the source's values (endReplayTuning): with them a DBA's writes would pile up WAL and make
 * a crash of the clone replay for a long time.
 */
export function replayTuning(totalMemoryBytes = os.totalmem()): {
  duringReplay: Settings;
  replayOnly: string[];
} {
  // a sixteenth of the host's memory, between 128 MB (PostgreSQL's default) and 1 GB: several
  // clones share the storage host, and shared memory is only backed once touched
  const mb = Math.max(128, Math.min(1024, Math.floor(totalMemoryBytes / 16 / 2 ** 20)));
  return {
    duringReplay: {
      recovery_prefetch: "on",
      maintenance_io_concurrency: 64,
      shared_buffers: `${mb}MB`,
      checkpoint_timeout: "1d",
      max_wal_size: "64GB",
    },
    replayOnly: ["checkpoint_timeout", "max_wal_size"],
  };
}

/**
 * After promotion, before the clone is handed over: the replay-only settings leave the managed
 * block and the server reloads (both are PGC_SIGHUP). The checkpoint that promotion requested
 * paces itself by the reloaded checkpoint_timeout from then on.
 */
export async function endReplayTuning(o: RecoveryOptions, session: PsqlSession): Promise<void> {
  // a promotion that did not go through the trigger (hot standby never became active) leaves it
  await rm(path.join(o.dataDir, PROMOTE_TRIGGER), { force: true });
  if (!o.tuneReplay) return;
  const { duringReplay, replayOnly } = replayTuning();
  const kept = Object.fromEntries(Object.entries(duringReplay).filter(([k]) => !replayOnly.includes(k)));
  await writeManagedBlock(o.dataDir, { ...recoverySettings(o), ...kept });
  await session.exec("SELECT pg_reload_conf()");
}

/**
 * A recovery that should promote at its target promotes through promote_trigger_file (PostgreSQL
 * 15 and older) when the file exists from the start. PostgreSQL pauses at the target
 * (recovery_target_action = pause, which keeps the fast-promotion path: an end-of-recovery record
 * and a checkpoint in the background instead of a synchronous one), checks for the trigger right
 * there and promotes at once. Calling pg_promote() on a paused server instead is noticed only when
 * the startup process's 1-second wait on the pause times out: 0.5 s on average, measured as
 * 1.2-1.4 s from pg_promote() to "ready to accept connections" in bench/README.md. During archive
 * recovery (recovery.signal, not standby.signal) PostgreSQL looks for the trigger only where it
 * pauses, so the file cannot end replay early. PostgreSQL 16 removed the setting: pg_promote() there.
 */
function triggeredPromotion(o: Pick<RecoveryOptions, "action" | "spec" | "dataDir">): boolean {
  return o.action === "promote" && hasTarget(o.spec) && pgMajor(o.dataDir) <= 15;
}

function pgMajor(dataDir: string): number {
  try {
    return Number.parseInt(readFileSync(path.join(dataDir, "PG_VERSION"), "utf8"), 10) || 99;
  } catch {
    return 99;
  }
}

function recoverySettings(o: RecoveryOptions): Settings {
  const t = o.spec.recoveryTarget;
  const settings: Settings = {
    port: o.port,
    listen_addresses: o.listen,
    unix_socket_directories: o.socketDir,
    primary_conninfo: "",
    primary_slot_name: "",
    archive_mode: "off",
    archive_command: "",
    logging_collector: false,
    shared_preload_libraries: "",
    hot_standby: true,
    password_encryption: "scram-sha-256",
    restore_command: restoreCommand(o.helper, o.walDir, o.walSegmentSize),
    recovery_target_timeline: String(o.spec.timeline),
    // a target reached with action "promote" ends recovery with a synchronous end-of-recovery
    // checkpoint (seconds on a big clone); pausing there and calling pg_promote() takes
    // PostgreSQL's fast-promotion path instead, which checkpoints in the background
    recovery_target_action: o.action === "promote" && hasTarget(o.spec) ? "pause" : o.action,
  };
  if (triggeredPromotion(o)) settings.promote_trigger_file = PROMOTE_TRIGGER;
  if (t.time) settings.recovery_target_time = pgTimestamp(t.time);
  else if (t.lsn) settings.recovery_target_lsn = t.lsn;
  else if (t.xid) settings.recovery_target_xid = t.xid;
  else if (t.name) settings.recovery_target_name = t.name;
  else if (t.immediate) settings.recovery_target = "immediate";
  if (t.inclusive === false) settings.recovery_target_inclusive = false;
  return settings;
}

/** Start the server and wait until recovery ended (promoted) or paused at the target. */
export async function runRecovery(
  o: RecoveryOptions,
): Promise<{ reachedLsn: string | null; reachedTime: string | null }> {
  const user = resolveServiceUser();
  if (!existsSync(o.logFile)) {
    await mkdir(path.dirname(o.logFile), { recursive: true });
    await writeFile(o.logFile, "");
    await chownToServiceUser(o.logFile, user);
  }
  startPostmaster(o.binDir, o.dataDir, o.logFile);
  const target = { port: o.port, host: o.socketDir, binDir: o.binDir };
  let startLsn: string | null = null;
  const expected = o.spec.expectedLsn ?? null;
  // Until the server reaches consistency it refuses connections: a fresh psql per try. From then
  // on one session polls every 25 ms, with no process start per poll (each costs 0.1-0.3 s on a
  // busy host), promotes in the same session where the trigger file does not (waiting for the
  // promotion to finish), and does the hand-over work in it.
  let session: PsqlSession | null = null;
  let reportedAt = 0;
  try {
    for (let i = 0; ; i++) {
      if (o.signal.aborted) throw new JobError("CANCELLED", "cancelled during recovery");
      const alive = existsSync(path.join(o.dataDir, "postmaster.pid"));
      if (!alive && i > 5) throw await recoveryFailure(o);
      let r: RecoveryState | undefined;
      try {
        [r] = session
          ? await session.rows<RecoveryState>(RECOVERY_STATE)
          : await psqlRows<RecoveryState>(target, RECOVERY_STATE, { timeoutMs: 5000 });
      } catch {
        // not accepting connections yet (still reaching consistency), or the session ended with the server
        await session?.close().catch(() => {});
        session = null;
      }
      if (r) {
        startLsn ??= r.lsn;
        if (!r.recovery || (o.action === "pause" && r.paused === "paused")) {
          if (!r.recovery && o.handOver) {
            o.onProgress(0.99, `out of recovery at ${r.lsn}; handing over`);
            await o.handOver((session ??= new PsqlSession(target)));
          }
          return { reachedLsn: r.lsn, reachedTime: r.t ? new Date(r.t).toISOString() : null };
        }
        session ??= new PsqlSession(target);
        if (o.action === "promote" && r.paused === "paused") {
          o.onProgress(0.99, `target reached at ${r.lsn}; promoting`);
          // fast promotion (no end-of-recovery checkpoint); returns once the server is out of recovery
          await session.exec("SELECT pg_promote(true, 300)");
          continue;
        }
        // progress at most every half second: each report is an event in the job's log
        if (
          r.lsn &&
          startLsn &&
          expected &&
          compareLsn(expected, startLsn) > 0 &&
          Date.now() - reportedAt >= 500
        ) {
          reportedAt = Date.now();
          const f = Number(lsnDiffBytes(r.lsn, startLsn)) / Number(lsnDiffBytes(expected, startLsn));
          o.onProgress(Math.max(0, Math.min(0.99, f)), `replayed to ${r.lsn}`);
        }
      }
      await sleep(session ? 25 : i < 50 ? 100 : 500);
    }
  } finally {
    await session?.close().catch(() => {});
  }
}

/**
 * The postmaster, started directly as the service user in its own session and left running (as
 * `pg_ctl start` leaves it, without pg_ctl's own `postgres -V` and two shells: 0.15 s against
 * 0.3-0.4 s from the call to "starting PostgreSQL" measured here). Its output goes to the log.
 */
function startPostmaster(binDir: string, dataDir: string, logFile: string): void {
  const out = openSync(logFile, "a");
  try {
    const child = spawn(path.join(binDir, "postgres"), ["-D", dataDir], {
      ...asServiceUser(resolveServiceUser()),
      detached: true,
      stdio: ["ignore", out, out],
    });
    // a failed exec is seen by runRecovery as a server that never wrote postmaster.pid
    child.on("error", () => {});
    child.unref();
  } finally {
    closeSync(out);
  }
}

interface RecoveryState {
  recovery: boolean;
  lsn: string | null;
  paused: string | null;
  t: string | null;
}

const RECOVERY_STATE =
  "SELECT pg_is_in_recovery() AS recovery, pg_last_wal_replay_lsn()::text AS lsn, CASE WHEN pg_is_in_recovery() THEN pg_get_wal_replay_pause_state() END AS paused, pg_last_xact_replay_timestamp() AS t";

/**
 * recovery_target_time in PostgreSQL's own notation (its check hook refuses ISO 8601's "T…Z"),
 * through core's one time codec: UTC, microseconds kept.
 */
export function pgTimestamp(time: string): string {
  if (!isTimestampParseable(time))
    throw new JobError("INVALID_TARGET", `cannot write ${time} as a recovery target time`);
  return formatTimestampForPostgres(parseTimestamp(time));
}

function hasTarget(spec: TCloneSpec): boolean {
  const t = spec.recoveryTarget;
  return Boolean(t.time || t.lsn || t.xid || t.name || t.immediate);
}

async function recoveryFailure(o: RecoveryOptions): Promise<JobError> {
  const log = existsSync(o.logFile) ? await readFile(o.logFile, "utf8") : "";
  const excerpt = log.trim().split("\n").slice(-12).join("\n");
  const code = /recovery ended before configured recovery target was reached/.test(log)
    ? "RECOVERY_TARGET_NOT_REACHED"
    : /recovery_target_name|restore point .* not found/i.test(log)
      ? "RECOVERY_TARGET_NOT_FOUND"
      : "RECOVERY_FAILED";
  return new JobError(code, `the clone's recovery failed; PostgreSQL said:\n${excerpt}`, { log: excerpt });
}

/**
 * The clone's own superuser login. The statement goes to psql on standard input (never on a
 * command line), in `session` when one is open; an error message never carries the password.
 */
export async function createCloneLogin(
  o: Pick<RecoveryOptions, "port" | "socketDir" | "binDir">,
  spec: Pick<TCloneSpec, "user" | "password">,
  session?: PsqlSession,
): Promise<void> {
  const t = { port: o.port, host: o.socketDir, binDir: o.binDir };
  const sql = `DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${sqlLiteral(spec.user)}) THEN
      EXECUTE format('ALTER ROLE %I LOGIN SUPERUSER PASSWORD %L', ${sqlLiteral(spec.user)}, ${sqlLiteral(spec.password)});
    ELSE
      EXECUTE format('CREATE ROLE %I LOGIN SUPERUSER PASSWORD %L', ${sqlLiteral(spec.user)}, ${sqlLiteral(spec.password)});
    END IF; END $$`;
  try {
    if (session) await session.exec(sql);
    else await psqlExec(t, sql, { secret: true });
  } catch (err) {
    const message = (err as Error).message.replaceAll(spec.password, "***");
    throw new JobError("CLONE_LOGIN_FAILED", `could not create the clone's login ${spec.user}: ${message}`);
  }
}

export async function stopServer(
  dataDir: string,
  binDir: string,
  mode: "fast" | "immediate" = "immediate",
): Promise<void> {
  if (existsSync(path.join(dataDir, "postmaster.pid")))
    await stopCluster({ pgdata: dataDir, binDir, user: resolveServiceUser() }, mode).catch(() => {});
}

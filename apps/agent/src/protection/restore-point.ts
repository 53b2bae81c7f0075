// Taking a restore point. Mode replica: an immediate checkpoint on the primary (where the role
// may), wait until the shadow replica has replayed that checkpoint record, pause replay there (so
// the snapshot holds one exact LSN), CHECKPOINT (a restartpoint at that record: a clone starts
// replay from its redo pointer, next to the restore point, not from an old checkpoint), snapshot,
// resume. Mode shared: pg_backup_start on the primary (a fast checkpoint; its start LSN is the
// redo pointer), snapshot its data dataset, pg_backup_stop in the same session, and keep the
// backup_label it returns.
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { formatBytes, lsnDiffBytes } from "@tideline/core";
import type { TRestorePointRecord } from "@tideline/protocol";
import { findBinDir } from "@tideline/postgres";
import { psqlExec, sqlLiteral } from "../pg/psql";
import { PsqlSession } from "../pg/session";
import type { StorageDriver } from "../storage";
import { checkpointPrimary } from "./checkpoint";
import type { ProtectedCluster } from "./config";
import { replicaTarget } from "./replica";

/** How long the replica may take to replay the primary's checkpoint record before we give up. */
const REPLAY_CHECKPOINT_TIMEOUT_S = Number(process.env.TIDELINE_REPLAY_CHECKPOINT_TIMEOUT_S ?? 120);

/** The same job retried after a lost lease finds its snapshot instead of taking a second one. */
export function snapshotNameFor(idempotencyKey: string, prefix = "rp"): string {
  return `${prefix}-${createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 16)}`;
}

function fromProps(dataset: string, snapshot: string, props: Record<string, string>, usedBytes: number, createdAt: Date, kind: TRestorePointRecord["kind"]): TRestorePointRecord {
  return {
    kind,
    lsn: props["tideline:lsn"] ?? "0/0",
    redoLsn: props["tideline:redo-lsn"] || null,
    timeline: Number(props["tideline:timeline"] ?? 1),
    dataTime: props["tideline:data-time"] || null,
    sizeBytes: usedBytes,
    dataset,
    snapshot,
    backupLabel: props["tideline:backup-label"] ? Buffer.from(props["tideline:backup-label"], "base64").toString("utf8") : null,
    tablespaceMap: null,
    createdAt: createdAt.toISOString(),
    nextXid: props["tideline:next-xid"] || null,
  };
}

async function existing(driver: StorageDriver, dataset: string, snapshot: string, kind: TRestorePointRecord["kind"]) {
  const found = (await driver.listSnapshots(dataset)).find((s) => s.name === snapshot);
  return found ? fromProps(dataset, snapshot, found.userProps, found.usedBytes, found.createdAt, kind) : null;
}

const coded = (code: string, message: string) => Object.assign(new Error(`${code}: ${message}`), { code });

export async function takeReplicaRestorePoint(c: ProtectedCluster, driver: StorageDriver, idempotencyKey: string, log: (m: string) => void): Promise<TRestorePointRecord> {
  const snapshot = snapshotNameFor(idempotencyKey);
  const again = await existing(driver, c.datasets.replica, snapshot, "snapshot");
  if (again) return again;
  const t = replicaTarget(c);
  // one session for wait, pause and facts, started before the primary's checkpoint: no process
  // start-up between "checkpoint written" and "paused", which is WAL a clone would replay for nothing
  const session = new PsqlSession(t);
  try {
    await session.exec("SELECT 1");
    const primary = await checkpointPrimary(c, log);
    // Wait for the checkpoint record to be replayed, then pause at once: replay goes on between a
    // check and the pause, and each millisecond of it is WAL every clone replays. Near the record
    // the wait spins inside the server and pauses in the same breath; it COMMITs each time round
    // so it never holds a snapshot that replay of cleanup records would have to wait for.
    const passed = primary ? `pg_last_wal_replay_lsn() >= ${sqlLiteral(primary.waitLsn)}::pg_lsn` : "true";
    const deadline = Date.now() + REPLAY_CHECKPOINT_TIMEOUT_S * 1000;
    for (;;) {
      const [w] = await session.rows<{ lsn: string | null; passed: boolean }>(`SELECT pg_last_wal_replay_lsn()::text AS lsn, ${passed} AS passed`);
      const behind = primary && w?.lsn && !w.passed ? Number(lsnDiffBytes(primary.waitLsn, w.lsn)) : 0;
      if (behind > 16 * 1024 * 1024) await sleep(20);
      else {
        await session.exec(`DO $tl$
          DECLARE until timestamptz := clock_timestamp() + interval '1 second';
          BEGIN
            WHILE NOT (${passed}) AND clock_timestamp() < until LOOP COMMIT; END LOOP;
            IF ${passed} THEN PERFORM pg_wal_replay_pause(); END IF;
          END $tl$`);
        const [p] = await session.rows<{ state: string }>("SELECT pg_get_wal_replay_pause_state() AS state");
        if (p?.state !== "not paused") break;
      }
      if (Date.now() > deadline) {
        throw coded("REPLICA_BEHIND_CHECKPOINT", `the shadow replica did not replay the primary's checkpoint at ${primary?.checkpointLsn ?? primary?.waitLsn} within ${REPLAY_CHECKPOINT_TIMEOUT_S} s (replay is at ${w?.lsn ?? "nothing"}); check its replication lag and log`);
      }
    }
    for (let i = 0; ; i++) {
      const [s] = await session.rows<{ state: string }>("SELECT pg_get_wal_replay_pause_state() AS state");
      if (s?.state === "paused") break;
      if (i > 2000) throw coded("REPLICA_NOT_PAUSED", `replay on the shadow replica did not pause (state: ${s?.state ?? "unknown"})`);
      await sleep(5);
    }
    await session.exec("CHECKPOINT");
    // next_xid: the first xid not complete here (xmax of a snapshot): any xid at or above it
    // commits after this point, so a clone from it can stop at that commit (recovery_target_xid)
    const [facts] = await session.rows<{ lsn: string; t: string | null; tli: number; ckpt: string; redo: string; next_xid: string | null }>(
      "SELECT pg_last_wal_replay_lsn()::text AS lsn, pg_last_xact_replay_timestamp() AS t, c.timeline_id AS tli, c.checkpoint_time AS ckpt, c.redo_lsn::text AS redo, pg_snapshot_xmax(pg_current_snapshot())::text AS next_xid FROM pg_control_checkpoint() c",
    );
    if (!facts?.lsn) throw coded("REPLICA_NOT_READY", "the replica reports no replay position; is it a running standby?");
    // no transaction replayed since the replica started: the restartpoint's time is the data's time
    const dataTime = new Date(facts.t ?? facts.ckpt).toISOString();
    const gap = Number(lsnDiffBytes(facts.lsn, facts.redo));
    log(`replay paused at ${facts.lsn}, redo at ${facts.redo} (${formatBytes(gap)} to replay before a clone is consistent; timeline ${facts.tli}, data time ${dataTime}); snapshot ${c.datasets.replica}@${snapshot}`);
    await driver.snapshot(c.datasets.replica, snapshot, {
      "tideline:cluster": c.cluster,
      "tideline:lsn": facts.lsn,
      "tideline:redo-lsn": facts.redo,
      "tideline:timeline": String(facts.tli),
      "tideline:data-time": dataTime,
      "tideline:kind": "snapshot",
      ...(facts.next_xid ? { "tideline:next-xid": facts.next_xid } : {}),
    });
  } finally {
    await session
      .exec("SELECT pg_wal_replay_resume()")
      .catch(() => psqlExec(t, "SELECT pg_wal_replay_resume()"))
      .catch((err: Error) => log(`could not resume replay: ${err.message}`));
    await session.close();
  }
  return (await existing(driver, c.datasets.replica, snapshot, "snapshot"))!;
}

export async function takeSharedRestorePoint(c: ProtectedCluster, driver: StorageDriver, idempotencyKey: string, log: (m: string) => void): Promise<TRestorePointRecord> {
  const dataset = c.sharedDataset!;
  const snapshot = snapshotNameFor(idempotencyKey);
  const again = await existing(driver, dataset, snapshot, "shared");
  if (again) return again;
  const session = new PsqlSession({ conninfo: c.primary.conninfo, binDir: findBinDir(c.primary.version ?? undefined) });
  try {
    const label = `tideline ${c.cluster} ${snapshot}`;
    const [start] = await session.rows<{ lsn: string }>(`SELECT pg_backup_start(${sqlLiteral(label)}, true)::text AS lsn`);
    // the start LSN is the redo pointer of the fast checkpoint pg_backup_start made (the
    // backup_label's START WAL LOCATION): where a clone's replay starts
    const redoLsn = start?.lsn ?? null;
    log(`pg_backup_start at ${redoLsn}; snapshot ${dataset}@${snapshot}`);
    await driver.snapshot(dataset, snapshot, { "tideline:cluster": c.cluster, "tideline:kind": "shared", ...(redoLsn ? { "tideline:redo-lsn": redoLsn } : {}) });
    const [stop] = await session.rows<{ lsn: string; labelfile: string; spcmapfile: string | null; tli: number; t: string; next_xid: string | null }>(
      "SELECT s.lsn::text AS lsn, s.labelfile, s.spcmapfile, (SELECT timeline_id FROM pg_control_checkpoint()) AS tli, clock_timestamp() AS t, pg_snapshot_xmax(pg_current_snapshot())::text AS next_xid FROM pg_backup_stop(true) s",
    );
    if (!stop) throw Object.assign(new Error("pg_backup_stop returned nothing"), { code: "BACKUP_STOP_FAILED" });
    const dataTime = new Date(stop.t).toISOString();
    await driver.setProperties(`${dataset}@${snapshot}`, {
      "tideline:lsn": stop.lsn,
      "tideline:timeline": String(stop.tli),
      "tideline:data-time": dataTime,
      "tideline:backup-label": Buffer.from(stop.labelfile).toString("base64"),
      ...(stop.next_xid ? { "tideline:next-xid": stop.next_xid } : {}),
    }).catch(() => {});
    const rec = (await existing(driver, dataset, snapshot, "shared"))!;
    return { ...rec, nextXid: stop.next_xid ?? null, lsn: stop.lsn, redoLsn: redoLsn ?? labelStartLsn(stop.labelfile), timeline: stop.tli, dataTime, backupLabel: stop.labelfile, tablespaceMap: stop.spcmapfile || null };
  } finally {
    await session.close();
  }
}

/** The redo pointer a backup_label names: `START WAL LOCATION: 0/2000028 (file …)`. */
export function labelStartLsn(label: string): string | null {
  return /^START WAL LOCATION: ([0-9A-F]+\/[0-9A-F]+)/m.exec(label)?.[1] ?? null;
}

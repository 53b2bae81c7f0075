// Taking a restore point. Mode replica: pause replay on the shadow replica (so the snapshot holds
// one exact LSN), CHECKPOINT (a restartpoint: a clone starts replay from here, not from an old
// checkpoint), snapshot, resume. Mode shared: pg_backup_start on the primary, snapshot its data
// dataset, pg_backup_stop in the same session, and keep the backup_label it returns.
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { TRestorePointRecord } from "@tideline/protocol";
import { findBinDir } from "@tideline/postgres";
import { psqlExec, psqlRows, sqlLiteral } from "../pg/psql";
import { PsqlSession } from "../pg/session";
import type { StorageDriver } from "../storage";
import type { ProtectedCluster } from "./config";
import { replicaTarget } from "./replica";

/** The same job retried after a lost lease finds its snapshot instead of taking a second one. */
export function snapshotNameFor(idempotencyKey: string, prefix = "rp"): string {
  return `${prefix}-${createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 16)}`;
}

function fromProps(dataset: string, snapshot: string, props: Record<string, string>, usedBytes: number, createdAt: Date, kind: TRestorePointRecord["kind"]): TRestorePointRecord {
  return {
    kind,
    lsn: props["tideline:lsn"] ?? "0/0",
    timeline: Number(props["tideline:timeline"] ?? 1),
    dataTime: props["tideline:data-time"] || null,
    sizeBytes: usedBytes,
    dataset,
    snapshot,
    backupLabel: props["tideline:backup-label"] ? Buffer.from(props["tideline:backup-label"], "base64").toString("utf8") : null,
    tablespaceMap: null,
    createdAt: createdAt.toISOString(),
  };
}

async function existing(driver: StorageDriver, dataset: string, snapshot: string, kind: TRestorePointRecord["kind"]) {
  const found = (await driver.listSnapshots(dataset)).find((s) => s.name === snapshot);
  return found ? fromProps(dataset, snapshot, found.userProps, found.usedBytes, found.createdAt, kind) : null;
}

export async function takeReplicaRestorePoint(c: ProtectedCluster, driver: StorageDriver, idempotencyKey: string, log: (m: string) => void): Promise<TRestorePointRecord> {
  const snapshot = snapshotNameFor(idempotencyKey);
  const again = await existing(driver, c.datasets.replica, snapshot, "snapshot");
  if (again) return again;
  const t = replicaTarget(c);
  await psqlExec(t, "SELECT pg_wal_replay_pause()");
  try {
    for (let i = 0; i < 100; i++) {
      const [s] = await psqlRows<{ state: string }>(t, "SELECT pg_get_wal_replay_pause_state() AS state");
      if (s?.state === "paused") break;
      await sleep(50);
    }
    await psqlExec(t, "CHECKPOINT");
    const [facts] = await psqlRows<{ lsn: string; t: string | null; tli: number; ckpt: string }>(
      t,
      "SELECT pg_last_wal_replay_lsn()::text AS lsn, pg_last_xact_replay_timestamp() AS t, (SELECT timeline_id FROM pg_control_checkpoint()) AS tli, (SELECT checkpoint_time FROM pg_control_checkpoint()) AS ckpt",
    );
    if (!facts?.lsn) throw Object.assign(new Error("the replica reports no replay position; is it a running standby?"), { code: "REPLICA_NOT_READY" });
    // no transaction replayed since the replica started: the restartpoint's time is the data's time
    const dataTime = new Date(facts.t ?? facts.ckpt).toISOString();
    log(`replay paused at ${facts.lsn} (timeline ${facts.tli}, data time ${dataTime}); snapshot ${c.datasets.replica}@${snapshot}`);
    await driver.snapshot(c.datasets.replica, snapshot, {
      "tideline:cluster": c.cluster,
      "tideline:lsn": facts.lsn,
      "tideline:timeline": String(facts.tli),
      "tideline:data-time": dataTime,
      "tideline:kind": "snapshot",
    });
  } finally {
    await psqlExec(t, "SELECT pg_wal_replay_resume()").catch((err: Error) => log(`could not resume replay: ${err.message}`));
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
    log(`pg_backup_start at ${start?.lsn}; snapshot ${dataset}@${snapshot}`);
    await driver.snapshot(dataset, snapshot, { "tideline:cluster": c.cluster, "tideline:kind": "shared" });
    const [stop] = await session.rows<{ lsn: string; labelfile: string; spcmapfile: string | null; tli: number; t: string }>(
      "SELECT s.lsn::text AS lsn, s.labelfile, s.spcmapfile, (SELECT timeline_id FROM pg_control_checkpoint()) AS tli, clock_timestamp() AS t FROM pg_backup_stop(true) s",
    );
    if (!stop) throw Object.assign(new Error("pg_backup_stop returned nothing"), { code: "BACKUP_STOP_FAILED" });
    const dataTime = new Date(stop.t).toISOString();
    await driver.setProperties(`${dataset}@${snapshot}`, {
      "tideline:lsn": stop.lsn,
      "tideline:timeline": String(stop.tli),
      "tideline:data-time": dataTime,
      "tideline:backup-label": Buffer.from(stop.labelfile).toString("base64"),
    }).catch(() => {});
    const rec = (await existing(driver, dataset, snapshot, "shared"))!;
    return { ...rec, lsn: stop.lsn, timeline: stop.tli, dataTime, backupLabel: stop.labelfile, tablespaceMap: stop.spcmapfile || null };
  } finally {
    await session.close();
  }
}

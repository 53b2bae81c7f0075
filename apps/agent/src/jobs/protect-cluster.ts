// cluster.protect: lay out the cluster's datasets, start WAL streaming, seed and start the shadow
// replica (mode replica) or find the cluster's own dataset (mode shared), and take the first
// restore point. Safe to re-run: every step checks what is already there.
import { existsSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { TJobPayload, TJobResult } from "@tideline/protocol";
import { chownToServiceUser, freePort, resolveServiceUser } from "@tideline/postgres";
import { psqlRows } from "../pg/psql";
import type { StorageDriver } from "../storage";
import { clusterDatasets, type ProtectedCluster, saveProtected, slotNames } from "../protection/config";
import { configureReplica, ensureReplicaRunning, replicaTarget, seedReplica } from "../protection/replica";
import { takeReplicaRestorePoint, takeSharedRestorePoint } from "../protection/restore-point";
import { JobError, type JobContext } from "./job-context";

export async function protectCluster(ctx: JobContext, p: TJobPayload<"cluster.protect">): Promise<TJobResult<"cluster.protect">> {
  const { protection } = ctx.agent;
  const driver = ctx.agent.storage(p.pool);
  const ds = clusterDatasets(driver.pool, p.cluster);
  const user = resolveServiceUser();
  // Only what the cluster itself says: everything else is inherited from POOL/tideline, where
  // `tideline storage set` puts the pool's compression, dedup and recordsize.
  const props: Record<string, string> = {};
  if (p.compression) props.compression = p.compression;
  if (p.dedup !== undefined) props.dedup = p.dedup ? "on" : "off";
  if (p.recordsize) props.recordsize = p.recordsize;

  ctx.progress(0.02, { message: `creating datasets under ${ds.root}` });
  // btrfs compresses (dedup off is all it knows); a directory pool has none of these.
  const rootProps = driver.kind === "zfs" ? props : driver.kind === "btrfs" && props.compression ? { compression: props.compression } : {};
  await driver.createDataset(ds.root, rootProps);
  for (const d of [ds.wal, ds.clones, ...(p.mode === "replica" ? [ds.replica] : [])]) await driver.createDataset(d);
  const walDir = await driver.mountpointOf(ds.wal);
  await chownToServiceUser(walDir, user);

  const [seg] = await psqlRows<{ size: string }>({ conninfo: p.primary.conninfo }, "SELECT setting AS size FROM pg_settings WHERE name = 'wal_segment_size'");
  const slots = slotNames(p.cluster);
  const existing = protection.byName(p.cluster);
  const c: ProtectedCluster = {
    ...p,
    datasets: ds,
    walDir,
    replicaDataDir: null,
    replicaPort: existing?.replicaPort ?? null,
    replicaSocketDir: null,
    slotWal: slots.wal,
    slotReplica: slots.replica,
    walSegmentSize: Number(seg?.size ?? 16 * 1024 * 1024),
    sharedPgdataSubpath: null,
  };

  if (p.mode === "replica") {
    const mount = await driver.mountpointOf(ds.replica);
    await chownToServiceUser(mount, user);
    c.replicaDataDir = path.join(mount, "data");
    c.replicaSocketDir = mount;
    c.replicaPort ??= await freePort();
  } else {
    const sharedDataset = p.sharedDataset ?? (await datasetHolding(driver, p.primary.pgdata));
    c.sharedDataset = sharedDataset;
    const mount = await driver.mountpointOf(sharedDataset);
    c.sharedPgdataSubpath = path.relative(mount, p.primary.pgdata);
  }

  // WAL first: from this moment every commit reaches the archive, whatever happens next
  ctx.progress(0.05, { message: `starting WAL streaming into ${ds.wal} (slot ${c.slotWal})` });
  await saveProtected(ctx.agent.dataDir, c);
  if (p.mode === "replica" && !existsSync(path.join(c.replicaDataDir!, "PG_VERSION"))) {
    await protection.track({ ...c, replicaDataDir: null }); // receiver only, until the replica exists
    ctx.log("info", `seeding the shadow replica with pg_basebackup into ${c.replicaDataDir}`);
    await seedReplica(
      c,
      (f, done, total) => ctx.progress(0.1 + f * 0.7, { bytesDone: done, bytesTotal: total }),
      ctx.signal,
    );
    await configureReplica(c, await protection.helper());
  }
  await protection.track(c);

  if (p.mode === "replica") {
    ctx.progress(0.85, { message: `shadow replica running on port ${c.replicaPort}; waiting for it to replay` });
    await ensureReplicaRunning(c, protection.logDir, await protection.helper());
    for (let i = 0; ; i++) {
      const [r] = await psqlRows<{ lsn: string | null }>(replicaTarget(c), "SELECT pg_last_wal_replay_lsn()::text AS lsn").catch(() => [{ lsn: null }]);
      if (r?.lsn) break;
      if (i > 600) throw new JobError("REPLICA_NOT_READY", "the shadow replica did not start replaying within 60 s; see its log in the agent's logs folder");
      await sleep(100);
    }
  }

  ctx.progress(0.92, { message: "taking the first restore point" });
  const log = (m: string) => ctx.log("info", m);
  const restorePoint = await ctx.agent.protection.oneRestorePointAtATime(c.cluster, () =>
    p.mode === "replica" ? takeReplicaRestorePoint(c, driver, `${ctx.idempotencyKey}:first`, log) : takeSharedRestorePoint(c, driver, `${ctx.idempotencyKey}:first`, log),
  );
  ctx.progress(1, { message: "protected" });
  return { datasets: { ...ds }, replicaPort: c.replicaPort, restorePoint };
}

/** Mode shared: the cluster's data directory must itself live on a dataset of this pool. */
async function datasetHolding(driver: StorageDriver, pgdata: string): Promise<string> {
  const holding = (await driver.listDatasets())
    .filter((d) => d.mountpoint && (pgdata === d.mountpoint || pgdata.startsWith(`${d.mountpoint}/`)))
    .sort((a, b) => b.mountpoint.length - a.mountpoint.length)[0];
  if (!holding) throw new JobError("SHARED_DATASET_REQUIRED", `mode shared needs ${pgdata} to live on a dataset of pool ${driver.pool}; none of its datasets holds it`);
  return holding.name;
}

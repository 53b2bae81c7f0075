// Mode shared: the cluster's data directory is itself a dataset of the storage pool (the seed's
// layout). Restore points bracket one `zfs snapshot` with pg_backup_start/stop and keep the
// backup_label, and a clone of such a point recovers with it.
import { rm } from "node:fs/promises";
import path from "node:path";
import { initCluster, makeTempDir, query, resolveServiceUser, startCluster, stopCluster, chownToServiceUser, freePort, type LocalCluster } from "@tideline/postgres";
import { type CoordinatorProc, type Proc, spawnAgent, spawnCoordinator, startInventory, type TestInventory, waitFor, waitForJob } from "@tideline/testkit";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPool, ensureZfs, type TestPool } from "../src/storage/testing";
import { ENV, exec } from "./fixture";

describe("mode shared: PGDATA on a dataset of the pool", () => {
  let inv: TestInventory;
  let coord: CoordinatorProc;
  let agent: Proc;
  let pool: TestPool;
  let cluster: LocalCluster;
  let socketDir: string;
  let agentDir: string;
  const api = () => inv.client(coord.url);

  beforeAll(async () => {
    expect(await ensureZfs()).toBe(true);
    pool = await createTestPool({ sizeMiB: 1024 });
    await exec("zfs", ["create", `${pool.name}/pgshared`]);
    const mount = path.join(pool.mountpoint, "pgshared");
    await chownToServiceUser(mount, resolveServiceUser());
    socketDir = await makeTempDir("tl-sock-");
    await chownToServiceUser(socketDir, resolveServiceUser());
    cluster = await initCluster({ pgdata: path.join(mount, "data"), port: await freePort(), socketDir, settings: { wal_level: "replica", max_wal_senders: 10, max_replication_slots: 10 } });
    await startCluster(cluster, { logFile: path.join(socketDir, "shared.log") });
    await query(cluster, "CREATE TABLE marks (id int primary key, t timestamptz NOT NULL DEFAULT clock_timestamp())");
    inv = await startInventory();
    coord = await spawnCoordinator({ databaseUrl: inv.databaseUrl, env: ENV });
    agentDir = await makeTempDir("tl-agent-");
    const { token } = await api().agents.createEnrollmentToken.mutate({});
    agent = spawnAgent({ wsUrl: coord.wsUrl, dataDir: agentDir, enrollToken: token, name: "storage1", roles: "database,storage", env: ENV });
    await waitFor("the pool", async () => (await api().storage.list.query()).some((p) => p.name === pool.name), 30_000);
  });

  afterAll(async () => {
    await agent?.kill("SIGTERM");
    await coord?.kill("SIGTERM");
    if (cluster) await stopCluster(cluster, "fast");
    await exec("pkill", ["-f", pool.mountpoint]).catch(() => {});
    await new Promise((r) => setTimeout(r, 500));
    await pool?.destroy();
    await inv?.destroy();
    await rm(agentDir, { recursive: true, force: true });
    await rm(socketDir, { recursive: true, force: true });
  });

  it("takes bracketed snapshots of the cluster's own dataset and stores their backup_label", async () => {
    await api().clusters.add.mutate({
      name: "seed",
      agent: "storage1",
      pgdata: cluster.pgdata,
      port: cluster.port,
      storage: `storage1/${pool.name}`,
      mode: "shared",
      sharedDataset: `${pool.name}/pgshared`,
      replicationConninfo: `host=${socketDir} port=${cluster.port} user=postgres`,
      snapshotEvery: "1h",
    });
    await waitFor("protected", async () => {
      const c = await api().clusters.get.query({ cluster: "seed" });
      if (c.state === "error") throw new Error(JSON.stringify(c.health));
      return c.state === "protected";
    }, 120_000, 250);
    const [rp] = await api().restorePoints.list.query({ cluster: "seed" });
    expect(rp).toMatchObject({ kind: "shared", dataset: `${pool.name}/pgshared`, hasBackupLabel: true });
    const label = await inv.pg.query<{ backup_label: string }>("SELECT backup_label FROM restore_points WHERE id = $1", [rp!.id]);
    expect(label[0]!.backup_label).toMatch(/START WAL LOCATION: .*\nCHECKPOINT LOCATION: /);
    expect(label[0]!.backup_label).toContain(`LABEL: tideline seed ${rp!.snapshot}`);
    // the backup_label's START WAL LOCATION (pg_backup_start's fast checkpoint) is where a clone's replay starts
    expect(label[0]!.backup_label).toContain(`START WAL LOCATION: ${rp!.redoLsn} `);
    const snaps = await exec("zfs", ["list", "-H", "-t", "snapshot", "-o", "name", "-r", `${pool.name}/pgshared`]);
    expect(snaps.stdout.trim()).toBe(`${pool.name}/pgshared@${rp!.snapshot}`);
  });

  it("restores a clone from a bracketed snapshot to a time between markers", async () => {
    const at: Date[] = [];
    for (const id of [1, 2]) {
      const [r] = await query<{ t: Date }>(cluster, "INSERT INTO marks (id) VALUES ($1) RETURNING t", [id]);
      at.push(r!.t);
      await new Promise((r) => setTimeout(r, 1000));
      if (id === 1) {
        const { jobId } = await api().restorePoints.create.mutate({ cluster: "seed" });
        expect((await waitForJob(api(), jobId)).state).toBe("succeeded");
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    await waitFor("window past marker 2", async () => {
      const w = await api().clusters.window.query({ cluster: "seed" });
      return w.timelines[0]?.to && new Date(w.timelines[0].to) >= at[1]!;
    }, 30_000, 250);
    const target = new Date(at[1]!.getTime() - 500).toISOString();
    const { cloneId, jobId } = await api().restore.create.mutate({ cluster: "seed", target: { kind: "time", time: target } });
    const job = await waitForJob(api(), jobId, undefined, 120_000);
    if (job.state !== "succeeded") throw new Error(`${job.error?.code}: ${job.error?.message}`);
    const clone = await api().clones.get.query({ id: cloneId });
    const client = new pg.Client({ connectionString: clone.connectionString! });
    await client.connect();
    const rows = (await client.query<{ id: number }>("SELECT id FROM marks ORDER BY id")).rows.map((r) => r.id);
    await client.end();
    expect(rows).toEqual([1]);
    await api().clones.destroy.mutate({ id: cloneId });
    await waitFor("destroyed", async () => (await api().clones.get.query({ id: cloneId })).state === "destroyed", 60_000, 250);
  });
});

// A protected cluster for restore tests: inventory, coordinator, one agent with both roles, a
// storage pool (zfs-fuse by default; a loop-mounted btrfs or the agent's directory pool on request,
// see testStorage), a primary with a `marks` table, all real processes.
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { asServiceUser, findBinDir, makeTempDir, resolveServiceUser, startTestCluster, type TestCluster } from "@tideline/postgres";
import { type CoordinatorProc, type Proc, spawnAgent, spawnCoordinator, startInventory, type TestInventory, waitFor } from "@tideline/testkit";
import { BtrfsDriver, DirectoryDriver, type StorageDriver, type StorageDriverKind, ZfsDriver } from "../src/storage";
import { createBtrfsTestPool, createTestPool, ensureZfs, type TestPool } from "../src/storage/testing";

export const exec = promisify(execFile);
export const ENV = { TIDELINE_STATUS_MS: "1000", TIDELINE_CLONE_ACTIVITY_MS: "1000", TIDELINE_SCHEDULER_MS: "500", TIDELINE_SWEEP_MS: "300", TIDELINE_ADVERTISE_HOST: "127.0.0.1" };

export interface Protected {
  inv: TestInventory;
  coord: CoordinatorProc;
  agent: Proc;
  agentDir: string;
  pool: TestPool;
  /** The same pool as the agent sees it, for checks on its datasets. */
  storage: StorageDriver;
  primary: TestCluster;
  api: () => ReturnType<TestInventory["client"]>;
  pgbench: (args: string[]) => Promise<unknown>;
  teardown: () => Promise<void>;
}

/** The storage the tests' protected clusters live on: `TIDELINE_TEST_STORAGE` (zfs, btrfs or directory), else `fallback`. */
export function testStorage(fallback: StorageDriverKind = "zfs"): StorageDriverKind {
  const kind = process.env.TIDELINE_TEST_STORAGE || fallback;
  if (kind !== "zfs" && kind !== "btrfs" && kind !== "directory") {
    throw new Error(`TIDELINE_TEST_STORAGE=${kind}: use zfs, btrfs or directory`);
  }
  return kind;
}

/** A throwaway pool of that kind (the directory pool lives in the agent's data folder), and its driver. */
export async function testPool(kind: StorageDriverKind, agentDir: string): Promise<{ pool: TestPool; storage: StorageDriver }> {
  if (kind === "zfs") {
    if (!(await ensureZfs())) throw new Error("zfs-fuse is not available");
    const pool = await createTestPool({ sizeMiB: 2048 });
    return { pool, storage: new ZfsDriver(pool.name) };
  }
  if (kind === "btrfs") {
    const pool = await createBtrfsTestPool({ sizeMiB: 2048 });
    return { pool, storage: new BtrfsDriver(pool.mountpoint, pool.name) };
  }
  // the pool every storage agent offers in its data folder (agent.ts DIRECTORY_POOL), gone with the folder
  const mountpoint = path.join(agentDir, "storage");
  return { pool: { name: "dir", mountpoint, destroy: async () => {} }, storage: new DirectoryDriver(mountpoint, "dir") };
}

export async function protectedCluster(name: string, opts: { storage?: StorageDriverKind } = {}): Promise<Protected> {
  const agentDir = await makeTempDir("tl-agent-");
  const { pool, storage } = await testPool(opts.storage ?? testStorage(), agentDir);
  const inv = await startInventory();
  const coord = await spawnCoordinator({ databaseUrl: inv.databaseUrl, env: ENV });
  const primary = await startTestCluster({ settings: { fsync: "on" } });
  await primary.query("CREATE TABLE marks (id int primary key, t timestamptz NOT NULL DEFAULT clock_timestamp())");
  const api = () => inv.client(coord.url);
  const { token } = await api().agents.createEnrollmentToken.mutate({});
  const agent = spawnAgent({ wsUrl: coord.wsUrl, dataDir: agentDir, enrollToken: token, name: "storage1", roles: "database,storage", env: ENV });
  await waitFor("the pool", async () => (await api().storage.list.query()).some((p) => p.name === pool.name), 30_000);
  await api().clusters.add.mutate({ name, agent: "storage1", pgdata: primary.pgdata, port: primary.port, storage: `storage1/${pool.name}`, replicationConninfo: `host=${primary.socketDir} port=${primary.port} user=postgres`, snapshotEvery: "1h" });
  await waitFor("protected", async () => {
    const c = await api().clusters.get.query({ cluster: name });
    if (c.state === "error") throw new Error(JSON.stringify(c.health));
    return c.state === "protected";
  }, 120_000, 250);
  const bin = findBinDir();
  const svc = asServiceUser(resolveServiceUser());
  const pgbench = (args: string[]) => exec(path.join(bin, "pgbench"), [...args, "-h", primary.socketDir, "-p", String(primary.port), "postgres"], svc);
  const p: Protected = {
    inv,
    coord,
    agent,
    agentDir,
    pool,
    storage,
    primary,
    api,
    pgbench,
    teardown: async () => {
      await p.agent.kill("SIGTERM"); // the test may have replaced the agent process
      await p.coord.kill("SIGTERM"); // the test may have replaced the coordinator too
      await primary.destroy();
      // clones and replicas are PostgreSQL servers under the pool: they must be down first
      await exec("pkill", ["-f", pool.mountpoint]).catch(() => {});
      await new Promise((r) => setTimeout(r, 500));
      await pool.destroy();
      await inv.destroy();
      await rm(agentDir, { recursive: true, force: true });
    },
  };
  return p;
}

// A protected cluster for restore tests: inventory, coordinator, one agent with both roles, a
// zfs-fuse pool, a primary with a `marks` table, all real processes.
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { asServiceUser, findBinDir, makeTempDir, resolveServiceUser, startTestCluster, type TestCluster } from "@tideline/postgres";
import { type CoordinatorProc, type Proc, spawnAgent, spawnCoordinator, startInventory, type TestInventory, waitFor } from "@tideline/testkit";
import { createTestPool, ensureZfs, type TestPool } from "../src/storage/testing";

export const exec = promisify(execFile);
export const ENV = { TIDELINE_STATUS_MS: "1000", TIDELINE_SCHEDULER_MS: "500", TIDELINE_SWEEP_MS: "300", TIDELINE_ADVERTISE_HOST: "127.0.0.1" };

export interface Protected {
  inv: TestInventory;
  coord: CoordinatorProc;
  agent: Proc;
  agentDir: string;
  pool: TestPool;
  primary: TestCluster;
  api: () => ReturnType<TestInventory["client"]>;
  pgbench: (args: string[]) => Promise<unknown>;
  teardown: () => Promise<void>;
}

export async function protectedCluster(name: string): Promise<Protected> {
  if (!(await ensureZfs())) throw new Error("zfs-fuse is not available");
  const pool = await createTestPool({ sizeMiB: 2048 });
  const inv = await startInventory();
  const coord = await spawnCoordinator({ databaseUrl: inv.databaseUrl, env: ENV });
  const primary = await startTestCluster({ settings: { fsync: "on" } });
  await primary.query("CREATE TABLE marks (id int primary key, t timestamptz NOT NULL DEFAULT clock_timestamp())");
  const agentDir = await makeTempDir("tl-agent-");
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
    primary,
    api,
    pgbench,
    teardown: async () => {
      await p.agent.kill("SIGTERM"); // the test may have replaced the agent process
      await coord.kill("SIGTERM");
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

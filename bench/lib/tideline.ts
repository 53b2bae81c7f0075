// The real Tideline stack for a benchmark, the way apps/agent/test/fixture.ts builds it: an
// inventory, a coordinator and one agent (roles database + storage) as separate processes, a
// zfs-fuse pool or a loop-mounted btrfs filesystem, and a primary protected in replica mode.
// Everything is registered for cleanup.
import { existsSync } from "node:fs";
import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { ApiClient } from "@tideline/client";
import { makeTempDir } from "@tideline/postgres";
import {
  type CoordinatorProc,
  type Proc,
  spawnAgent,
  spawnCoordinator,
  startInventory,
  type TestInventory,
  waitFor,
  waitForJob,
} from "@tideline/testkit";
import { createBtrfsPool } from "./btrfs";
import { type Cleanup, log } from "./cleanup";
import type { Primary } from "./pg";
import { createPool, type Pool, stopServersUnder } from "./zfs";

/** Product defaults, except the host a clone's connection string names. */
export const AGENT_ENV = { TIDELINE_ADVERTISE_HOST: "127.0.0.1" };

export interface Tideline {
  inv: TestInventory;
  coord: CoordinatorProc;
  agent: Proc;
  agentDir: string;
  pool: Pool;
  /** The pool's driver as the agent reports it (storage.list). */
  driver: string;
  api: () => ApiClient;
}

export type StorageKind = "zfs" | "btrfs";

export async function startTideline(
  cleanup: Cleanup,
  o: { poolGiB: number; storage?: StorageKind },
): Promise<Tideline> {
  const pool =
    o.storage === "btrfs" ? await createBtrfsPool(cleanup, o.poolGiB) : await createPool(cleanup, o.poolGiB);
  const inv = await startInventory();
  cleanup.add("stop the inventory", () => inv.destroy());
  const coord = await spawnCoordinator({ databaseUrl: inv.databaseUrl, env: AGENT_ENV });
  cleanup.add("stop the coordinator", () => coord.kill("SIGTERM"));
  const api = () => inv.client(coord.url);
  const agentDir = await makeTempDir("tideline-bench-agent-");
  cleanup.add("remove the agent's directory", () => rm(agentDir, { recursive: true, force: true }));
  const { token } = await api().agents.createEnrollmentToken.mutate({});
  const agent = spawnAgent({
    wsUrl: coord.wsUrl,
    dataDir: agentDir,
    enrollToken: token,
    name: "storage1",
    roles: "database,storage",
    env: AGENT_ENV,
  });
  cleanup.diagnose("coordinator output (last 30,000 characters)", () => coord.output().slice(-30_000));
  cleanup.diagnose("agent output (last 30,000 characters)", () => agent.output().slice(-30_000));
  cleanup.add("stop the agent, its WAL receivers and every server on the pool", async () => {
    await agent.kill("SIGTERM");
    await killRecordedReceivers(agentDir);
    await stopServersUnder(pool.mountpoint);
  });
  await waitFor(
    "the agent to report the pool",
    async () => {
      if (agent.proc.exitCode !== null) throw new Error(`agent exited: ${agent.output().slice(-2000)}`);
      return (await api().storage.list.query()).some((p) => p.name === pool.name);
    },
    60_000,
    250,
  );
  const driver = (await api().storage.list.query()).find((p) => p.name === pool.name)?.driver ?? "?";
  log(`tideline: coordinator ${coord.url}, agent storage1, pool ${pool.name} (driver ${driver})`);
  return { inv, coord, agent, agentDir, pool, driver, api };
}

/** pg_receivewal processes the agent recorded in its run dir, if the agent did not end them. */
async function killRecordedReceivers(agentDir: string): Promise<void> {
  const run = path.join(agentDir, "run");
  if (!existsSync(run)) return;
  for (const f of await readdir(run)) {
    if (!f.endsWith(".pid")) continue;
    const pid = Number(await readFile(path.join(run, f), "utf8").catch(() => ""));
    const cmd = pid > 0 ? await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "") : "";
    if (cmd.includes("pg_receivewal")) process.kill(pid, "SIGTERM");
  }
}

export async function protect(
  t: Tideline,
  primary: Primary,
  name: string,
  o: { recordsize?: string; snapshotEvery?: string; snapshotWal?: string; timeoutMs?: number } = {},
): Promise<number> {
  const started = performance.now();
  await t.api().clusters.add.mutate({
    name,
    agent: "storage1",
    pgdata: primary.pgdata,
    port: primary.port,
    storage: `storage1/${t.pool.name}`,
    replicationConninfo: `host=${primary.socketDir} port=${primary.port} user=postgres`,
    // restore points are taken by the benchmark, never by the schedule in the middle of a measurement
    snapshotEvery: o.snapshotEvery ?? "24h",
    ...(o.snapshotWal ? { snapshotWal: o.snapshotWal } : {}),
    ...(o.recordsize ? { recordsize: o.recordsize } : {}),
  });
  await waitFor(
    `cluster ${name} to be protected`,
    async () => {
      const c = await t.api().clusters.get.query({ cluster: name });
      if (c.state === "error") throw new Error(`protection failed: ${JSON.stringify(c.health)}`);
      return c.state === "protected";
    },
    o.timeoutMs ?? 60 * 60_000,
    500,
  );
  const seconds = (performance.now() - started) / 1000;
  log(
    `cluster ${name} protected in ${seconds.toFixed(0)} s (WAL streaming, shadow replica seeded, first restore point)`,
  );
  return seconds;
}

export interface RestorePointTaken {
  jobId: string;
  seconds: number;
  result: {
    lsn: string;
    dataset: string;
    snapshot: string;
    sizeBytes: number;
    dataTime: string | null;
    kind: string;
  };
}

export async function takeRestorePoint(
  t: Tideline,
  cluster: string,
  kind: "snapshot" | "base-backup" = "snapshot",
  timeoutMs = 60 * 60_000,
): Promise<RestorePointTaken> {
  const started = performance.now();
  const { jobId } = await t.api().restorePoints.create.mutate({ cluster, kind });
  const job = await waitForJob(t.api(), jobId, undefined, timeoutMs);
  const seconds = (performance.now() - started) / 1000;
  if (job.state !== "succeeded")
    throw new Error(`restore point (${kind}) job ${job.state}: ${JSON.stringify(job.error)}`);
  return { jobId, seconds, result: job.result as RestorePointTaken["result"] };
}

/** Waits until the recoverable window (the planner's truth) reaches at least this time. */
export async function waitWindowReaches(
  t: Tideline,
  cluster: string,
  time: Date,
  timeoutMs = 120_000,
): Promise<void> {
  await waitFor(
    `the recoverable window of ${cluster} to reach ${time.toISOString()}`,
    async () => {
      const w = await t.api().clusters.window.query({ cluster });
      const to = w.timelines.at(-1)?.to;
      return to ? new Date(to) >= time : false;
    },
    timeoutMs,
    250,
  );
}

/**
 * Destroys a clone through the API and waits for it. A destroy job that fails (the product gives
 * zfs-fuse ~3 s to let go of a clone's files) leaves the clone "destroying"; the benchmark then
 * goes on (the pool is destroyed at the end anyway) and returns the failure to be reported.
 */
export async function destroyClone(t: Tideline, cloneId: string): Promise<string | null> {
  const { jobId } = await t.api().clones.destroy.mutate({ id: cloneId });
  if (jobId) {
    const job = await waitForJob(t.api(), jobId, undefined, 180_000);
    if (job.state !== "succeeded")
      return `clone ${cloneId}: clone.destroy ${job.state}: ${job.error?.code} ${job.error?.message}`;
  }
  await waitFor(
    "the clone to be destroyed",
    async () => (await t.api().clones.get.query({ id: cloneId })).state === "destroyed",
    60_000,
    250,
  );
  return null;
}

// The fault storm: markers committed to the primary the whole time while, round after round, a
// part of Tideline is killed with SIGKILL — the storage agent, the coordinator, pg_receivewal,
// the shadow replica, the agent in the middle of creating a clone, the inventory PostgreSQL — with restore points and
// restores in between. After every round a clone at --latest holds every marker committed a few
// seconds before it was asked for; at the end every job is in a final state, no clone dataset or
// server is left over, the window has no gap, and nothing acknowledged is lost.
// FAULTS_ROUNDS sets the number of rounds (default 6: each kind of kill once; `pnpm test:faults`
// runs more).
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { startCluster } from "@tideline/postgres";
import { waitFor, waitForJob, spawnAgent, spawnCoordinator } from "@tideline/testkit";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { btrfsAvailable } from "../src/storage/testing";
import { ENV, exec, type Protected, protectedCluster, testStorage } from "./fixture";

const storage = testStorage((await btrfsAvailable()) ? "btrfs" : "zfs");
const ROUNDS = Number(process.env.FAULTS_ROUNDS ?? 6);
const KINDS = ["agent", "coordinator", "pg_receivewal", "replica", "agent-mid-clone", "inventory"] as const;
type Kind = (typeof KINDS)[number];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`fault storm (on ${storage}, ${ROUNDS} rounds)`, () => {
  let p: Protected;
  const acked: Array<{ id: number; at: number }> = [];
  let writing = true;
  let writer: Promise<void>;
  const counts = {
    rounds: 0,
    kills: {} as Record<Kind, number>,
    restoresVerified: 0,
    rowsChecked: 0,
    lost: 0,
    restorePoints: 0,
    midCloneJobs: { succeeded: 0, failed: 0 },
  };

  async function writeMarkers() {
    const c = new pg.Client({
      host: p.primary.socketDir,
      port: p.primary.port,
      user: "postgres",
      database: "postgres",
    });
    await c.connect();
    for (let id = 1; writing; id++) {
      await c.query("INSERT INTO marks (id) VALUES ($1)", [id]);
      acked.push({ id, at: Date.now() });
      await sleep(40);
    }
    await c.end();
  }

  async function restartAgent() {
    p.agent = spawnAgent({ dataDir: p.agentDir, env: ENV });
    await waitFor(
      "the agent back",
      async () => (await p.api().agents.list.query()).find((a) => a.name === "storage1" && a.connected),
      60_000,
      250,
    );
  }

  async function kill(kind: Kind) {
    counts.kills[kind] = (counts.kills[kind] ?? 0) + 1;
    switch (kind) {
      case "agent":
        await p.agent.kill("SIGKILL");
        await sleep(500);
        await restartAgent();
        return;
      case "coordinator": {
        const port = p.coord.port;
        await p.coord.kill("SIGKILL");
        await sleep(300);
        p.coord = await spawnCoordinator({
          databaseUrl: p.inv.databaseUrl,
          port,
          id: `coord-storm-${counts.rounds}`,
          env: ENV,
        });
        await waitFor(
          "the agent on the new coordinator",
          async () => (await p.api().agents.list.query()).find((a) => a.name === "storage1" && a.connected),
          60_000,
          250,
        );
        return;
      }
      case "pg_receivewal":
        await exec("pkill", ["-KILL", "-f", `pg_receivewal.*${p.pool.mountpoint}/tideline/storm/wal`]);
        return;
      case "replica":
        await exec("pkill", ["-KILL", "-f", `postgres -D ${p.pool.mountpoint}/tideline/storm/replica`]);
        return;
      case "inventory": {
        // the coordinator's own database: killed (no shutdown checkpoint), then started again
        const pid = Number(
          (await readFile(path.join(p.inv.pg.pgdata, "postmaster.pid"), "utf8")).split("\n")[0],
        );
        process.kill(pid, "SIGKILL");
        await waitFor("the inventory's postmaster gone", async () => !existsSync(`/proc/${pid}`), 10_000, 50);
        await rm(path.join(p.inv.pg.pgdata, "postmaster.pid"), { force: true });
        await sleep(1000);
        await startCluster(p.inv.pg);
        await waitFor(
          "the API back on its inventory",
          async () => (await p.api().agents.list.query()).find((a) => a.name === "storage1" && a.connected),
          60_000,
          500,
        );
        return;
      }
      case "agent-mid-clone": {
        const { jobId, cloneId } = await p
          .api()
          .restore.create.mutate({ cluster: "storm", target: { kind: "latest" } });
        await waitFor(
          "the clone job running",
          async () => (await p.api().jobs.get.query({ id: jobId })).state === "running",
          30_000,
          20,
        );
        await sleep(100);
        await p.agent.kill("SIGKILL");
        await restartAgent();
        const job = await waitForJob(p.api(), jobId, undefined, 120_000);
        counts.midCloneJobs[job.state === "succeeded" ? "succeeded" : "failed"]++;
        if (job.state === "succeeded") await p.api().clones.destroy.mutate({ id: cloneId });
        return;
      }
    }
  }

  /** A clone at --latest holds every marker acknowledged before `cutoff` and nothing never acknowledged. */
  async function verifyLatest(cutoff: number) {
    const wanted = acked.filter((m) => m.at <= cutoff).map((m) => m.id);
    await waitFor(
      "the archive to hold the markers before the cutoff",
      async () => {
        const to = (await p.api().clusters.window.query({ cluster: "storm" })).timelines.at(-1)?.to;
        return to && new Date(to).getTime() >= cutoff;
      },
      90_000,
      250,
    );
    const { cloneId, jobId } = await p
      .api()
      .restore.create.mutate({ cluster: "storm", target: { kind: "latest" } });
    const job = await waitForJob(p.api(), jobId, undefined, 120_000);
    expect(job.state, `${job.error?.code}: ${job.error?.message}`).toBe("succeeded");
    const clone = await p.api().clones.get.query({ id: cloneId });
    const c = new pg.Client({ connectionString: clone.connectionString! });
    await c.connect();
    const ids = new Set((await c.query<{ id: number }>("SELECT id FROM marks")).rows.map((r) => r.id));
    await c.end();
    const missing = wanted.filter((id) => !ids.has(id));
    counts.lost += missing.length;
    counts.rowsChecked += wanted.length;
    counts.restoresVerified++;
    expect(missing, `markers acknowledged before the cutoff and missing from the clone`).toEqual([]);
    await p.api().clones.destroy.mutate({ id: cloneId });
  }

  beforeAll(async () => {
    p = await protectedCluster("storm", { storage });
    writer = writeMarkers();
  }, 300_000);
  afterAll(async () => {
    writing = false;
    await writer?.catch(() => {});
    console.log(`fault storm: ${JSON.stringify(counts)}`);
    await p?.teardown();
  });

  it("keeps every acknowledged marker through rounds of SIGKILLs, with restores in between", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      counts.rounds++;
      await kill(KINDS[round % KINDS.length]!);
      // a restore point now and then, whatever just died
      if (round % 2 === 0) {
        const { jobId } = await p.api().restorePoints.create.mutate({ cluster: "storm" });
        if ((await waitForJob(p.api(), jobId, undefined, 120_000)).state === "succeeded")
          counts.restorePoints++;
      }
      await verifyLatest(Date.now() - 3_000);
    }
    writing = false;
    await writer;
    await verifyLatest(acked.at(-1)!.at);
    expect(counts.lost).toBe(0);
  });

  it("leaves every job final, no clone dataset or server behind, and no gap in the window", async () => {
    await waitFor(
      "every job final",
      async () => {
        const jobs = await p.api().jobs.list.query({ limit: 500 });
        return jobs.every((j) => ["succeeded", "failed", "cancelled"].includes(j.state));
      },
      120_000,
      500,
    );
    await waitFor(
      "every clone destroyed",
      async () => {
        const clones = await p.api().clones.list.query({});
        return clones.every((c) => c.state === "destroyed" || c.state === "failed");
      },
      120_000,
      500,
    );
    const datasets = (await p.storage.listDatasets(`${p.pool.name}/tideline/storm/clones`))
      .map((d) => d.name)
      .slice(1);
    expect(datasets).toEqual([]);
    const servers = (
      await exec("pgrep", ["-f", "-a", `postgres -D .*tideline/storm/clones/`]).catch(() => ({ stdout: "" }))
    ).stdout.trim();
    expect(servers).toBe("");
    const w = await p.api().clusters.window.query({ cluster: "storm" });
    expect(w.timelines.flatMap((t) => t.gaps)).toEqual([]);
  });
});

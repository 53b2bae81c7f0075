// Restore to time on real PostgreSQL, storage and agents: marker rows committed at known times
// across several restore points under pgbench load; each clone must hold exactly the markers
// committed at or before its target. Runs on a loop-mounted btrfs where this machine can make one
// (kernel-speed snapshots keep it short), else on zfs-fuse; TIDELINE_TEST_STORAGE=zfs|btrfs|directory
// picks one.
import { chmod, readdir, rm } from "node:fs/promises";
import path from "node:path";
import { errorCode } from "@tideline/client";
import { lsnDiffBytes } from "@tideline/core";
import { freePort, makeTempDir } from "@tideline/postgres";
import { waitFor, waitForJob } from "@tideline/testkit";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { btrfsAvailable } from "../src/storage/testing";
import { exec, type Protected, protectedCluster, testStorage } from "./fixture";

const storage = testStorage((await btrfsAvailable()) ? "btrfs" : "zfs");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function cloneMarks(connectionString: string): Promise<number[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query<{ id: number }>("SELECT id FROM marks ORDER BY id")).rows.map((r) => r.id);
  } finally {
    await client.end();
  }
}

describe(`restore to time (on ${storage})`, () => {
  let p: Protected;
  const at: Record<number, Date> = {};
  let lsnAfter3 = "";
  let bench: Promise<unknown>;

  async function mark(id: number) {
    const [r] = await p.primary.query<{ t: Date }>("INSERT INTO marks (id) VALUES ($1) RETURNING t", [id]);
    at[id] = r!.t;
  }
  async function restorePoint() {
    const { jobId } = await p.api().restorePoints.create.mutate({ cluster: "shop" });
    expect((await waitForJob(p.api(), jobId)).state).toBe("succeeded");
  }
  async function restoreAndRead(target: Parameters<ReturnType<Protected["api"]>["restore"]["create"]["mutate"]>[0]["target"], timeline?: number) {
    const { cloneId, jobId } = await p.api().restore.create.mutate({ cluster: "shop", target, timeline, ttl: "1h" });
    const job = await waitForJob(p.api(), jobId, undefined, 120_000);
    if (job.state !== "succeeded") throw new Error(`${job.error?.code}: ${job.error?.message}`);
    const clone = await p.api().clones.get.query({ id: cloneId });
    const marks = await cloneMarks(clone.connectionString!);
    await p.api().clones.destroy.mutate({ id: cloneId });
    return { marks, clone };
  }

  beforeAll(async () => {
    p = await protectedCluster("shop", { storage });
    await p.pgbench(["-i", "-s", "2"]);
    bench = p.pgbench(["-c", "2", "-T", "30", "-R", "300"]);
    await mark(1);
    await sleep(1000);
    await restorePoint(); // A
    await sleep(500);
    await mark(2);
    await sleep(1000);
    await mark(3);
    const [l] = await p.primary.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn");
    lsnAfter3 = l!.lsn;
    await p.primary.query("SELECT pg_create_restore_point('before-4')");
    await sleep(1000);
    await restorePoint(); // B
    await sleep(500);
    await mark(4);
    await sleep(1000);
    await mark(5);
    await bench;
    // the newest commits are only in the .partial segment: wait until the archive has them
    await waitFor("window to reach mark 5", async () => {
      const w = await p.api().clusters.window.query({ cluster: "shop" });
      const to = w.timelines.at(-1)?.to;
      return to && new Date(to) >= at[5]!;
    }, 30_000, 250);
  }, 300_000);
  afterAll(async () => p?.teardown());

  /** The clone datasets of the cluster, as the storage driver lists them. */
  const cloneDatasets = async () =>
    (await p.storage.listDatasets(`${p.pool.name}/tideline/shop/clones`)).map((d) => d.name).slice(1);
  const between = (a: number, b: number) => new Date((at[a]!.getTime() + at[b]!.getTime()) / 2).toISOString();

  it("shows the pool with its driver and mountpoint", async () => {
    const pool = (await p.api().storage.list.query()).find((x) => x.agent === "storage1" && x.name === p.pool.name);
    expect(pool).toMatchObject({ driver: storage, mountpoint: p.pool.mountpoint });
  });

  it("restores to times between markers, each clone holding exactly the earlier markers", async () => {
    for (const [k, expected] of [[1, [1]], [2, [1, 2]], [3, [1, 2, 3]], [4, [1, 2, 3, 4]]] as const) {
      const { marks, clone } = await restoreAndRead({ kind: "time", time: between(k, k + 1) });
      expect(marks).toEqual(expected);
      expect(clone.reachedTime!.getTime()).toBeLessThanOrEqual(new Date(between(k, k + 1)).getTime());
    }
  });

  it("restores into the newest seconds, still in the .partial segment", async () => {
    const walDir = path.join(p.pool.mountpoint, "tideline", "shop", "wal");
    expect((await readdir(walDir)).some((f) => f.endsWith(".partial"))).toBe(true);
    const { marks } = await restoreAndRead({ kind: "time", time: new Date(at[5]!.getTime() + 50).toISOString() });
    expect(marks).toEqual([1, 2, 3, 4, 5]);
    expect((await restoreAndRead({ kind: "latest" })).marks).toEqual([1, 2, 3, 4, 5]);
  });

  it("restores to an LSN and to a named restore point", async () => {
    expect((await restoreAndRead({ kind: "lsn", lsn: lsnAfter3 })).marks).toEqual([1, 2, 3]);
    expect((await restoreAndRead({ kind: "name", name: "before-4" })).marks).toEqual([1, 2, 3]);
  });

  it("plans from the restore point's redo pointer, with the start-up time learnt from the clones so far", async () => {
    const points = await p.api().restorePoints.list.query({ cluster: "shop" });
    // taken under pgbench: each point's replay starts within 1 MiB of it
    for (const rp of points) expect(Number(lsnDiffBytes(rp.lsn, rp.redoLsn!))).toBeLessThanOrEqual(1024 * 1024);
    const plan = await p.api().restore.plan.query({ cluster: "shop", target: { kind: "lsn", lsn: lsnAfter3 } });
    const from = points.find((rp) => rp.id === plan.restorePointId)!;
    expect(plan.redoLsn).toBe(from.redoLsn);
    expect(plan.replayBytes).toBe(Number(lsnDiffBytes(lsnAfter3, from.redoLsn!)));
    expect(plan.replayBytesUpperBound).toBe(false);
    // every clone above taught the pool's start-up time; those with 16 MiB or more to replay its rate
    expect(plan.estimate.startSeconds).not.toBe(2);
    if (!plan.estimate.measured) expect(plan.estimate.bytesPerSecond).toBe(50 * 1024 * 1024);
    console.log(`plan: ${plan.summary}`);
    expect(plan.estimatedSeconds).toBeCloseTo(plan.estimate.startSeconds + plan.replayBytes / plan.estimate.bytesPerSecond, 1);
    // the CLI's dry run says the same
    const { stdout } = await exec("pnpm", ["-s", "tideline", "restore", "shop", "--lsn", lsnAfter3, "--dry-run", "--json"], { env: { ...process.env, TIDELINE_URL: p.coord.url, TIDELINE_TOKEN: p.inv.adminToken } });
    expect(JSON.parse(stdout)).toMatchObject({ replayBytes: plan.replayBytes, estimatedSeconds: plan.estimatedSeconds, estimate: plan.estimate });
  });

  it("refuses bad targets with the planner's code, and creates nothing", async () => {
    const before = (await p.api().clones.list.query({ includeDestroyed: true })).length;
    const refuse = async (target: Parameters<ReturnType<Protected["api"]>["restore"]["plan"]["query"]>[0]["target"], code: string) => {
      await expect(p.api().restore.create.mutate({ cluster: "shop", target })).rejects.toSatisfy((e) => errorCode(e) === code);
      await expect(p.api().restore.plan.query({ cluster: "shop", target })).rejects.toSatisfy((e) => errorCode(e) === code);
    };
    await refuse({ kind: "time", time: "2001-01-01T00:00:00Z" }, "TARGET_OUTSIDE_WINDOW");
    await refuse({ kind: "time", time: new Date(Date.now() + 3600_000).toISOString() }, "TARGET_IN_FUTURE");
    await refuse({ kind: "name", name: "no-such-point" }, "UNKNOWN_RESTORE_POINT_NAME");
    await refuse({ kind: "time", time: "yesterday at noon" }, "INVALID_TARGET");
    // a malformed time is a field error on target.time, before any planning
    const bad = await p.api().restore.plan.query({ cluster: "shop", target: { kind: "time", time: "2026-11-21 10:00" } }).catch((e: unknown) => e);
    expect(errorCode(bad)).toBe("INVALID_TARGET");
    expect((bad as { data?: { zodError?: { fieldErrors?: Record<string, string[]> } } }).data?.zodError?.fieldErrors?.target?.[0]).toMatch(/explicit zone/);
    expect((await p.api().clones.list.query({ includeDestroyed: true })).length).toBe(before);
  });

  it("cleans up a clone whose recovery fails: log excerpt in the job, no dataset, no server", async () => {
    const walDir = path.join(p.pool.mountpoint, "tideline", "shop", "wal");
    // the archive becomes unreadable for the service user (its owner): recovery cannot reach the target
    await chmod(walDir, 0o000);
    await p.primary.query("SELECT 1"); // keep the window as it is
    try {
      const { cloneId, jobId } = await p.api().restore.create.mutate({ cluster: "shop", target: { kind: "time", time: between(4, 5) } });
      const job = await waitForJob(p.api(), jobId, undefined, 120_000);
      expect(job.state).toBe("failed");
      expect(job.error?.code).toMatch(/RECOVERY_/);
      expect(job.error?.message).toContain("PostgreSQL said");
      const clone = await p.api().clones.get.query({ id: cloneId });
      expect(clone.state).toBe("failed");
      expect(await cloneDatasets()).toEqual([]);
    } finally {
      await chmod(walDir, 0o755);
    }
  });

  it("destroys a clone when its TTL expires, unless it is protected", async () => {
    const a = await p.api().restore.create.mutate({ cluster: "shop", target: { kind: "latest" }, ttl: "1h" });
    const b = await p.api().restore.create.mutate({ cluster: "shop", target: { kind: "latest" }, ttl: "1h" });
    await waitForJob(p.api(), a.jobId, undefined, 120_000);
    await waitForJob(p.api(), b.jobId, undefined, 120_000);
    await p.api().clones.protect.mutate({ id: b.cloneId, protected: true });
    await expect(p.api().clones.destroy.mutate({ id: b.cloneId })).rejects.toSatisfy((e) => errorCode(e) === "CLONE_PROTECTED");
    // the clock moves on: both clones are past their TTL
    await p.inv.pg.query("UPDATE clones SET expires_at = now() - interval '1 minute' WHERE id = ANY($1)", [[a.cloneId, b.cloneId]]);
    await waitFor("expired clone destroyed", async () => (await p.api().clones.get.query({ id: a.cloneId })).state === "destroyed", 60_000, 250);
    expect((await p.api().clones.get.query({ id: b.cloneId })).state).toBe("ready");
    await p.api().clones.protect.mutate({ id: b.cloneId, protected: false });
    await p.api().clones.destroy.mutate({ id: b.cloneId });
    await waitFor("destroyed", async () => (await p.api().clones.get.query({ id: b.cloneId })).state === "destroyed", 60_000, 250);
  });

  it("runs a drill that passes, and one made to fail by a wrong expected result", async () => {
    await p.api().drills.configure.mutate({ cluster: "shop", schedule: null, sql: "SELECT count(*) FROM marks", expected: "3", amcheck: true });
    // a drill recovers exactly to its restore point: the newest (B) was taken after marker 3
    const ok = await p.api().drills.run.mutate({ cluster: "shop" });
    const okJob = await waitForJob(p.api(), ok.jobId, undefined, 180_000);
    expect((okJob.result as { passed: boolean; checks: Array<{ name: string; passed: boolean }> }).checks.map((c) => [c.name, c.passed])).toEqual([["ready", true], ["connect", true], ["pg_amcheck", true], ["sql", true]]);
    await p.api().drills.configure.mutate({ cluster: "shop", schedule: null, sql: "SELECT count(*) FROM marks", expected: "42", amcheck: false });
    const bad = await p.api().drills.run.mutate({ cluster: "shop" });
    const badJob = await waitForJob(p.api(), bad.jobId, undefined, 180_000);
    const r = badJob.result as { passed: boolean; checks: Array<{ name: string; passed: boolean; detail: string }> };
    expect(r.passed).toBe(false);
    expect(r.checks.find((c) => c.name === "sql")?.detail).toContain(`expected "42", got "3"`);
    const drills = await p.api().drills.list.query({ cluster: "shop" });
    expect(drills.map((d) => d.passed)).toEqual([false, true]);
    const c = await p.api().clusters.get.query({ cluster: "shop" });
    expect((c.health as { lastDrill: { passed: boolean } }).lastDrill.passed).toBe(false);
    // no drill clone (ids starting with "d") is left behind
    expect((await cloneDatasets()).filter((n) => /\/clones\/d[0-9a-f]+$/.test(n))).toEqual([]);
  });

  it("leaves no orphan dataset or server when the agent is killed mid-clone", async () => {
    const { exec, ENV } = await import("./fixture");
    const { spawnAgent } = await import("@tideline/testkit");
    const { cloneId, jobId } = await p.api().restore.create.mutate({ cluster: "shop", target: { kind: "time", time: between(3, 4) } });
    await waitFor("clone job running", async () => (await p.api().jobs.get.query({ id: jobId })).state === "running", 30_000, 20);
    await sleep(150);
    await p.agent.kill("SIGKILL");
    p.agent = spawnAgent({ dataDir: p.agentDir, env: ENV });
    const job = await waitForJob(p.api(), jobId, undefined, 120_000);
    const clones = await cloneDatasets();
    const servers = (await exec("pgrep", ["-f", "-a", `postgres -D .*tideline/shop/clones/`]).catch(() => ({ stdout: "" }))).stdout.trim().split("\n").filter(Boolean);
    if (job.state === "succeeded") {
      // resumed: exactly the one clone, with exactly one server
      expect(clones).toEqual([`${p.pool.name}/tideline/shop/clones/${cloneId}`]);
      expect(servers).toHaveLength(1);
      expect(await cloneMarks((await p.api().clones.get.query({ id: cloneId })).connectionString!)).toEqual([1, 2, 3]);
      await p.api().clones.destroy.mutate({ id: cloneId });
      await waitFor("destroyed", async () => (await p.api().clones.get.query({ id: cloneId })).state === "destroyed", 60_000, 250);
    } else {
      expect(clones).toEqual([]);
      expect(servers).toEqual([]);
      expect((await p.api().clones.get.query({ id: cloneId })).state).toBe("failed");
    }
  });

  it("restores a disaster-recovery copy into an empty directory", async () => {
    const dir = await makeTempDir("tl-dr-");
    const port = await freePort();
    try {
      const r = await p.api().restore.disasterRecovery.mutate({ cluster: "shop", target: { kind: "time", time: between(3, 4) }, agent: "storage1", targetDir: path.join(dir, "data"), port, action: "promote" });
      const job = await waitForJob(p.api(), r.jobId, undefined, 180_000);
      if (job.state !== "succeeded") throw new Error(`${job.error?.code}: ${job.error?.message}`);
      expect(await cloneMarks(`postgresql://${r.user}:${encodeURIComponent(r.password)}@127.0.0.1:${port}/postgres`)).toEqual([1, 2, 3]);
      expect(job.events.some((e) => e.type === "progress")).toBe(true);
    } finally {
      await import("./fixture").then((f) => f.exec("pkill", ["-f", dir])).catch(() => {});
      await sleep(500);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("restores on both sides of a timeline fork after the source is promoted", async () => {
    // the primary goes through archive recovery from Tideline's own archive and comes back on a new timeline
    const { exec } = await import("./fixture");
    await p.primary.stop();
    const { writeFile, appendFile } = await import("node:fs/promises");
    const helper = path.join(p.agentDir, "bin", "tideline-restore-wal");
    const walDir = path.join(p.pool.mountpoint, "tideline", "shop", "wal");
    await appendFile(path.join(p.primary.pgdata, "postgresql.auto.conf"), `restore_command = '${helper} %f %p ${walDir}'\n`);
    await writeFile(path.join(p.primary.pgdata, "recovery.signal"), "");
    await exec("chown", ["postgres", path.join(p.primary.pgdata, "recovery.signal")]);
    const { startCluster } = await import("@tideline/postgres");
    await startCluster(p.primary, { logFile: path.join(p.primary.dir, "primary-2.log") });
    await waitFor("promoted", async () => (await p.primary.query<{ r: boolean }>("SELECT pg_is_in_recovery() AS r"))[0]?.r === false, 60_000, 250);
    const [tl] = await p.primary.query<{ tli: number }>("SELECT timeline_id AS tli FROM pg_control_checkpoint()");
    await p.primary.query("CHECKPOINT");
    expect(tl!.tli).toBeGreaterThan(1);
    await sleep(1000);
    await mark(6);
    await sleep(1000);
    await mark(7);
    await p.primary.query("SELECT pg_switch_wal()");
    await restorePoint(); // on the new timeline
    await sleep(500);
    await mark(8);
    await waitFor("window on the new timeline to reach mark 8", async () => {
      const w = await p.api().clusters.window.query({ cluster: "shop" });
      const newest = w.timelines.find((t) => t.timeline === Math.max(...w.timelines.map((x) => x.timeline)));
      return newest?.to && new Date(newest.to) >= at[8]!;
    }, 60_000, 250);
    const w = await p.api().clusters.window.query({ cluster: "shop" });
    expect(w.forks.length).toBeGreaterThanOrEqual(1);
    // after the fork, on the new timeline
    expect((await restoreAndRead({ kind: "time", time: between(6, 7) })).marks).toEqual([1, 2, 3, 4, 5, 6]);
    // before the fork, reached through the new timeline's history
    expect((await restoreAndRead({ kind: "time", time: between(2, 3) })).marks).toEqual([1, 2]);
    // and explicitly on the old timeline
    expect((await restoreAndRead({ kind: "time", time: between(3, 4) }, 1)).marks).toEqual([1, 2, 3]);
  });
});

// Protecting a real cluster: WAL streamed by pg_receivewal into a storage pool (zfs-fuse unless
// TIDELINE_TEST_STORAGE says btrfs or directory), a shadow replica, restore points on a schedule
// under pgbench load, a killed receiver, the window read from WAL.
import { execFile } from "node:child_process";
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { compareLsn, lsnDiffBytes } from "@tideline/core";
import { findBinDir, resolveServiceUser, asServiceUser, startTestCluster, type TestCluster, makeTempDir } from "@tideline/postgres";
import { type CoordinatorProc, type Proc, spawnAgent, spawnCoordinator, startInventory, type TestInventory, waitFor, waitForJob } from "@tideline/testkit";
import { errorCode } from "@tideline/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StorageDriver } from "../src/storage";
import type { TestPool } from "../src/storage/testing";
import { testPool, testStorage } from "./fixture";

const exec = promisify(execFile);
const ENV = { TIDELINE_STATUS_MS: "1000", TIDELINE_SCHEDULER_MS: "500", TIDELINE_SWEEP_MS: "300" };

const storageKind = testStorage();

describe(`protecting a cluster on a ${storageKind} pool`, () => {
  let inv: TestInventory;
  let coord: CoordinatorProc;
  let agent: Proc;
  let pool: TestPool;
  /** The pool as the agent's driver sees it: datasets, snapshots and their properties. */
  let storage: StorageDriver;
  let primary: TestCluster;
  let agentDir: string;
  const api = () => inv.client(coord.url);
  const replicaSnapshots = () => storage.listSnapshots(`${pool.name}/tideline/main/replica`);

  beforeAll(async () => {
    agentDir = await makeTempDir("tl-agent-");
    ({ pool, storage } = await testPool(storageKind, agentDir));
    inv = await startInventory();
    coord = await spawnCoordinator({ databaseUrl: inv.databaseUrl, env: ENV });
    primary = await startTestCluster({ settings: { fsync: "on", synchronous_commit: "on" } });
    const { token } = await api().agents.createEnrollmentToken.mutate({});
    agent = spawnAgent({ wsUrl: coord.wsUrl, dataDir: agentDir, enrollToken: token, name: "storage1", roles: "database,storage", env: ENV });
    await waitFor("agent with the pool", async () => (await api().storage.list.query()).some((p) => p.name === pool.name), 30_000);
  });

  afterAll(async () => {
    await agent?.kill("SIGTERM");
    await coord?.kill("SIGTERM");
    await primary?.destroy();
    // the replica (a PostgreSQL server under the pool) must be down before the pool can go
    await exec("pkill", ["-f", `${pool?.mountpoint}`]).catch(() => {});
    await pool?.destroy();
    await inv?.destroy();
    await rm(agentDir, { recursive: true, force: true });
  });

  it("refuses a cluster without wal_level=replica, naming the setting to change", async () => {
    const minimal = await startTestCluster({ settings: { wal_level: "minimal", max_wal_senders: 0 } });
    try {
      const { jobId } = await api().clusters.add.mutate({ name: "minimal", agent: "storage1", pgdata: minimal.pgdata, port: minimal.port, storage: `storage1/${pool.name}`, replicationConninfo: `host=${minimal.socketDir} port=${minimal.port} user=postgres` });
      const job = await waitForJob(api(), jobId);
      expect(job.state).toBe("failed");
      expect(job.error?.code).toBe("CLUSTER_CHECK_FAILED");
      expect(job.error?.message).toContain("wal_level = 'replica'");
      expect(job.error?.message).toContain("MAX_WAL_SENDERS");
      const c = await api().clusters.get.query({ cluster: "minimal" });
      expect(c.state).toBe("error");
    } finally {
      await minimal.destroy();
    }
  });

  it("protects a cluster: datasets, WAL streaming, shadow replica, first restore point", async () => {
    await primary.query("CREATE TABLE marks (id int primary key, t timestamptz default clock_timestamp())");
    const { clusterId } = await api().clusters.add.mutate({
      name: "main",
      agent: "storage1",
      pgdata: primary.pgdata,
      port: primary.port,
      storage: `storage1/${pool.name}`,
      replicationConninfo: `host=${primary.socketDir} port=${primary.port} user=postgres`,
      snapshotEvery: "1h",
    });
    await waitFor("cluster protected", async () => {
      const c = await api().clusters.get.query({ cluster: clusterId });
      if (c.state === "error") throw new Error(JSON.stringify(c.health));
      return c.state === "protected";
    }, 120_000, 250);
    const datasets = (await storage.listDatasets(`${pool.name}/tideline/main`)).map((d) => d.name);
    expect(datasets.sort()).toEqual([`${pool.name}/tideline/main`, `${pool.name}/tideline/main/clones`, `${pool.name}/tideline/main/replica`, `${pool.name}/tideline/main/wal`].sort());
    const rps = await api().restorePoints.list.query({ cluster: "main" });
    expect(rps).toHaveLength(1);
    const snapshot = (await replicaSnapshots()).find((s) => s.name === rps[0]!.snapshot);
    expect(snapshot?.userProps).toMatchObject({ "tideline:lsn": rps[0]!.lsn, "tideline:cluster": "main" });
  });

  it("gets every committed row into the WAL archive within seconds, under pgbench load", async () => {
    const bin = findBinDir();
    const svc = asServiceUser(resolveServiceUser());
    await exec(path.join(bin, "pgbench"), ["-i", "-s", "2", "-h", primary.socketDir, "-p", String(primary.port), "postgres"], svc);
    const bench = exec(path.join(bin, "pgbench"), ["-c", "2", "-T", "8", "-h", primary.socketDir, "-p", String(primary.port), "postgres"], svc);
    for (let i = 1; i <= 5; i++) {
      await primary.query("INSERT INTO marks (id) VALUES ($1)", [i]);
      await new Promise((r) => setTimeout(r, 500));
    }
    const [{ lsn }] = (await primary.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn")) as [{ lsn: string }];
    // the archive's end passes the commit LSN quickly (synchronous pg_receivewal)
    const started = Date.now();
    await waitFor("archive to reach the last commit", async () => {
      const w = await api().clusters.window.query({ cluster: "main" });
      const to = w.timelines[0]?.toLsn;
      return to && compareLsn(to, lsn) >= 0;
    }, 20_000, 200);
    expect(Date.now() - started).toBeLessThan(15_000);
    await bench;
    // the archive holds the marker commits: read them back with pg_waldump through the window end time
    const [last] = (await primary.query<{ t: string }>("SELECT max(t)::text AS t FROM marks")) as [{ t: string }];
    await waitFor("window end at the last commit", async () => {
      const w = await api().clusters.window.query({ cluster: "main" });
      return w.timelines[0]?.to && new Date(w.timelines[0].to) >= new Date(new Date(last.t).getTime() - 1);
    }, 20_000, 250);
    const c = await api().clusters.get.query({ cluster: "main" });
    const h = c.health as { walLagBytes: number | null; slotState: string; status: string };
    expect(h.slotState).toBe("active");
    expect(h.walLagBytes ?? 0).toBeLessThan(16 * 1024 * 1024);
  });

  it("takes restore points on schedule under load, each recording the right LSN and time", async () => {
    await api().clusters.update.mutate({ cluster: "main", snapshotEvery: "2s" });
    const bin = findBinDir();
    const svc = asServiceUser(resolveServiceUser());
    const bench = exec(path.join(bin, "pgbench"), ["-c", "2", "-T", "25", "-h", primary.socketDir, "-p", String(primary.port), "postgres"], svc);
    await waitFor("10 more restore points", async () => (await api().restorePoints.list.query({ cluster: "main" })).length >= 11, 90_000, 500);
    await api().clusters.update.mutate({ cluster: "main", snapshotEvery: "1h" });
    await bench;
    // a restore point already scheduled may still be finishing: compare once none is in flight
    await waitFor("no restore point in flight", async () => {
      const jobs = await api().jobs.list.query({ kind: "restore-point.create", limit: 100 });
      return jobs.every((j) => ["succeeded", "failed", "cancelled"].includes(j.state));
    }, 60_000, 250);
    const rps = await api().restorePoints.list.query({ cluster: "main" });
    for (let i = 1; i < rps.length; i++) {
      expect(compareLsn(rps[i]!.lsn, rps[i - 1]!.lsn)).toBeGreaterThanOrEqual(0);
      expect(rps[i]!.dataTime!.getTime()).toBeGreaterThanOrEqual(rps[i - 1]!.dataTime!.getTime());
      // the data time is a commit time no later than when the snapshot was taken
      expect(rps[i]!.dataTime!.getTime()).toBeLessThanOrEqual(rps[i]!.createdAt.getTime() + 1000);
    }
    expect(await replicaSnapshots()).toHaveLength(rps.length);
  });

  it("starts each restore point's replay next to it: redo within 1 MiB of the LSN, under pgbench load", async () => {
    const bin = findBinDir();
    const svc = asServiceUser(resolveServiceUser());
    // a steady load, as a production primary has: WAL keeps coming while the point is taken
    const bench = exec(
      path.join(bin, "pgbench"),
      ["-c", "2", "-T", "20", "-R", "200", "-h", primary.socketDir, "-p", String(primary.port), "postgres"],
      svc,
    );
    await new Promise((r) => setTimeout(r, 2000));
    const jobIds: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { jobId } = await api().restorePoints.create.mutate({ cluster: "main" });
      expect((await waitForJob(api(), jobId)).state).toBe("succeeded");
      jobIds.push(jobId);
      await new Promise((r) => setTimeout(r, 2500));
    }
    for (const id of jobIds) {
      const job = await api().jobs.get.query({ id });
      console.log(
        job.events
          .filter((e) => /CHECKPOINT|replay paused/.test(e.message))
          .map((e) => e.message)
          .join("\n"),
      );
    }
    await bench;
    const rps = (await api().restorePoints.list.query({ cluster: "main" })).slice(-4);
    const gaps = rps.map((rp) => Number(lsnDiffBytes(rp.lsn, rp.redoLsn!)));
    console.log(`redo → LSN gaps under pgbench -R 200: ${gaps.join(", ")} bytes`);
    for (const [i, rp] of rps.entries()) {
      expect(rp.redoLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
      expect(gaps[i]).toBeGreaterThanOrEqual(0);
      expect(gaps[i]).toBeLessThanOrEqual(1024 * 1024);
      const snapshot = (await replicaSnapshots()).find((s) => s.name === rp.snapshot);
      expect(snapshot?.userProps["tideline:redo-lsn"]).toBe(rp.redoLsn);
    }
    // the CLI lists the same redo LSNs
    const cli = await exec("pnpm", ["-s", "tideline", "restore-points", "list", "main", "--json"], {
      env: { ...process.env, TIDELINE_URL: coord.url, TIDELINE_TOKEN: inv.adminToken },
    });
    expect(
      (JSON.parse(cli.stdout) as Array<{ redoLsn: string | null }>).slice(-4).map((r) => r.redoLsn),
    ).toEqual(rps.map((r) => r.redoLsn));
  });

  it("takes two restore points asked for at once one after the other, each its own snapshot", async () => {
    const [a, b] = await Promise.all([
      api().restorePoints.create.mutate({ cluster: "main" }),
      api().restorePoints.create.mutate({ cluster: "main" }),
    ]);
    const [ja, jb] = await Promise.all([waitForJob(api(), a.jobId), waitForJob(api(), b.jobId)]);
    expect([ja.state, jb.state]).toEqual(["succeeded", "succeeded"]);
    // one ran after the other finished: never two pauses, snapshots and resumes interleaved
    const [first, second] = [ja, jb].sort((x, y) => x.startedAt!.getTime() - y.startedAt!.getTime());
    expect(second!.startedAt!.getTime()).toBeGreaterThanOrEqual(first!.finishedAt!.getTime());
    const rps = await api().restorePoints.list.query({ cluster: "main" });
    const [ra, rb] = [
      rps.find((r) => r.id === (first!.result as { id: string }).id)!,
      rps.find((r) => r.id === (second!.result as { id: string }).id)!,
    ];
    expect(ra.snapshot).not.toBe(rb.snapshot);
    expect(compareLsn(rb.lsn, ra.lsn)).toBeGreaterThanOrEqual(0);
    expect(compareLsn(rb.redoLsn!, ra.redoLsn!)).toBeGreaterThanOrEqual(0);
  });

  it("restarts a pg_receivewal killed with SIGKILL under load, and the window has no gap", async () => {
    const bin = findBinDir();
    const svc = asServiceUser(resolveServiceUser());
    const bench = exec(path.join(bin, "pgbench"), ["-c", "2", "-T", "10", "-h", primary.socketDir, "-p", String(primary.port), "postgres"], svc);
    await new Promise((r) => setTimeout(r, 2000));
    await exec("pkill", ["-KILL", "-f", `pg_receivewal.*${pool.mountpoint}/tideline/main/wal`]);
    await bench;
    await primary.query("SELECT pg_switch_wal()");
    const [{ lsn }] = (await primary.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn")) as [{ lsn: string }];
    await waitFor("archive caught up after the restart", async () => {
      const w = await api().clusters.window.query({ cluster: "main" });
      return w.timelines[0]?.toLsn && compareLsn(w.timelines[0].toLsn, lsn) >= 0 ? w : null;
    }, 60_000, 250);
    const w = await api().clusters.window.query({ cluster: "main" });
    expect(w.timelines).toHaveLength(1);
    expect(w.timelines[0]!.gaps).toEqual([]);
    const c = await api().clusters.get.query({ cluster: "main" });
    expect((c.health as { receiverRestarts: number }).receiverRestarts).toBeGreaterThanOrEqual(1);
  });

  it("shows a gap when a segment is removed from the archive", async () => {
    const walDir = path.join(pool.mountpoint, "tideline", "main", "wal");
    const files = (await readdir(walDir)).filter((f) => /^[0-9A-F]{24}$/.test(f)).sort();
    expect(files.length).toBeGreaterThan(3);
    const victim = files[Math.floor(files.length / 2)]!;
    await rm(path.join(walDir, victim));
    const w = await waitFor("a gap", async () => {
      const w = await api().clusters.window.query({ cluster: "main" });
      return w.timelines[0]?.gaps.length ? w : null;
    }, 20_000, 250);
    expect(w.timelines[0]!.gaps[0]!.fromLsn).toBeTruthy();
  });

  it("applies retention: keeps the newest points and frees the others' snapshots", async () => {
    const before = await api().restorePoints.list.query({ cluster: "main" });
    await api().clusters.update.mutate({ cluster: "main", retention: { keepLast: 3 } });
    const preview = await api().retention.preview.query({ cluster: "main" });
    expect(preview.keep.map((k) => k.id).sort()).toEqual(before.slice(-3).map((r) => r.id).sort());
    const applied = await api().retention.run.mutate({ cluster: "main" });
    expect(applied.jobId).toBeTruthy();
    expect((await waitForJob(api(), applied.jobId!)).state).toBe("succeeded");
    const after = await api().restorePoints.list.query({ cluster: "main" });
    expect(after.map((r) => r.id)).toEqual(before.slice(-3).map((r) => r.id));
    expect(await replicaSnapshots()).toHaveLength(3);
  });

  it("warns when the role may not CHECKPOINT, naming the GRANT, and still records each point's redo", async () => {
    const limited = await startTestCluster({ settings: { fsync: "on" } });
    try {
      await limited.query("CREATE ROLE tl_rep LOGIN REPLICATION");
      const { jobId } = await api().clusters.add.mutate({
        name: "limited",
        agent: "storage1",
        pgdata: limited.pgdata,
        port: limited.port,
        storage: `storage1/${pool.name}`,
        replicationConninfo: `host=${limited.socketDir} port=${limited.port} user=tl_rep dbname=postgres`,
        snapshotEvery: "1h",
      });
      // a warning, not a refusal: protection goes on
      const check = await waitForJob(api(), jobId);
      expect(check.state).toBe("succeeded");
      const problems = (
        check.result as { problems: Array<{ code: string; fix?: string; severity?: string }> }
      ).problems;
      expect(problems).toContainEqual(
        expect.objectContaining({
          code: "CHECKPOINT_NOT_ALLOWED",
          severity: "warning",
          fix: "GRANT pg_checkpoint TO tl_rep;",
        }),
      );
      await waitFor(
        "limited protected",
        async () => {
          const c = await api().clusters.get.query({ cluster: "limited" });
          if (c.state === "error") throw new Error(JSON.stringify(c.health));
          return c.state === "protected";
        },
        120_000,
        250,
      );
      const health = await waitFor(
        "the warning in the cluster's health",
        async () => {
          const h = (await api().clusters.get.query({ cluster: "limited" })).health as {
            status: string;
            problems: Array<{ code: string; fix?: string }>;
          };
          return h.problems?.some((p) => p.code === "CHECKPOINT_NOT_ALLOWED") ? h : null;
        },
        20_000,
        250,
      );
      expect(health.status).toBe("warning");
      expect(health.problems.find((p) => p.code === "CHECKPOINT_NOT_ALLOWED")?.fix).toBe(
        "GRANT pg_checkpoint TO tl_rep;",
      );
      // without the right, the point records the redo its restartpoint really has
      const [first] = await api().restorePoints.list.query({ cluster: "limited" });
      expect(first!.redoLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
      expect(compareLsn(first!.redoLsn!, first!.lsn)).toBeLessThanOrEqual(0);

      // with the grant the warning goes, and the next point's replay starts next to it
      await limited.query("GRANT pg_checkpoint TO tl_rep");
      await waitFor(
        "the warning to clear",
        async () => {
          const h = (await api().clusters.get.query({ cluster: "limited" })).health as {
            problems: Array<{ code: string }>;
          };
          return !h.problems.some((p) => p.code === "CHECKPOINT_NOT_ALLOWED");
        },
        20_000,
        250,
      );
      await limited.query("CREATE TABLE t AS SELECT g FROM generate_series(1, 100000) g");
      const { jobId: rpJob } = await api().restorePoints.create.mutate({ cluster: "limited" });
      expect((await waitForJob(api(), rpJob)).state).toBe("succeeded");
      const rp = (await api().restorePoints.list.query({ cluster: "limited" })).at(-1)!;
      expect(Number(lsnDiffBytes(rp.lsn, rp.redoLsn!))).toBeLessThan(64 * 1024);
    } finally {
      const { jobId } = await api()
        .clusters.remove.mutate({ cluster: "limited", destroyData: true })
        .catch(() => ({ jobId: null as string | null }));
      if (jobId) await waitForJob(api(), jobId).catch(() => {});
      await limited.destroy();
    }
  });

  it("reads a cron schedule in the DBA's time zone, and refuses a zone that does not exist", async () => {
    await api().clusters.update.mutate({ cluster: "main", snapshotEvery: "0 3 * * *", timeZone: "Europe/Berlin" });
    const c = await api().clusters.get.query({ cluster: "main" });
    expect(c.scheduleTimeZone).toBe("Europe/Berlin");
    const berlin = (d: Date) => new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Berlin", hour: "2-digit", minute: "2-digit" }).format(d);
    expect(c.nextScheduledRuns.map(berlin)).toEqual(["03:00", "03:00", "03:00"]);
    expect(c.nextSnapshotAt?.getTime()).toBe(c.nextScheduledRuns[0]!.getTime());
    await expect(api().clusters.update.mutate({ cluster: "main", timeZone: "Mars/Olympus" })).rejects.toSatisfy((e) => errorCode(e) === "INVALID_TIME_ZONE");
    await api().clusters.update.mutate({ cluster: "main", snapshotEvery: "1h", timeZone: "UTC" });
  });

  it.runIf(storageKind === "zfs")("sets compression, dedup and recordsize per pool; a directory pool says it cannot", async () => {
    const { jobId } = await api().storage.configure.mutate({ pool: `storage1/${pool.name}`, compression: "gzip-1", dedup: false, recordsize: "64K" });
    const job = await waitForJob(api(), jobId);
    expect(job.state).toBe("succeeded");
    const { stdout } = await exec("zfs", ["get", "-H", "-o", "property,value", "compression,dedup,recordsize", `${pool.name}/tideline`]);
    expect(stdout).toContain("compression\tgzip-1");
    expect(stdout).toContain("dedup\toff");
    expect(stdout).toContain("recordsize\t64K");
    const listed = (await api().storage.list.query()).find((p) => p.name === pool.name)!;
    expect(listed.properties.compression).toBe("gzip-1");
    // the protected cluster set none of its own, so its datasets take the pool's setting
    const inherited = await exec("zfs", ["get", "-H", "-o", "name,value,source", "compression", "-r", `${pool.name}/tideline/main`]);
    for (const line of inherited.stdout.split("\n").filter((l) => l && !l.includes("@"))) {
      expect(line).toMatch(new RegExp(`\tgzip-1\tinherited from ${pool.name}/tideline$`));
    }
    const dir = await api().storage.configure.mutate({ pool: "storage1/dir", compression: "gzip-1" });
    expect((await waitForJob(api(), dir.jobId)).error?.code).toBe("NOT_SUPPORTED_BY_DRIVER");
  });

  it.runIf(storageKind === "btrfs")("sets compression per btrfs pool, which the kernel applies; dedup and recordsize need ZFS", async () => {
    const { jobId } = await api().storage.configure.mutate({ pool: `storage1/${pool.name}`, compression: "gzip-1", dedup: false });
    expect((await waitForJob(api(), jobId)).state).toBe("succeeded");
    expect(await storage.getProperties(`${pool.name}/tideline`, ["compression", "dedup"])).toEqual({ compression: "gzip-1", dedup: "off" });
    // inherited by the cluster's datasets: btrfs compresses their new files with zlib (gzip's deflate)
    const { stdout } = await exec("btrfs", ["property", "get", path.join(pool.mountpoint, "tideline", "main", "wal"), "compression"]);
    expect(stdout.trim()).toBe("compression=zlib");
    const refused = await api().storage.configure.mutate({ pool: `storage1/${pool.name}`, recordsize: "64K" });
    expect((await waitForJob(api(), refused.jobId)).error?.code).toBe("NOT_SUPPORTED_BY_DRIVER");
  });
});

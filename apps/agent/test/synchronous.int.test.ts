// Zero-loss mode (RPO 0) on real PostgreSQL, storage and agents: with Tideline's WAL receiver in
// the primary's synchronous_standby_names, every commit the primary acknowledged is in a clone at
// --latest even when the primary is killed with SIGKILL right after; health says commits wait
// while the receiver is down. (Turning it off, and settings naming other standbys, are covered by
// the unit tests of jobs/set-synchronous.ts.)
import { readFile } from "node:fs/promises";
import path from "node:path";
import { tidelineCli, waitFor, waitForJob } from "@tideline/testkit";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { btrfsAvailable } from "../src/storage/testing";
import { type Protected, protectedCluster, testStorage } from "./fixture";

const storage = testStorage((await btrfsAvailable()) ? "btrfs" : "zfs");

describe(`zero-loss mode (on ${storage})`, () => {
  let p: Protected;
  const acknowledged: number[] = [];

  beforeAll(async () => {
    p = await protectedCluster("zero", { storage });
  }, 300_000);
  afterAll(async () => p?.teardown());

  it("puts the WAL receiver into synchronous_standby_names, and the primary waits for it", async () => {
    const r = await tidelineCli([
      "clusters",
      "update",
      "zero",
      "--synchronous",
      "on",
      "--url",
      p.coord.url,
      "--token",
      p.inv.adminToken,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("synchronous_standby_names = 'tideline_wal_zero'");
    const [s] = await p.primary.query<{ v: string }>(
      "SELECT current_setting('synchronous_standby_names') AS v",
    );
    expect(s!.v).toBe("tideline_wal_zero");
    await waitFor(
      "the receiver to be a sync standby",
      async () => {
        const rows = await p.primary.query<{ sync_state: string }>(
          "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'tideline_wal_zero'",
        );
        return rows[0]?.sync_state === "sync";
      },
      30_000,
      250,
    );
    expect((await p.api().clusters.get.query({ cluster: "zero" })).synchronous).toBe(true);
  });

  it("loses no acknowledged commit when the primary is killed with SIGKILL right after", async () => {
    const c = new pg.Client({
      host: p.primary.socketDir,
      port: p.primary.port,
      user: "postgres",
      database: "postgres",
    });
    await c.connect();
    for (let i = 1; i <= 200; i++) {
      await c.query("INSERT INTO marks (id) VALUES ($1)", [i]);
      acknowledged.push(i); // the commit returned: the primary says it is durable
    }
    const pid = Number(
      (await readFile(path.join(p.primary.pgdata, "postmaster.pid"), "utf8")).split("\n")[0],
    );
    process.kill(pid, "SIGKILL");
    await c.end().catch(() => {});
    // the receiver cannot stream any more: commits would wait, and health says so
    await waitFor(
      "health to show that commits wait",
      async () => {
        const h = (await p.api().clusters.get.query({ cluster: "zero" })).health as {
          problems?: Array<{ code: string }>;
        } | null;
        return h?.problems?.some((x) => x.code === "SYNCHRONOUS_WAITING");
      },
      60_000,
      500,
    );
    const { cloneId, jobId } = await p
      .api()
      .restore.create.mutate({ cluster: "zero", target: { kind: "latest" } });
    const job = await waitForJob(p.api(), jobId, undefined, 120_000);
    expect(job.state, JSON.stringify(job.error)).toBe("succeeded");
    const clone = await p.api().clones.get.query({ id: cloneId });
    const cc = new pg.Client({ connectionString: clone.connectionString! });
    await cc.connect();
    const rows = (await cc.query<{ id: number }>("SELECT id FROM marks ORDER BY id")).rows.map((r) => r.id);
    await cc.end();
    expect(rows).toEqual(acknowledged);
  });
});

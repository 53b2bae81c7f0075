// Find the moment: a table with rows is dropped (and another truncated) on a protected cluster;
// `events` over that range — through the API and the CLI — finds the DROP with its transaction id
// and commit time, and restoring to just before that transaction gives a clone that still has
// the table with every row.
import { errorCode } from "@tideline/client";
import { localClient } from "@tideline/postgres";
import type { TWalEventsResult } from "@tideline/protocol";
import { tidelineCli, tidelineJson, waitFor, waitForJob } from "@tideline/testkit";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { btrfsAvailable } from "../src/storage/testing";
import { type Protected, protectedCluster, testStorage } from "./fixture";

const storage = testStorage((await btrfsAvailable()) ? "btrfs" : "zfs");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`events: find the moment (on ${storage})`, () => {
  let p: Protected;
  let from = "";
  let to = "";
  let dropXid = "";
  let truncateXid = "";
  let dropAt = 0;

  /** `sql` in its own transaction; its transaction id. */
  async function inTransaction(sql: string): Promise<string> {
    const c = localClient(p.primary);
    await c.connect();
    try {
      await c.query("BEGIN");
      const { rows } = await c.query<{ xid: string }>("SELECT pg_current_xact_id()::text AS xid");
      await c.query(sql);
      await c.query("COMMIT");
      return rows[0]!.xid;
    } finally {
      await c.end();
    }
  }

  async function search(opts: { destructiveOnly?: boolean } = {}): Promise<TWalEventsResult> {
    const { jobId } = await p.api().wal.events.mutate({ cluster: "events", from, to, ...opts });
    const job = await waitForJob(p.api(), jobId, undefined, 60_000);
    if (job.state !== "succeeded") throw new Error(`${job.error?.code}: ${job.error?.message}`);
    return job.result as TWalEventsResult;
  }

  beforeAll(async () => {
    p = await protectedCluster("events", { storage });
    await p.primary.query("CREATE TABLE precious (id int primary key, note text NOT NULL)");
    await p.primary.query("INSERT INTO precious SELECT g, 'row ' || g FROM generate_series(1, 250) g");
    await p.primary.query("CREATE TABLE scratch (id int)");
    await p.primary.query("INSERT INTO scratch SELECT generate_series(1, 40)");
    await sleep(300);
    from = new Date().toISOString();
    await sleep(300);
    dropXid = await inTransaction("DROP TABLE precious");
    dropAt = Date.now();
    await sleep(300);
    truncateXid = await inTransaction("TRUNCATE scratch");
    await sleep(300);
    to = new Date().toISOString();
    // the archive has the DROP once the planner can place its transaction
    await waitFor(
      "the planner to place the DROP's transaction",
      () =>
        p
          .api()
          .restore.plan.query({ cluster: "events", target: { kind: "xid", xid: dropXid, exclusive: true } })
          .catch(() => null),
      60_000,
      250,
    );
  }, 300_000);
  afterAll(async () => p?.teardown());

  it("finds the DROP with its transaction id and commit time, and the TRUNCATE after it", async () => {
    const r = await waitFor(
      "the DROP in the archived WAL",
      async () => {
        const found = await search();
        return found.events.some((e) => e.xid === truncateXid) ? found : null;
      },
      60_000,
      500,
    );
    const drop = r.events.find((e) => e.xid === dropXid);
    expect(drop).toMatchObject({ kind: "drop-relation", timeline: 1 });
    expect(drop!.relations!.length).toBeGreaterThanOrEqual(1);
    // the commit time PostgreSQL recorded, within the range and close to when the test saw the DROP commit
    const t = new Date(drop!.time!).getTime();
    expect(t).toBeGreaterThanOrEqual(new Date(from).getTime());
    expect(Math.abs(t - dropAt)).toBeLessThan(2_000);
    // wal_level = replica: a TRUNCATE is new files for the table and the old ones removed at commit
    expect(r.events.find((e) => e.xid === truncateXid)).toMatchObject({ kind: "rewrite-relation" });
    expect(r.counts.destructive).toBe(2);
    expect(r.truncated).toBe(false);

    const destructive = await search({ destructiveOnly: true });
    expect(destructive.events.map((e) => e.xid)).toEqual([dropXid, truncateXid]);
  });

  it("lists the same in the CLI (--json and the table), and refuses a time without a zone", async () => {
    const out = (await tidelineJson(
      p.coord.url,
      p.inv.adminToken,
      "events",
      "events",
      "--from",
      from,
      "--to",
      to,
    )) as TWalEventsResult;
    expect(out.events.find((e) => e.kind === "drop-relation")).toMatchObject({ xid: dropXid });
    // for people: a table with the DROP standing out, and the command that undoes it
    const table = await tidelineCli([
      "events",
      "events",
      "--from",
      from,
      "--to",
      to,
      "--destructive",
      "--url",
      p.coord.url,
      "--token",
      p.inv.adminToken,
    ]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`^\\S+ \\S+ UTC\\s+${dropXid}\\s+DROP-RELATION\\s`, "m"));
    expect(table.stdout).toContain(`tideline restore events --xid ${dropXid} --exclusive`);
    const bad = await tidelineCli([
      "events",
      "events",
      "--from",
      "2026-11-21 10:00",
      "--to",
      to,
      "--url",
      p.coord.url,
      "--token",
      p.inv.adminToken,
      "--json",
    ]);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toMatchObject({ error: { code: "INVALID_TIME_RANGE" } });
    const reversed = await p
      .api()
      .wal.events.mutate({ cluster: "events", from: to, to: from })
      .catch((err: unknown) => err);
    expect(errorCode(reversed)).toBe("INVALID_TIME_RANGE");
    const zoneless = await p
      .api()
      .wal.events.mutate({ cluster: "events", from: "2026-11-21 10:00", to })
      .catch((err: unknown) => err);
    expect(errorCode(zoneless)).toBe("INVALID_TIME_RANGE");
  });

  it("restores to just before the DROP: the clone has the table with every row", async () => {
    const { cloneId, jobId } = await p.api().restore.create.mutate({
      cluster: "events",
      target: { kind: "xid", xid: dropXid, exclusive: true },
      ttl: "1h",
    });
    const job = await waitForJob(p.api(), jobId, undefined, 120_000);
    expect(job.error).toBeNull();
    const clone = await p.api().clones.get.query({ id: cloneId });
    const client = new pg.Client({ connectionString: clone.connectionString! });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number; last: string }>(
        "SELECT count(*)::int AS n, max(note) FILTER (WHERE id = 250) AS last FROM precious",
      );
      expect(rows[0]).toEqual({ n: 250, last: "row 250" });
      // the TRUNCATE came after the DROP: scratch still has its rows too
      expect((await client.query<{ n: number }>("SELECT count(*)::int AS n FROM scratch")).rows[0]!.n).toBe(
        40,
      );
    } finally {
      await client.end();
      await p.api().clones.destroy.mutate({ id: cloneId });
    }
  });
});

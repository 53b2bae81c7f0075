// Table-level restore on real PostgreSQL, storage and agents: a table dropped while pgbench keeps
// the primary busy comes back, as it was just before the drop, under a new name on the running
// primary, with exactly its rows, its index and its sequence; an existing name is refused unless
// --replace; a whole database comes back under another name. The clone each one used is gone.
import { errorCode } from "@tideline/client";
import { localClient } from "@tideline/postgres";
import { tidelineJson, waitFor, waitForJob } from "@tideline/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { btrfsAvailable } from "../src/storage/testing";
import { type Protected, protectedCluster, testStorage } from "./fixture";

const storage = testStorage((await btrfsAvailable()) ? "btrfs" : "zfs");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`table-level restore (on ${storage})`, () => {
  let p: Protected;
  let beforeDrop = "";

  /** Waits for a table restore's clone and load jobs; the load job's result. */
  async function finished(cloneId: string, jobId: string) {
    const clone = await waitForJob(p.api(), jobId, undefined, 120_000);
    if (clone.state !== "succeeded") throw new Error(`clone: ${clone.error?.code}: ${clone.error?.message}`);
    const loadJobId = await waitFor(
      "the load job",
      async () => (await p.api().clones.get.query({ id: cloneId })).followUp?.jobId,
      30_000,
      200,
    );
    return waitForJob(p.api(), loadJobId, undefined, 120_000);
  }

  beforeAll(async () => {
    p = await protectedCluster("tbl", { storage });
    await p.pgbench(["-i", "-s", "1"]);
    await p.primary.query(
      "CREATE TABLE orders (id serial PRIMARY KEY, note text NOT NULL, placed timestamptz DEFAULT now())",
    );
    await p.primary.query("CREATE INDEX orders_placed ON orders (placed)");
    await p.primary.query("INSERT INTO orders (note) SELECT 'order ' || g FROM generate_series(1, 500) g");
    const { jobId } = await p.api().restorePoints.create.mutate({ cluster: "tbl" });
    expect((await waitForJob(p.api(), jobId)).state).toBe("succeeded");
    await p.primary.query(
      "INSERT INTO orders (note) SELECT 'late order ' || g FROM generate_series(1, 250) g",
    );
    await sleep(500);
    beforeDrop = new Date().toISOString();
    await sleep(500);
    await p.primary.query("DROP TABLE orders");
    await p.primary.query("SELECT pg_switch_wal()");
    await waitFor(
      "the archive to pass the drop",
      async () => {
        const w = await p.api().clusters.window.query({ cluster: "tbl" });
        const to = w.timelines.at(-1)?.to;
        return to && new Date(to) > new Date(beforeDrop);
      },
      60_000,
      250,
    );
  }, 300_000);
  afterAll(async () => p?.teardown());

  it("brings a dropped table back under a new name with exactly its rows, while the primary keeps serving", async () => {
    const bench = p.pgbench(["-c", "2", "-T", "15", "-R", "200"]);
    const r = await p
      .api()
      .restore.table.mutate({
        cluster: "tbl",
        target: { kind: "time", time: beforeDrop },
        tables: [{ table: "public.orders" }],
      });
    expect(r.tables).toEqual([{ from: "public.orders", into: "postgres.public.orders_restored" }]);
    const load = await finished(r.cloneId, r.jobId);
    expect(load.state).toBe("succeeded");
    expect(load.result).toMatchObject({
      tables: [{ from: "public.orders", into: "postgres.public.orders_restored", rows: 750 }],
    });
    await bench; // pgbench exits non-zero if the primary stopped serving
    const [n] = await p.primary.query<{ n: number; late: number }>(
      "SELECT count(*)::int AS n, count(*) FILTER (WHERE note LIKE 'late%')::int AS late FROM orders_restored",
    );
    expect(n).toEqual({ n: 750, late: 250 });
    // its index and sequence came along under names of its own
    const idx = await p.primary.query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE tablename = 'orders_restored' ORDER BY 1",
    );
    expect(idx.map((i) => i.indexname)).toEqual(["orders_restored_pkey", "orders_restored_placed"]);
    const [next] = await p.primary.query<{ id: number }>(
      "INSERT INTO orders_restored (note) VALUES ('new') RETURNING id",
    );
    // past every restored id (after recovery a sequence may skip ahead: it logs 32 values at a time)
    expect(next!.id).toBeGreaterThan(750);
    // the clone it used is gone
    await waitFor(
      "the clone to be destroyed",
      async () => (await p.api().clones.get.query({ id: r.cloneId })).state === "destroyed",
      60_000,
      250,
    );
  });

  it("refuses to load over an existing table unless --replace, from the CLI as well", async () => {
    const again = await p
      .api()
      .restore.table.mutate({
        cluster: "tbl",
        target: { kind: "time", time: beforeDrop },
        tables: [{ table: "orders" }],
      });
    const refused = await finished(again.cloneId, again.jobId);
    expect(refused.state).toBe("failed");
    expect(refused.error?.code).toBe("TABLE_EXISTS");
    await waitFor(
      "that clone to be destroyed too",
      async () => (await p.api().clones.get.query({ id: again.cloneId })).state === "destroyed",
      60_000,
      250,
    );
    const [kept] = await p.primary.query<{ n: number }>("SELECT count(*)::int AS n FROM orders_restored");
    expect(kept!.n).toBe(751);

    const out = (await tidelineJson(
      p.coord.url,
      p.inv.adminToken,
      "restore-table",
      "tbl",
      "--to",
      beforeDrop,
      "--table",
      "public.orders",
      "--replace",
      "--wait",
    )) as {
      tables: Array<{ rows: number }>;
    };
    expect(out.tables).toEqual([
      { from: "public.orders", into: "postgres.public.orders_restored", rows: 750 },
    ]);
  });

  it("restores a whole database under another name, and refuses bad names before creating anything", async () => {
    const r = await p
      .api()
      .restore.table.mutate({
        cluster: "tbl",
        target: { kind: "time", time: beforeDrop },
        database: "postgres",
        wholeDatabase: true,
        intoDatabase: "postgres_before_drop",
      });
    const load = await finished(r.cloneId, r.jobId);
    expect(load.state).toBe("succeeded");
    const c = localClient(p.primary, { database: "postgres_before_drop" });
    await c.connect();
    const n = await c.query<{ n: number }>("SELECT count(*)::int AS n FROM orders").finally(() => c.end());
    expect(n.rows[0]!.n).toBe(750);

    const before = (await p.api().clones.list.query({ includeDestroyed: true })).length;
    await expect(
      p
        .api()
        .restore.table.mutate({
          cluster: "tbl",
          target: { kind: "time", time: beforeDrop },
          tables: [{ table: "public.orders; DROP TABLE x" }],
        }),
    ).rejects.toSatisfy((e) => errorCode(e) === "INVALID_TABLE_NAME");
    await expect(
      p.api().restore.table.mutate({ cluster: "tbl", target: { kind: "time", time: beforeDrop } }),
    ).rejects.toSatisfy((e) => errorCode(e) === "INVALID_TABLE_RESTORE");
    expect((await p.api().clones.list.query({ includeDestroyed: true })).length).toBe(before);
  });
});

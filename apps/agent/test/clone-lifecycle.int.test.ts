// Clones a DBA can work with (on real PostgreSQL, storage and agents): a clone's own changes
// survive into a clone of it, and the source cannot be destroyed while the copy lives; a reset
// brings the same clone (address, password) back at another moment without its changes; the
// space a clone holds grows as it is written; with an idle policy, a clone nobody is connected to
// is destroyed while one in use stays.
import { errorCode } from "@tideline/client";
import { waitFor, waitForJob } from "@tideline/testkit";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { btrfsAvailable } from "../src/storage/testing";
import { type Protected, protectedCluster, testStorage } from "./fixture";

const storage = testStorage((await btrfsAvailable()) ? "btrfs" : "zfs");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`clone lifecycle (on ${storage})`, () => {
  let p: Protected;
  const at: Record<number, Date> = {};
  let cloneC = "";
  let connC = "";

  async function mark(id: number) {
    const [r] = await p.primary.query<{ t: Date }>("INSERT INTO marks (id) VALUES ($1) RETURNING t", [id]);
    at[id] = r!.t;
  }
  async function sql<T extends pg.QueryResultRow>(connectionString: string, text: string): Promise<T[]> {
    const c = new pg.Client({ connectionString });
    await c.connect();
    try {
      return (await c.query<T>(text)).rows;
    } finally {
      await c.end();
    }
  }
  const marks = async (conn: string) =>
    (await sql<{ id: number }>(conn, "SELECT id FROM marks ORDER BY id")).map((r) => r.id);
  async function ready(jobId: string) {
    const job = await waitForJob(p.api(), jobId, undefined, 120_000);
    if (job.state !== "succeeded") throw new Error(`${job.kind}: ${job.error?.code}: ${job.error?.message}`);
  }

  beforeAll(async () => {
    p = await protectedCluster("lab", { storage });
    await mark(1);
    const { jobId } = await p.api().restorePoints.create.mutate({ cluster: "lab" });
    await ready(jobId);
    await sleep(500);
    await mark(2);
    await p.primary.query("SELECT pg_switch_wal()");
    await waitFor(
      "the window to reach mark 2",
      async () => {
        const to = (await p.api().clusters.window.query({ cluster: "lab" })).timelines.at(-1)?.to;
        return to && new Date(to) >= at[2]!;
      },
      30_000,
      250,
    );
    const r = await p
      .api()
      .restore.create.mutate({ cluster: "lab", target: { kind: "time", time: new Date((at[1]!.getTime() + at[2]!.getTime()) / 2).toISOString() } });
    await ready(r.jobId);
    cloneC = r.cloneId;
    connC = (await p.api().clones.get.query({ id: cloneC })).connectionString!;
    await sql(connC, "INSERT INTO marks (id) VALUES (100)");
  }, 300_000);
  afterAll(async () => p?.teardown());

  it("copies a clone with its own changes, and keeps the source while the copy lives", async () => {
    const copy = await p.api().clones.copy.mutate({ id: cloneC });
    await ready(copy.jobId);
    const d = await p.api().clones.get.query({ id: copy.cloneId });
    expect(d).toMatchObject({ state: "ready", sourceCloneId: cloneC });
    expect(d.port).not.toBe((await p.api().clones.get.query({ id: cloneC })).port);
    expect(await marks(d.connectionString!)).toEqual([1, 100]);
    await sql(d.connectionString!, "INSERT INTO marks (id) VALUES (200)");
    expect(await marks(connC)).toEqual([1, 100]);
    await expect(p.api().clones.destroy.mutate({ id: cloneC })).rejects.toSatisfy(
      (e) => errorCode(e) === "CLONE_HAS_COPIES",
    );
    await expect(p.api().clones.reset.mutate({ id: cloneC, target: { kind: "latest" } })).rejects.toSatisfy(
      (e) => errorCode(e) === "CLONE_HAS_COPIES",
    );
    await p.api().clones.destroy.mutate({ id: copy.cloneId });
    await waitFor(
      "the copy to be destroyed",
      async () => (await p.api().clones.get.query({ id: copy.cloneId })).state === "destroyed",
      60_000,
      250,
    );
  });

  it("resets a clone to another moment: same address and password, its own changes gone", async () => {
    const before = await p.api().clones.get.query({ id: cloneC });
    const r = await p.api().clones.reset.mutate({ id: cloneC, target: { kind: "latest" } });
    await ready(r.jobId);
    const after = await p.api().clones.get.query({ id: cloneC });
    expect(after.state).toBe("ready");
    expect(after.connectionString).toBe(before.connectionString);
    expect(await marks(connC)).toEqual([1, 2]);
  });

  it("shows the space a clone holds growing as it is written", async () => {
    const before = (await p.api().clones.get.query({ id: cloneC })).sizeBytes;
    await sql(
      connC,
      "CREATE TABLE filler AS SELECT g, md5(g::text) || md5((g * 7)::text) AS pad FROM generate_series(1, 300000) g",
    );
    await sql(connC, "CHECKPOINT");
    const grown = await waitFor(
      "the clone's size to grow",
      async () => {
        const s = (await p.api().clones.get.query({ id: cloneC })).sizeBytes;
        return s > before + 5 * 1024 * 1024 ? s : null;
      },
      60_000,
      500,
    );
    expect(grown).toBeGreaterThan(before);
  });

  it("destroys a clone nobody is connected to once the idle policy's time has passed, and keeps one in use", async () => {
    const idle = await p.api().restore.create.mutate({ cluster: "lab", target: { kind: "latest" } });
    await ready(idle.jobId);
    await p.api().clusters.update.mutate({ cluster: "lab", cloneIdle: "1m" });
    const held = new pg.Client({ connectionString: connC });
    await held.connect();
    try {
      await waitFor(
        "the idle clone to be destroyed",
        async () => {
          const s = (await p.api().clones.get.query({ id: idle.cloneId })).state;
          return s === "destroying" || s === "destroyed";
        },
        150_000,
        1000,
      );
      const c = await p.api().clones.get.query({ id: cloneC });
      expect(c.state).toBe("ready");
      expect(c.lastActiveAt!.getTime()).toBeGreaterThan(Date.now() - 30_000);
    } finally {
      await held.end();
      await p.api().clusters.update.mutate({ cluster: "lab", cloneIdle: "off" });
    }
  });
});

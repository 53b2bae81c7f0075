// Every recovery target PostgreSQL has, on one scenario (after PostgreSQL's own
// src/test/recovery/t/003_recovery_targets.pl): marker rows committed in five steps, each in its
// own transaction whose xid is kept, with a restore point, a pg_create_restore_point name and
// LSNs between them. A clone for each target kind, inclusive and exclusive, holds exactly the
// expected markers; refused targets create nothing.
import { errorCode } from "@tideline/client";
import { localClient } from "@tideline/postgres";
import { tidelineJson, waitFor, waitForJob } from "@tideline/testkit";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { btrfsAvailable } from "../src/storage/testing";
import { type Protected, protectedCluster, testStorage } from "./fixture";

const storage = testStorage((await btrfsAvailable()) ? "btrfs" : "zfs");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Target = Parameters<ReturnType<Protected["api"]>["restore"]["create"]["mutate"]>[0]["target"];

describe(`recovery targets (on ${storage})`, () => {
  let p: Protected;
  const xid: Record<number, string> = {};
  const at: Record<number, Date> = {};
  /** Where the commit record of marker 3 starts: an LSN target there includes it, exclusive stops before it. */
  let commit3Lsn = "";
  let pointB = "";
  let tableXid = "";

  /** Marker `id` in its own transaction; its xid, commit time, and the LSN its commit record starts at. */
  async function mark(id: number): Promise<string> {
    const c = localClient(p.primary);
    await c.connect();
    try {
      await c.query("BEGIN");
      const { rows } = await c.query<{ xid: string }>(
        "INSERT INTO marks (id) VALUES ($1) RETURNING pg_current_xact_id()::text AS xid",
        [id],
      );
      const { rows: l } = await c.query<{ lsn: string }>("SELECT pg_current_wal_insert_lsn()::text AS lsn");
      await c.query("COMMIT");
      xid[id] = rows[0]!.xid;
      at[id] = new Date();
      return l[0]!.lsn;
    } finally {
      await c.end();
    }
  }
  async function restorePoint(): Promise<string> {
    const { jobId } = await p.api().restorePoints.create.mutate({ cluster: "undo" });
    const job = await waitForJob(p.api(), jobId);
    expect(job.state).toBe("succeeded");
    return (job.result as { id: string }).id;
  }
  async function marksAt(target: Target): Promise<number[]> {
    const { cloneId, jobId } = await p.api().restore.create.mutate({ cluster: "undo", target, ttl: "1h" });
    const job = await waitForJob(p.api(), jobId, undefined, 120_000);
    if (job.state !== "succeeded")
      throw new Error(`${JSON.stringify(target)}: ${job.error?.code}: ${job.error?.message}`);
    const clone = await p.api().clones.get.query({ id: cloneId });
    const client = new pg.Client({ connectionString: clone.connectionString! });
    await client.connect();
    try {
      return (await client.query<{ id: number }>("SELECT id FROM marks ORDER BY id")).rows.map((r) => r.id);
    } finally {
      await client.end();
      await p.api().clones.destroy.mutate({ id: cloneId });
    }
  }
  const between = (a: number, b: number) => new Date((at[a]!.getTime() + at[b]!.getTime()) / 2).toISOString();

  beforeAll(async () => {
    p = await protectedCluster("undo", { storage });
    const [t] = await p.primary.query<{ xid: string }>(
      "SELECT xmin::text AS xid FROM pg_class WHERE relname = 'marks'",
    );
    tableXid = t!.xid;
    await restorePoint(); // A: every marker commits after it
    await sleep(300);
    await mark(1);
    await sleep(300);
    await mark(2);
    await sleep(300);
    commit3Lsn = await mark(3);
    await p.primary.query("SELECT pg_create_restore_point('after-3')");
    await sleep(300);
    await mark(4);
    pointB = await restorePoint(); // B: holds markers 1–4
    await sleep(300);
    await mark(5);
    await p.primary.query("SELECT pg_switch_wal()");
    // the archive and the replica's xid horizon have marker 5
    await waitFor(
      "the planner to place marker 5's transaction",
      async () => {
        const plan = await p
          .api()
          .restore.plan.query({ cluster: "undo", target: { kind: "xid", xid: xid[5]! } })
          .catch(() => null);
        return plan;
      },
      60_000,
      250,
    );
  }, 300_000);
  afterAll(async () => p?.teardown());

  it("stops at a transaction's commit, just after it or just before it", async () => {
    expect(await marksAt({ kind: "xid", xid: xid[2]! })).toEqual([1, 2]);
    expect(await marksAt({ kind: "xid", xid: xid[2]!, exclusive: true })).toEqual([1]);
    expect(await marksAt({ kind: "xid", xid: xid[5]!, exclusive: true })).toEqual([1, 2, 3, 4]);
  });

  it("stops at an LSN just after or just before the record there, and at a time between commits", async () => {
    expect(await marksAt({ kind: "lsn", lsn: commit3Lsn })).toEqual([1, 2, 3]);
    expect(await marksAt({ kind: "lsn", lsn: commit3Lsn, exclusive: true })).toEqual([1, 2]);
    expect(await marksAt({ kind: "time", time: between(3, 4) })).toEqual([1, 2, 3]);
    expect(await marksAt({ kind: "time", time: between(3, 4), exclusive: true })).toEqual([1, 2, 3]);
  });

  it("restores a named point, and a restore point itself (the one given, or the newest)", async () => {
    expect(await marksAt({ kind: "name", name: "after-3" })).toEqual([1, 2, 3]);
    expect(await marksAt({ kind: "immediate", restorePointId: pointB })).toEqual([1, 2, 3, 4]);
    expect(await marksAt({ kind: "immediate" })).toEqual([1, 2, 3, 4]);
  });

  it("shows the plan of an exclusive xid target in the CLI's dry run", async () => {
    const plan = (await tidelineJson(
      p.coord.url,
      p.inv.adminToken,
      "restore",
      "undo",
      "--xid",
      xid[3]!,
      "--exclusive",
      "--dry-run",
    )) as { recoveryTarget: unknown };
    expect(plan).toMatchObject({ recoveryTarget: { xid: xid[3], inclusive: false } });
    const point = (await tidelineJson(
      p.coord.url,
      p.inv.adminToken,
      "restore",
      "undo",
      "--restore-point",
      pointB,
      "--dry-run",
    )) as { restorePointId: string; recoveryTarget: unknown };
    expect(point).toMatchObject({ restorePointId: pointB, recoveryTarget: { immediate: true } });
  });

  it("refuses an unknown name, an xid outside the window and an unknown restore point before creating anything", async () => {
    const before = (await p.api().clones.list.query({ includeDestroyed: true })).length;
    const refuse = async (target: Target, code: string) => {
      await expect(p.api().restore.create.mutate({ cluster: "undo", target })).rejects.toSatisfy(
        (e) => errorCode(e) === code,
      );
    };
    await refuse({ kind: "name", name: "no-such-point" }, "UNKNOWN_RESTORE_POINT_NAME");
    // began before the earliest restore point that records transaction ids
    await refuse({ kind: "xid", xid: tableXid }, "TARGET_OUTSIDE_WINDOW");
    // not assigned yet
    await refuse({ kind: "xid", xid: String(BigInt(xid[5]!) + 100_000n) }, "TARGET_OUTSIDE_WINDOW");
    await refuse({ kind: "immediate", restorePointId: "rp_nope" }, "UNKNOWN_RESTORE_POINT");
    await refuse({ kind: "xid", xid: "12a" }, "BAD_REQUEST");
    expect((await p.api().clones.list.query({ includeDestroyed: true })).length).toBe(before);
  });
});

// Restore points by WAL volume: a protected cluster with a long time schedule (1h) and
// `--snapshot-wal 16MB` gets restore points as its WAL grows, each at least 16 MiB past the one
// before, and none while it is idle. The setting goes through the CLI and comes back in
// `clusters show/list --json`.
import { compareLsn, lsnDiffBytes } from "@tideline/core";
import { tidelineCli, waitFor, waitForJob } from "@tideline/testkit";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Protected, protectedCluster } from "./fixture";

const MiB = 2 ** 20;

describe("restore points by WAL volume", () => {
  let p: Protected;
  const tideline = async (...args: string[]) => {
    const r = await tidelineCli([...args, "--url", p.coord.url, "--token", p.inv.adminToken, "--json"]);
    return { code: r.code, out: r.stdout, err: r.stderr };
  };
  const points = () => p.api().restorePoints.list.query({ cluster: "busy" });
  const walVolumeJobs = async () =>
    (await p.api().jobs.list.query({ kind: "restore-point.create", limit: 1000 })).filter(
      (j) => (j.payload as { reason?: string }).reason === "wal-volume",
    );
  const settled = () =>
    waitFor(
      "no restore point in flight",
      async () =>
        (await p.api().jobs.list.query({ kind: "restore-point.create", limit: 1000 })).every((j) =>
          ["succeeded", "failed", "cancelled"].includes(j.state),
        ),
      60_000,
      250,
    );

  beforeAll(async () => {
    p = await protectedCluster("busy");
    await p.primary.query("CREATE TABLE filler (id int, pad text)");
  });
  afterAll(async () => p?.teardown());

  it("sets the cadence from the CLI and shows it in clusters show/list --json", async () => {
    expect((await p.api().clusters.get.query({ cluster: "busy" })).snapshotWalBytes).toBe(256 * MiB); // the default
    const refused = await tideline("clusters", "update", "busy", "--snapshot-wal", "1MB");
    expect(refused.code).not.toBe(0);
    expect(refused.err + refused.out).toContain("INVALID_SNAPSHOT_WAL");
    expect((await tideline("clusters", "update", "busy", "--snapshot-wal", "16MB")).code).toBe(0);
    const shown = JSON.parse((await tideline("clusters", "show", "busy")).out) as {
      snapshotWalBytes: number;
      snapshotSchedule: string;
    };
    expect(shown).toMatchObject({ snapshotWalBytes: 16 * MiB, snapshotSchedule: "1h" });
    const listed = JSON.parse((await tideline("clusters", "list")).out) as Array<{
      name: string;
      snapshotWalBytes: number;
    }>;
    expect(listed.find((c) => c.name === "busy")?.snapshotWalBytes).toBe(16 * MiB);
  });

  it("takes none while the cluster is idle", async () => {
    await settled();
    const before = (await points()).length;
    await new Promise((r) => setTimeout(r, 6000)); // a dozen scheduler ticks, six status reports
    expect((await points()).length).toBe(before);
    expect(await walVolumeJobs()).toHaveLength(0);
  });

  it("takes restore points as ~50 MiB of WAL arrive, each at least 16 MiB past the one before", async () => {
    const before = await points();
    const [{ lsn: startLsn }] = (await p.primary.query<{ lsn: string }>(
      "SELECT pg_current_wal_lsn()::text AS lsn",
    )) as [{ lsn: string }];
    // ~2 MiB of WAL per batch, spread over some seconds so the scheduler sees the volume grow
    for (let i = 0; i < 25; i++) {
      await p.primary.query(
        "INSERT INTO filler SELECT g, repeat(md5(g::text), 28) FROM generate_series(1, 2000) g",
      );
      await new Promise((r) => setTimeout(r, 300));
    }
    const [{ lsn: endLsn }] = (await p.primary.query<{ lsn: string }>(
      "SELECT pg_current_wal_lsn()::text AS lsn",
    )) as [{ lsn: string }];
    expect(Number(lsnDiffBytes(endLsn, startLsn))).toBeGreaterThan(45 * MiB);
    // the last batches' volume may still be on its way: let the scheduler catch up, then settle
    await waitFor(
      "two restore points by volume",
      async () => (await points()).length >= before.length + 2,
      60_000,
      500,
    );
    await new Promise((r) => setTimeout(r, 3000));
    await settled();

    const after = await points();
    const added = after.slice(before.length);
    expect(added.length).toBeGreaterThanOrEqual(2);
    expect(added.length).toBeLessThanOrEqual(4); // 50 MiB / 16 MiB, never one per tick
    const jobs = await walVolumeJobs();
    expect(jobs.filter((j) => j.state === "succeeded")).toHaveLength(added.length);
    const chain = after.slice(before.length - 1);
    for (let i = 1; i < chain.length; i++) {
      expect(compareLsn(chain[i]!.lsn, chain[i - 1]!.lsn)).toBeGreaterThan(0);
      expect(Number(lsnDiffBytes(chain[i]!.lsn, chain[i - 1]!.lsn))).toBeGreaterThanOrEqual(16 * MiB);
    }
    // and the newest one is within 16 MiB of the archive's end: nothing is due any more
    const w = await p.api().clusters.window.query({ cluster: "busy" });
    const archiveEnd = w.timelines.at(-1)!.toLsn!;
    expect(Number(lsnDiffBytes(archiveEnd, after.at(-1)!.lsn))).toBeLessThan(16 * MiB);
  });

  it("restores from them with replay-tuned settings, taken back before hand-over", async () => {
    const [{ n: rows }] = (await p.primary.query<{ n: string }>(
      "SELECT count(*)::text AS n FROM filler",
    )) as [{ n: string }];
    const [{ lsn }] = (await p.primary.query<{ lsn: string }>(
      "SELECT pg_current_wal_lsn()::text AS lsn",
    )) as [{ lsn: string }];
    await waitFor(
      "the archive to reach the last insert",
      async () => {
        const w = await p.api().clusters.window.query({ cluster: "busy" });
        const to = w.timelines.at(-1)?.toLsn;
        return to && compareLsn(to, lsn) >= 0;
      },
      30_000,
      250,
    );
    const { cloneId, jobId } = await p
      .api()
      .restore.create.mutate({ cluster: "busy", target: { kind: "lsn", lsn }, ttl: "1h" });
    const job = await waitForJob(p.api(), jobId, undefined, 120_000);
    expect(job.state, JSON.stringify(job.error)).toBe("succeeded");
    const clone = await p.api().clones.get.query({ id: cloneId });
    const client = new pg.Client({ connectionString: clone.connectionString! });
    await client.connect();
    try {
      const one = async (sql: string) =>
        Object.values((await client.query(sql)).rows[0] as object)[0] as string;
      expect(await one("SELECT count(*)::text FROM filler")).toBe(rows);
      // replay-only settings are back to the source's; the tuned ones that persist are in place
      expect(await one("SHOW checkpoint_timeout")).not.toBe("1d");
      expect(await one("SHOW max_wal_size")).not.toBe("64GB");
      expect(await one("SHOW recovery_prefetch")).toBe("on");
      expect(await one("SHOW maintenance_io_concurrency")).toBe("64");
      expect(await one("SHOW fsync")).toBe("on");
    } finally {
      await client.end();
    }
    await p.api().clones.destroy.mutate({ id: cloneId });
  });

  it("takes none again once the load stops, and none at all when turned off", async () => {
    const n = (await points()).length;
    await new Promise((r) => setTimeout(r, 4000));
    expect((await points()).length).toBe(n);
    expect((await tideline("clusters", "update", "busy", "--snapshot-wal", "off")).code).toBe(0);
    for (let i = 0; i < 12; i++)
      await p.primary.query(
        "INSERT INTO filler SELECT g, repeat(md5(g::text), 28) FROM generate_series(1, 2000) g",
      );
    await new Promise((r) => setTimeout(r, 5000));
    expect((await points()).length).toBe(n);
  });
});

// Benchmark 4 — what restore points cost: 100 restore points taken back to back under pgbench
// load (restorePoints.create in a loop), then the space their snapshots hold on the replica
// dataset (`usedbysnapshots`) as a multiple of one full copy (the replica's `referenced`).
// Run for the product's default recordsize and for 8K (PostgreSQL's page size), since a changed
// 8 KiB page costs a whole record in the snapshot.
// Checked: the pool holds exactly as many snapshots as restore points were recorded, and a
// restore to the LSN of marker 50 (committed just before restore point 50) holds markers 1–50.
//
//   pnpm --filter @tideline/bench restore-point-cost
import { setTimeout as sleep } from "node:timers/promises";
import { run } from "@tideline/postgres";
import { waitFor } from "@tideline/testkit";
import { benchmark, Cleanup, log } from "./lib/cleanup";
import { list, num } from "./lib/params";
import {
  loadData,
  type Mark,
  mark,
  marksIn,
  primaryClient,
  sameList,
  startPrimary,
  steadyLoad,
  waitQueryable,
} from "./lib/pg";
import { Report, type Row } from "./lib/report";
import { fmtBytes, fmtSeconds, round, summarize } from "./lib/stats";
import { protect, startTideline, takeRestorePoint } from "./lib/tideline";
import { zfsGet } from "./lib/zfs";

const params = {
  scaleGb: num("scale-gb", 1),
  points: num("points", 100),
  intervalSeconds: num("interval-seconds", 2),
  tps: num("tps", 200),
  clients: num("clients", 2),
  recordsizes: list("recordsizes", ["default", "8K"]),
};

await benchmark("restore-point-cost", async (outer) => {
  const report = new Report("restore-point-cost", params);
  const rows: Row[] = [];
  const results: Record<string, unknown> = {};
  for (const recordsize of params.recordsizes) {
    const cleanup = new Cleanup();
    outer.add(`variant recordsize=${recordsize}`, () => cleanup.run());
    log(`variant recordsize=${recordsize}`);
    const t = await startTideline(cleanup, { poolGiB: Math.max(16, Math.ceil(params.scaleGb * 12)) });
    const primary = await startPrimary(cleanup);
    const data = await loadData(primary, params.scaleGb);
    await protect(t, primary, "bench", recordsize === "default" ? {} : { recordsize });
    const replica = `${t.pool.name}/tideline/bench/replica`;
    const fresh = await zfsGet(replica, ["referenced", "recordsize", "compression"]);
    const client = primaryClient(primary);
    await client.connect();
    cleanup.add("close the marker connection", () => client.end());

    log(
      `load: pgbench -c ${params.clients} -R ${params.tps}; ${params.points} restore points, ${params.intervalSeconds} s apart`,
    );
    const load = steadyLoad(primary, { clients: params.clients, tps: params.tps, seconds: 86_400 });
    cleanup.add("stop pgbench", () => load.stop());
    const started = performance.now();
    const marks: Mark[] = [];
    const took: number[] = [];
    for (let i = 1; i <= params.points; i++) {
      await sleep(params.intervalSeconds * 1000);
      marks.push(await mark(client, i));
      took.push((await takeRestorePoint(t, "bench")).seconds);
      if (i % 10 === 0) log(`${i} restore points (last took ${fmtSeconds(took.at(-1)!)})`);
    }
    const loadSeconds = (performance.now() - started) / 1000;
    await load.stop();
    const [h] = await primary.query<{ n: string }>("SELECT count(*)::text AS n FROM pgbench_history");
    const tps = Number(h!.n) / loadSeconds;

    const after = await zfsGet(replica, [
      "used",
      "referenced",
      "usedbysnapshots",
      "usedbydataset",
      "compressratio",
    ]);
    const wal = await zfsGet(`${t.pool.name}/tideline/bench/wal`, ["used"]);
    const snaps = (await run("zfs", ["list", "-H", "-t", "snapshot", "-o", "name", "-r", replica])).stdout
      .trim()
      .split("\n")
      .filter(Boolean);
    const points = await t.api().restorePoints.list.query({ cluster: "bench" });
    if (snaps.length !== points.length || points.length < params.points)
      throw new Error(
        `${snaps.length} snapshots for ${points.length} restore points (expected ${params.points} + the first)`,
      );

    // a restore from the middle of the chain holds exactly the markers before it
    const half = Math.ceil(params.points / 2);
    const r = await t.api().restore.create.mutate({
      cluster: "bench",
      target: { kind: "lsn", lsn: marks[half - 1]!.lsn },
      ttl: "1h",
    });
    const clone = await waitFor(
      "the check clone",
      async () => {
        const c = await t.api().clones.get.query({ id: r.cloneId });
        if (c.state === "failed") throw new Error(`check clone failed: ${JSON.stringify(c.error)}`);
        return c.state === "ready" && c.connectionString ? c : null;
      },
      30 * 60_000,
      100,
    );
    await waitQueryable({ connectionString: clone.connectionString! });
    const got = await marksIn({ connectionString: clone.connectionString! });
    const expected = Array.from({ length: half }, (_, k) => k + 1);
    if (!sameList(got, expected)) throw new Error(`the clone at marker ${half}'s LSN holds markers [${got}]`);
    await t.api().clones.destroy.mutate({ id: r.cloneId });
    log(
      `checked: ${snaps.length} snapshots = ${points.length} restore points; a clone at marker ${half} holds markers 1–${half}`,
    );

    const full = Number(after.referenced);
    const bySnaps = Number(after.usedbysnapshots);
    const took_ = summarize(took);
    rows.push({
      recordsize: String(fresh.recordsize),
      "restore points": params.points,
      load: `${tps.toFixed(0)} tps, ${fmtSeconds(loadSeconds)}`,
      "one full copy (referenced)": fmtBytes(full),
      "held by snapshots": fmtBytes(bySnaps),
      "× full copy": (bySnaps / full).toFixed(2),
      "per restore point": fmtBytes(bySnaps / params.points),
      "WAL archive meanwhile": fmtBytes(Number(wal.used)),
      "time per restore point (median / p99)": `${fmtSeconds(took_.median)} / ${fmtSeconds(took_.p99)}`,
    });
    results[String(recordsize)] = {
      database: data,
      replicaFresh: fresh,
      replicaAfter: after,
      walUsed: wal.used,
      workloadTps: tps,
      loadSeconds,
      multipleOfFullCopy: round(bySnaps / full, 3),
      bytesPerRestorePoint: bySnaps / params.points,
      restorePointSeconds: took_,
      snapshots: snaps.length,
    };
    await cleanup.run();
  }
  report.table(`Space held by ${params.points} restore points taken under pgbench load`, rows);
  report.note(
    "`× full copy` = usedbysnapshots ÷ referenced of the replica dataset after the run: the space the restore points hold beyond the live replica, in units of one compressed full copy.",
  );
  report.note(
    "Each restore point is a restartpoint (CHECKPOINT on the replica) then a snapshot, so every page the load dirtied since the previous point is written and kept once per point; ZFS keeps whole records, so with the default 128K recordsize one changed 8 KiB page costs up to 128 KiB. recordsize=8K (clusters.add --recordsize 8K) matches PostgreSQL's page.",
  );
  report.note(
    "pgbench's updates hit random pgbench_accounts pages, the worst case for snapshots; most production tables change far more locally.",
  );
  await report.write(results);
});

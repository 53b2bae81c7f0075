// Benchmark 1 — time to a queryable server at a target time: Tideline's restore (ZFS clone of a
// restore point + WAL replay + promote) against `pgbackrest restore --type=time` of the same
// cluster at the same target, each timed until `SELECT 1` answers and the server is out of
// recovery, each checked to hold exactly the marker rows committed before the target.
//
//   pnpm --filter @tideline/bench restore                  # 1 GB, 3 runs each
//   BENCH_SCALE_GB=5 pnpm --filter @tideline/bench restore # 5 GB
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "@tideline/postgres";
import { waitFor } from "@tideline/testkit";
import { benchmark, log } from "./lib/cleanup";
import { num, str } from "./lib/params";
import {
  loadData,
  lsnToBytes,
  type Mark,
  mark,
  marksIn,
  pgbench,
  primaryClient,
  recoveryBreakdown,
  sameList,
  segmentName,
  startPrimary,
  tpsOf,
  waitQueryable,
} from "./lib/pg";
import { archivedSegments, fullBackup, preparePgBackRest, restoreToTime } from "./lib/pgbackrest";
import { Report } from "./lib/report";
import { fmtBytes, fmtSeconds, median, round, speedup } from "./lib/stats";
import { protect, startTideline, waitWindowReaches } from "./lib/tideline";

const params = {
  scaleGb: num("scale-gb", 1),
  runs: num("runs", 3),
  workloadSeconds: num("workload-seconds", 60),
  clients: num("clients", 2),
  /** ZFS recordsize of the cluster's datasets (clusters.add --recordsize); "default" leaves the product's. */
  recordsize: str("recordsize", "default"),
};

/** recovery_target_time as pgBackRest wants it ("YYYY-MM-DD HH:MM:SS.mmm+00"), UTC. */
function pgTime(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}+00`;
}

await benchmark("restore", async (cleanup) => {
  // the default scale writes results/restore.json; others their own file beside it
  const suffix = `${params.scaleGb === 1 ? "" : `-${params.scaleGb}gb`}${params.recordsize === "default" ? "" : `-recordsize-${params.recordsize}`}`;
  const report = new Report(`restore${suffix}`, params);
  const poolGiB = Math.max(8, Math.ceil(params.scaleGb * 4 + 4));
  const t = await startTideline(cleanup, { poolGiB });
  const br = await preparePgBackRest(cleanup);
  const primary = await startPrimary(cleanup, {
    archive_mode: "on",
    archive_command: br.archiveCommand,
    archive_timeout: 60,
  });
  await br.configure(primary);
  const data = await loadData(primary, params.scaleGb);

  // Both tools get a full copy of the same cluster before the workload, Tideline's first (the
  // restore point protection takes), pgBackRest's after it: both then replay the workload's WAL.
  const protectSeconds = await protect(
    t,
    primary,
    "bench",
    params.recordsize === "default" ? {} : { recordsize: params.recordsize },
  );
  const rp = (await t.api().restorePoints.list.query({ cluster: "bench" })).at(-1)!;
  log(`Tideline restore point at ${rp.lsn}`);
  log("pgBackRest full backup");
  const backup = await fullBackup(br);
  log(
    `pgBackRest full backup ${backup.label} in ${backup.seconds.toFixed(0)} s, ${fmtBytes(backup.repoBytes)} in the repository`,
  );

  // The workload: pgbench, with marker 0 committed just before it and markers 1–5 at
  // 10/30/50/70/90 % of it. Two targets: "early", halfway between markers 0 and 1 (little WAL
  // to replay: the restore is mostly about the copy), and "late", halfway between markers 4 and 5
  // (most of the workload's WAL to replay).
  const client = primaryClient(primary);
  await client.connect();
  cleanup.add("close the marker connection", () => client.end());
  log(`workload: pgbench -c ${params.clients} for ${params.workloadSeconds} s with marker rows`);
  const marks: Mark[] = [await mark(client, 0)];
  const load = pgbench(primary, [
    "-n",
    "-c",
    String(params.clients),
    "-j",
    String(params.clients),
    "-T",
    String(params.workloadSeconds),
  ]);
  cleanup.add("stop pgbench", () => load.stop());
  const started = Date.now();
  for (const [i, f] of [0.1, 0.3, 0.5, 0.7, 0.9].entries()) {
    await sleep(Math.max(0, started + f * params.workloadSeconds * 1000 - Date.now()));
    marks.push(await mark(client, i + 1));
  }
  const bench = await load.done;
  const tps = tpsOf(bench.stdout);
  const between = (a: number, b: number) => new Date((marks[a]!.t.getTime() + marks[b]!.t.getTime()) / 2);
  const targets = [
    {
      name: "early",
      what: `${((params.workloadSeconds * 0.1) / 2).toFixed(0)} s into the load`,
      time: between(0, 1),
      expected: [0],
      walBytes: Number(lsnToBytes(marks[1]!.lsn) - lsnToBytes(rp.lsn)),
    },
    {
      name: "late",
      what: `${(params.workloadSeconds * 0.8).toFixed(0)} s into the load`,
      time: between(4, 5),
      expected: [0, 1, 2, 3, 4],
      walBytes: Number(lsnToBytes(marks[5]!.lsn) - lsnToBytes(rp.lsn)),
    },
  ];
  const [end] = await primary.query<{ lsn: string }>("SELECT pg_switch_wal()::text AS lsn");
  log(
    `targets ${targets.map((x) => x.time.toISOString()).join(", ")}; waiting for both archives to hold marker 5`,
  );
  const needed = segmentName(marks[5]!.lsn);
  await waitFor(
    `pgBackRest's archive to hold ${needed}`,
    async () => (await archivedSegments(br)).has(needed),
    10 * 60_000,
    500,
  );
  await waitWindowReaches(t, "bench", marks[5]!.t, 10 * 60_000);

  const tideline = async (run: number, target: (typeof targets)[number]) => {
    // from the API call until the clone answers
    const t0 = performance.now();
    const r = await t.api().restore.create.mutate({
      cluster: "bench",
      target: { kind: "time", time: target.time.toISOString() },
      ttl: "1h",
    });
    let clone = await t.api().clones.get.query({ id: r.cloneId });
    while (clone.state !== "ready" || !clone.connectionString) {
      if (clone.state === "failed")
        throw new Error(`Tideline restore failed: ${JSON.stringify(clone.error)}`);
      if (performance.now() - t0 > 60 * 60_000) throw new Error("Tideline restore took over an hour");
      await sleep(25);
      clone = await t.api().clones.get.query({ id: r.cloneId });
    }
    const t1 = await waitQueryable({ connectionString: clone.connectionString });
    const seconds = (t1 - t0) / 1000;
    const got = await marksIn({ connectionString: clone.connectionString });
    if (!sameList(got, target.expected))
      throw new Error(`Tideline clone holds markers [${got}], expected [${target.expected}]`);
    const b = recoveryBreakdown(
      await readFile(path.join(t.agentDir, "logs", `clone-${r.cloneId}.log`), "utf8").catch(() => ""),
    );
    log(`run ${run}, ${target.name}: Tideline clone queryable in ${fmtSeconds(seconds)}, markers ${got}`);
    await t.api().clones.destroy.mutate({ id: r.cloneId });
    await waitFor(
      "the clone to be destroyed",
      async () => (await t.api().clones.get.query({ id: r.cloneId })).state === "destroyed",
      120_000,
      250,
    );
    return {
      tool: "Tideline",
      target: target.name,
      run,
      seconds: round(seconds),
      agentSeconds: round(clone.seconds ?? Number.NaN),
      redoSeconds: b.redoSeconds ?? "",
      endOfRecoveryCheckpointSeconds: b.endOfRecoveryCheckpointSeconds ?? "",
      markers: got.join(","),
    };
  };
  const pgbackrest = async (run: number, target: (typeof targets)[number]) => {
    // restore into an empty directory, start, until it answers
    const dir = path.join(br.dir, `restore-${target.name}-${run}`);
    const port = await freePort();
    const logFile = path.join(br.dir, "log", `restore-${target.name}-${run}.log`);
    const t0 = performance.now();
    const { restoreSeconds, server } = await restoreToTime(br, {
      dataDir: path.join(dir, "data"),
      port,
      target: pgTime(target.time),
      logFile,
    });
    try {
      const conn = { host: server.socketDir, port, user: "postgres", database: "postgres" };
      const t1 = await waitQueryable(conn, { alive: server.dead });
      const seconds = (t1 - t0) / 1000;
      const got = await marksIn(conn);
      if (!sameList(got, target.expected))
        throw new Error(`pgBackRest restore holds markers [${got}], expected [${target.expected}]`);
      const b = recoveryBreakdown(await readFile(logFile, "utf8").catch(() => ""));
      log(
        `run ${run}, ${target.name}: pgBackRest queryable in ${fmtSeconds(seconds)} (restore command ${fmtSeconds(restoreSeconds)}), markers ${got}`,
      );
      return {
        tool: "pgBackRest",
        target: target.name,
        run,
        seconds: round(seconds),
        restoreCommandSeconds: round(restoreSeconds),
        redoSeconds: b.redoSeconds ?? "",
        endOfRecoveryCheckpointSeconds: b.endOfRecoveryCheckpointSeconds ?? "",
        markers: got.join(","),
      };
    } finally {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  };

  // interleaved, so that whatever else the machine does weighs on both
  const runs: Array<Record<string, number | string>> = [];
  for (let run = 1; run <= params.runs; run++) {
    for (const target of targets) {
      runs.push(await tideline(run, target));
      runs.push(await pgbackrest(run, target));
    }
  }

  const seconds = (tool: string, target: string) =>
    runs.filter((r) => r.tool === tool && r.target === target).map((r) => Number(r.seconds));
  const summary = targets.map((target) => {
    const tl = seconds("Tideline", target.name);
    const pb = seconds("pgBackRest", target.name);
    return { target, tideline: median(tl), pgbackrest: median(pb), tl, pb };
  });
  report.table(
    `Time to a queryable server at a target time — ${fmtBytes(data.databaseBytes)} database, median of ${params.runs} runs`,
    summary.map((x) => ({
      target: `${x.target.name}: ${x.target.what} (${fmtBytes(x.target.walBytes)} of WAL after Tideline's restore point)`,
      Tideline: `${fmtSeconds(x.tideline)} (${fmtSeconds(Math.min(...x.tl))}–${fmtSeconds(Math.max(...x.tl))})`,
      [`pgBackRest (${br.compressType}, process-max ${br.processMax})`]: `${fmtSeconds(x.pgbackrest)} (${fmtSeconds(Math.min(...x.pb))}–${fmtSeconds(Math.max(...x.pb))})`,
      "Tideline vs pgBackRest": speedup(x.pgbackrest, x.tideline),
    })),
  );
  report.table("Runs", runs);
  report.table("Setup", [
    { item: "database size (pg_database_size)", value: fmtBytes(data.databaseBytes) },
    { item: "pgbench scale / random-bytes rows", value: `${data.pgbenchScale} / ${data.noiseRows}` },
    {
      item: "Tideline protect (pg_basebackup into zfs-fuse + replica + first restore point)",
      value: fmtSeconds(protectSeconds),
    },
    {
      item: "pgBackRest full backup (process-max, compress)",
      value: `${fmtSeconds(backup.seconds)} (${br.processMax}, ${br.compressType}), ${fmtBytes(backup.repoBytes)} stored`,
    },
    {
      item: "workload",
      value: `pgbench -c ${params.clients}, ${params.workloadSeconds} s, ${tps ? `${tps.toFixed(0)} tps` : "?"}`,
    },
    {
      item: "WAL from pgBackRest's backup start / Tideline's restore point to marker 5",
      value: `${fmtBytes(Number(lsnToBytes(marks[5]!.lsn) - lsnToBytes(backup.startLsn)))} / ${fmtBytes(Number(lsnToBytes(marks[5]!.lsn) - lsnToBytes(rp.lsn)))}`,
    },
  ]);
  report.note(
    "Tideline: from restore.create until SELECT 1 answers on the clone and pg_is_in_recovery() is false; pgBackRest: from `pgbackrest restore` until the same on the restored server (restore command + server start + recovery + promote). Both checked to hold exactly the marker rows committed before the target.",
  );
  report.note(
    "Both start from a full copy taken just before the workload (pgBackRest's the newer), so both replay the same WAL; in production Tideline's newest restore point is at most its snapshot interval (default 15 min) old while a pgBackRest full backup is often a day old.",
  );
  report.note(
    "Tideline's clone lives on zfs-fuse (FUSE), pgBackRest restores onto the local ext4 disk: redoSeconds and endOfRecoveryCheckpointSeconds (from each server's log) show where the time goes.",
  );
  await report.write({
    database: data,
    targets: targets.map((x) => ({ ...x, time: x.time.toISOString() })),
    lastWal: end?.lsn,
    workloadTps: tps,
    protectSeconds,
    pgbackrestBackup: backup,
    tidelineRestorePoint: { id: rp.id, lsn: rp.lsn, dataTime: rp.dataTime },
    medianSeconds: Object.fromEntries(
      summary.map((x) => [
        x.target.name,
        { tideline: x.tideline, pgbackrest: x.pgbackrest, ratio: x.pgbackrest / x.tideline },
      ]),
    ),
    runs,
  });
});

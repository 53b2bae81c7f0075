// Benchmark 2 — RPO under load: pgbench on the primary, a marker row committed every couple of
// seconds, and for each marker the seconds (and WAL bytes) between its commit returning and its
// WAL being durable on the storage host:
//   - Tideline: pg_receivewal --synchronous reports the flush (pg_stat_replication.flush_lsn of its
//     walsender) past the commit; and, separately, when the recoverable window (clusters.window,
//     what a restore can target) reaches it;
//   - pgBackRest archive-push (async): when the WAL segment holding the commit appears in the
//     repository. archive_command ships completed segments only, so this is bounded by
//     archive_timeout (60 s here, a common production value) or the time to fill 16 MiB.
// Afterwards every marker's COMMIT record is looked up with pg_waldump in Tideline's archive.
//
//   pnpm --filter @tideline/bench rpo
import { parseLsn, walFileNameForLsn } from "@tideline/core";
import { copyFile, readdir, rm } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { findBinDir, makeTempDir, run } from "@tideline/postgres";
import { benchmark, log } from "./lib/cleanup";
import { num } from "./lib/params";
import {
  loadData,
  mark,
  type Mark,
  primaryClient,
  startPrimary,
  steadyLoad,
} from "./lib/pg";
import { archivedSegments, preparePgBackRest } from "./lib/pgbackrest";
import { Report } from "./lib/report";
import { fmtBytes, fmtSeconds, round, speedup, summarize } from "./lib/stats";
import { protect, startTideline } from "./lib/tideline";

const params = {
  scaleGb: num("scale-gb", 0.2),
  durationSeconds: num("duration-seconds", 180),
  markEveryMs: num("mark-every-ms", 2000),
  tps: num("tps", 300),
  clients: num("clients", 2),
  archiveTimeoutSeconds: num("archive-timeout", 60),
};

const SEG = 16 * 2 ** 20;

interface Sample {
  mark: Mark;
  tidelineBytesAtRisk: number;
  pgbackrestBytesAtRisk: number;
  tidelineDurableMs?: number;
  windowMs?: number;
  pgbackrestMs?: number;
}

await benchmark("rpo", async (cleanup) => {
  const report = new Report("rpo", params);
  const t = await startTideline(cleanup, { poolGiB: 8 });
  const br = await preparePgBackRest(cleanup);
  const primary = await startPrimary(cleanup, {
    archive_mode: "on",
    archive_command: br.archiveCommand,
    archive_timeout: params.archiveTimeoutSeconds,
  });
  await br.configure(primary);
  await loadData(primary, params.scaleGb);
  await protect(t, primary, "bench");

  const watch = primaryClient(primary);
  await watch.connect();
  cleanup.add("close the watcher connection", () => watch.end());
  const marker = primaryClient(primary);
  await marker.connect();
  cleanup.add("close the marker connection", () => marker.end());
  const flushLsn = async () => {
    const r = await watch.query<{ lsn: string | null }>(
      "SELECT flush_lsn::text AS lsn FROM pg_stat_replication WHERE application_name = 'tideline_wal_bench'",
    );
    return r.rows[0]?.lsn ? parseLsn(r.rows[0].lsn) : 0n;
  };
  if ((await flushLsn()) === 0n) throw new Error("Tideline's pg_receivewal is not connected to the primary");

  const samples: Sample[] = [];
  let archivedEnd = 0n; // end of the newest segment in pgBackRest's repository
  let stop = false;
  const t0 = Date.now();

  // Pollers: the receiver's flush position (every 10 ms), the window API (every 250 ms), the
  // repository (every 200 ms). Each resolves the markers it now covers.
  const pollFlush = (async () => {
    while (!stop) {
      const f = await flushLsn();
      const now = Date.now();
      for (const s of samples)
        if (s.tidelineDurableMs === undefined && f >= parseLsn(s.mark.lsn))
          s.tidelineDurableMs = now - s.mark.committedAt;
      await sleep(10);
    }
  })();
  const pollWindow = (async () => {
    while (!stop) {
      const w = await t.api().clusters.window.query({ cluster: "bench" });
      const to = w.timelines.at(-1)?.toLsn;
      const now = Date.now();
      if (to)
        for (const s of samples)
          if (s.windowMs === undefined && parseLsn(to) >= parseLsn(s.mark.lsn))
            s.windowMs = now - s.mark.committedAt;
      await sleep(250);
    }
  })();
  const pollRepo = (async () => {
    while (!stop) {
      const segs = await archivedSegments(br);
      const now = Date.now();
      let newest = 0n;
      for (const s of segs) {
        const n = BigInt(`0x${s.slice(8, 16)}`) * BigInt(2 ** 32 / SEG) + BigInt(`0x${s.slice(16)}`);
        if (n + 1n > newest) newest = n + 1n;
      }
      archivedEnd = newest * BigInt(SEG);
      for (const s of samples)
        if (s.pgbackrestMs === undefined && segs.has(walFileNameForLsn(1, s.mark.lsn)))
          s.pgbackrestMs = now - s.mark.committedAt;
      await sleep(200);
    }
  })();
  cleanup.add("stop the pollers", async () => {
    stop = true;
    await Promise.allSettled([pollFlush, pollWindow, pollRepo]);
  });

  const progress = async () =>
    (
      await primary.query<{ lsn: string; n: string }>(
        "SELECT pg_current_wal_lsn()::text AS lsn, (SELECT count(*) FROM pgbench_history)::text AS n",
      )
    )[0]!;
  const before = await progress();
  const tail = params.archiveTimeoutSeconds * 2 + 60;
  log(
    `load: pgbench -c ${params.clients} -R ${params.tps} for ${params.durationSeconds} s, a marker every ${params.markEveryMs} ms, then up to ${tail} s for the archives to catch up`,
  );
  const load = steadyLoad(primary, {
    clients: params.clients,
    tps: params.tps,
    seconds: params.durationSeconds + tail,
  });
  cleanup.add("stop pgbench", () => load.stop());
  for (let i = 1; Date.now() - t0 < params.durationSeconds * 1000; i++) {
    await sleep(Math.max(0, t0 + i * params.markEveryMs - Date.now()));
    const m = await mark(marker, i);
    const f = await flushLsn();
    const seenAt = Date.now();
    const commit = parseLsn(m.lsn);
    samples.push({
      mark: m,
      tidelineBytesAtRisk: Number(commit > f ? commit - f : 0n),
      pgbackrestBytesAtRisk: Number(commit > archivedEnd ? commit - archivedEnd : 0n),
      // already durable when we first asked
      ...(f >= commit ? { tidelineDurableMs: seenAt - m.committedAt } : {}),
    });
  }
  const after = await progress();
  const elapsed = (Date.now() - t0) / 1000;
  const walRate = Number(parseLsn(after.lsn) - parseLsn(before.lsn)) / elapsed;
  const tps = (Number(after.n) - Number(before.n)) / elapsed;
  log(
    `${samples.length} markers committed; WAL rate ${fmtBytes(walRate)}/s; waiting for every marker to be durable everywhere`,
  );
  const deadline = Date.now() + tail * 1000;
  while (
    samples.some(
      (s) => s.pgbackrestMs === undefined || s.tidelineDurableMs === undefined || s.windowMs === undefined,
    ) &&
    Date.now() < deadline
  )
    await sleep(500);
  await load.stop();
  stop = true;
  await Promise.allSettled([pollFlush, pollWindow, pollRepo]);
  const missing = samples.filter(
    (s) => s.pgbackrestMs === undefined || s.tidelineDurableMs === undefined || s.windowMs === undefined,
  );
  if (missing.length)
    throw new Error(`${missing.length} markers never became durable: ${JSON.stringify(missing.slice(0, 3))}`);

  // Correctness: every marker's COMMIT is in Tideline's archive (pg_waldump of the streamed WAL,
  // .partial included), and pgBackRest's repository holds every marker's segment.
  const walDir = path.join(t.pool.mountpoint, "tideline", "bench", "wal");
  const copy = await makeTempDir("tideline-bench-wal-");
  cleanup.add("remove the WAL copy", () => rm(copy, { recursive: true, force: true }));
  const files = (await readdir(walDir)).filter((f) => /^[0-9A-F]{24}(\.partial)?$/.test(f)).sort();
  for (const f of files) await copyFile(path.join(walDir, f), path.join(copy, f.replace(/\.partial$/, "")));
  const segs = files.map((f) => f.slice(0, 24));
  const dump = await run(
    path.join(findBinDir(), "pg_waldump"),
    ["-p", copy, "--rmgr=Transaction", segs[0]!, segs.at(-1)!],
    { allowFail: true },
  );
  const committed = new Set(
    [...dump.stdout.matchAll(/tx:\s+(\d+), lsn: [0-9A-F]+\/[0-9A-F]+.*desc: COMMIT/g)].map((m) => m[1]!),
  );
  const notFound = samples.filter((s) => !committed.has(String(BigInt(s.mark.xid) % 2n ** 32n)));
  if (notFound.length)
    throw new Error(
      `${notFound.length} marker commits are not in Tideline's archive (pg_waldump): xids ${notFound.slice(0, 5).map((s) => s.mark.xid)}`,
    );
  const inRepo = await archivedSegments(br);
  if (samples.some((s) => !inRepo.has(walFileNameForLsn(1, s.mark.lsn))))
    throw new Error("pgBackRest's repository lacks a marker's segment");
  log(
    `checked: all ${samples.length} marker COMMIT records are in Tideline's archive; all their segments are in pgBackRest's repository`,
  );

  const row = (tool: string, measured: string, ms: number[], bytes: number[] | null) => {
    const s = summarize(ms.map((v) => v / 1000));
    const b = bytes ? summarize(bytes) : null;
    return {
      tool,
      measured,
      "median s": fmtSeconds(s.median),
      "p99 s": fmtSeconds(s.p99),
      "max s": fmtSeconds(s.max),
      "median bytes at risk": b ? fmtBytes(b.median) : "-",
      "p99 bytes at risk": b ? fmtBytes(b.p99) : "-",
      n: s.n,
    };
  };
  const tDur = samples.map((s) => s.tidelineDurableMs!);
  const tWin = samples.map((s) => s.windowMs!);
  const pDur = samples.map((s) => s.pgbackrestMs!);
  report.table(
    `RPO under load — pgbench ${tps.toFixed(0)} tps, WAL ${fmtBytes(walRate)}/s, ${samples.length} markers`,
    [
      row(
        "Tideline",
        "fsynced on the storage host (pg_receivewal --synchronous)",
        tDur,
        samples.map((s) => s.tidelineBytesAtRisk),
      ),
      row("Tideline", "in the recoverable window (clusters.window toLsn)", tWin, null),
      row(
        "pgBackRest",
        `segment in the repository (archive-push async, archive_timeout=${params.archiveTimeoutSeconds}s)`,
        pDur,
        samples.map((s) => s.pgbackrestBytesAtRisk),
      ),
    ],
  );
  const tMed = summarize(tDur).median;
  const pMed = summarize(pDur).median;
  report.table("Ratio (pgBackRest ÷ Tideline, durable on the storage host)", [
    {
      statistic: "median",
      Tideline: fmtSeconds(tMed / 1000),
      pgBackRest: fmtSeconds(pMed / 1000),
      "Tideline vs pgBackRest": speedup(pMed, tMed),
    },
    {
      statistic: "p99",
      Tideline: fmtSeconds(summarize(tDur).p99 / 1000),
      pgBackRest: fmtSeconds(summarize(pDur).p99 / 1000),
      "Tideline vs pgBackRest": speedup(summarize(pDur).p99, summarize(tDur).p99),
    },
  ]);
  report.note(
    "Seconds: from the marker's COMMIT returning to the first poll that sees it durable (resolution: 10 ms for the receiver's flush position, 250 ms for the window API, 200 ms for the repository listing).",
  );
  report.note(
    "Bytes at risk: WAL the primary had written past what the storage host had made durable, sampled right after each commit (Tideline: commit LSN − pg_receivewal's flush LSN; pgBackRest: commit LSN − end of the newest archived segment).",
  );
  report.note(
    `pgBackRest's RPO is bounded by archive_timeout (${params.archiveTimeoutSeconds} s) or the time this load takes to fill a 16 MiB segment (${fmtSeconds(SEG / walRate)} at ${fmtBytes(walRate)}/s), whichever is shorter; a smaller archive_timeout shortens it at the cost of a 16 MiB segment per timeout in the repository (compressed).`,
  );
  report.note(
    "The window API lags the durable position by the agent's status interval (TIDELINE_STATUS_MS, default 5 s): the WAL is safe before the console shows it.",
  );
  report.note(
    `p99 over ${samples.length} samples is close to the maximum; run longer (BENCH_DURATION_SECONDS) for a steadier tail.`,
  );
  await report.write({
    workloadTps: tps,
    walBytesPerSecond: walRate,
    seconds: {
      tidelineDurable: summarize(tDur.map((v) => v / 1000)),
      tidelineWindow: summarize(tWin.map((v) => v / 1000)),
      pgbackrest: summarize(pDur.map((v) => v / 1000)),
    },
    bytesAtRisk: {
      tideline: summarize(samples.map((s) => s.tidelineBytesAtRisk)),
      pgbackrest: summarize(samples.map((s) => s.pgbackrestBytesAtRisk)),
    },
    ratioMedian: round(pMed / tMed, 1),
    samples: samples.map((s) => ({
      id: s.mark.id,
      lsn: s.mark.lsn,
      tidelineMs: s.tidelineDurableMs,
      windowMs: s.windowMs,
      pgbackrestMs: s.pgbackrestMs,
      tidelineBytesAtRisk: s.tidelineBytesAtRisk,
      pgbackrestBytesAtRisk: s.pgbackrestBytesAtRisk,
    })),
  });
});

// Benchmark — what the immediate checkpoints of restore points cost the primary. A replica-mode
// restore point runs CHECKPOINT on the primary (so a clone replays from next to the point, not
// from the primary's last timed checkpoint); that flushes the primary's dirty buffers and makes
// the following writes log full pages again. Measured: pgbench at a steady rate for the same
// time alone, with only a CHECKPOINT on the primary every `every-seconds`, and with a restore
// point every `every-seconds`, each phase starting right after a CHECKPOINT (the same
// full-page-write state): WAL written (pg_current_wal_lsn() before and after), transaction
// latency (pgbench -l: mean, p99, max; with -R measured from the scheduled start, so waiting
// behind a checkpoint counts), and for the points their redo → LSN gap.
//
//   pnpm --filter @tideline/bench checkpoint-cost [--seconds=60 --every-seconds=15 --tps=200 --rounds=1]
import { parseLsn } from "@tideline/core";
import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { chownToServiceUser, makeTempDir, resolveServiceUser } from "@tideline/postgres";
import { benchmark, type Cleanup, log } from "./lib/cleanup";
import { num } from "./lib/params";
import { loadData, type Primary, startPrimary, steadyLoad, tpsOf } from "./lib/pg";
import { Report, type Row } from "./lib/report";
import { fmtBytes, fmtSeconds, round, summarize } from "./lib/stats";
import { protect, startTideline, type Tideline, takeRestorePoint } from "./lib/tideline";

const params = {
  scaleGb: num("scale-gb", 0.5),
  seconds: num("seconds", 60),
  everySeconds: num("every-seconds", 15),
  tps: num("tps", 200),
  clients: num("clients", 2),
  rounds: num("rounds", 1),
};

/** none: the load alone; checkpoints: only CHECKPOINT on the primary; restore points: the product's. */
type Mode = "none" | "checkpoints" | "restore points";

type Phase = {
  mode: Mode;
  walBytes: number;
  tps: number | null;
  latencyMs: ReturnType<typeof summarize>;
  points: Array<{ seconds: number; lsn: string; redoLsn: string | null; gapBytes: number | null }>;
};

async function currentLsn(primary: Primary): Promise<string> {
  const [r] = await primary.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn");
  return r!.lsn;
}

/** Per-transaction latencies (ms) from pgbench -l files: field 3 is the latency in µs. */
async function latencies(dir: string): Promise<number[]> {
  const out: number[] = [];
  for (const f of await readdir(dir)) {
    for (const line of (await readFile(path.join(dir, f), "utf8")).split("\n")) {
      const us = Number(line.split(" ")[2]);
      if (line && Number.isFinite(us)) out.push(us / 1000);
    }
  }
  return out;
}

async function phase(cleanup: Cleanup, t: Tideline, primary: Primary, mode: Mode): Promise<Phase> {
  // the same starting point for every phase: nothing dirty, every page's next change a full page
  await primary.query("CHECKPOINT");
  const logDir = await makeTempDir("tideline-bench-pgbench-log-");
  cleanup.add("remove pgbench's logs", () => rm(logDir, { recursive: true, force: true }));
  await chownToServiceUser(logDir, resolveServiceUser());
  const from = await currentLsn(primary);
  const load = steadyLoad(primary, { clients: params.clients, tps: params.tps, seconds: params.seconds }, [
    "-l",
    `--log-prefix=${path.join(logDir, "tx")}`,
  ]);
  cleanup.add("stop pgbench", () => load.stop());
  const points: Phase["points"] = [];
  if (mode !== "none") {
    const started = performance.now();
    for (;;) {
      await sleep(
        params.everySeconds * 1000 - ((performance.now() - started) % (params.everySeconds * 1000)),
      );
      if (performance.now() - started > (params.seconds - 1) * 1000) break;
      if (mode === "checkpoints") {
        // what a restore point asks of the primary, without the replica's restartpoint and the
        // snapshot (which, on this one machine, share the primary's disk)
        const t0 = performance.now();
        await primary.query("CHECKPOINT");
        points.push({
          seconds: round((performance.now() - t0) / 1000),
          lsn: "",
          redoLsn: null,
          gapBytes: null,
        });
        continue;
      }
      const rp = await takeRestorePoint(t, "bench");
      const r = rp.result as typeof rp.result & { redoLsn?: string | null };
      const gapBytes = r.redoLsn ? Number(parseLsn(r.lsn) - parseLsn(r.redoLsn)) : null;
      points.push({ seconds: round(rp.seconds), lsn: r.lsn, redoLsn: r.redoLsn ?? null, gapBytes });
      log(
        `restore point at ${r.lsn}, redo ${r.redoLsn} (${gapBytes === null ? "?" : fmtBytes(gapBytes)} apart), took ${fmtSeconds(rp.seconds)}`,
      );
    }
  }
  const { stdout } = await load.done;
  const to = await currentLsn(primary);
  const lat = await latencies(logDir);
  return {
    mode,
    walBytes: Number(parseLsn(to) - parseLsn(from)),
    tps: tpsOf(stdout),
    latencyMs: summarize(lat),
    points,
  };
}

await benchmark("checkpoint-cost", async (cleanup) => {
  const report = new Report("checkpoint-cost", params);
  const t = await startTideline(cleanup, { poolGiB: Math.max(8, Math.ceil(params.scaleGb * 12)) });
  const primary = await startPrimary(cleanup);
  const data = await loadData(primary, params.scaleGb);
  await protect(t, primary, "bench");
  const phases: Phase[] = [];
  for (let round_ = 1; round_ <= params.rounds; round_++) {
    for (const mode of ["none", "checkpoints", "restore points"] as const) {
      log(
        `round ${round_}: pgbench -R ${params.tps} for ${params.seconds} s; every ${params.everySeconds} s: ${mode}`,
      );
      phases.push(await phase(cleanup, t, primary, mode));
    }
  }
  const rows: Row[] = phases.map((p) => {
    const gaps = p.points.map((x) => x.gapBytes).filter((g): g is number => g !== null);
    return {
      [`every ${params.everySeconds} s`]: p.mode === "none" ? "nothing" : `${p.mode} (${p.points.length})`,
      tps: p.tps === null ? "-" : p.tps.toFixed(0),
      "WAL written": fmtBytes(p.walBytes),
      "latency mean": `${p.latencyMs.mean.toFixed(2)} ms`,
      "latency p99": `${p.latencyMs.p99.toFixed(2)} ms`,
      "latency max": `${p.latencyMs.max.toFixed(1)} ms`,
      "redo → LSN (max)": gaps.length ? fmtBytes(Math.max(...gaps)) : "-",
      "each took (median)": p.points.length
        ? fmtSeconds(summarize(p.points.map((x) => x.seconds)).median)
        : "-",
    };
  });
  report.table(
    `The primary under pgbench -R ${params.tps} (-c ${params.clients}) for ${params.seconds} s: alone, with a CHECKPOINT, and with a restore point every ${params.everySeconds} s`,
    rows,
  );
  report.note(
    "Each restore point runs CHECKPOINT on the primary: its dirty buffers are written at once and the next change of every page is logged as a full page, so WAL grows with the number of restore points; the latency columns show whether transactions waited for it.",
  );
  report.note("Every phase starts right after a CHECKPOINT, so all begin in the same full-page-write state.");
  report.note(
    "`checkpoints` isolates what the primary is asked for; `restore points` adds the replica's restartpoint and the snapshot, which here share the primary's machine and disk (in production they run on the storage host).",
  );
  await report.write({ database: data, phases });
});

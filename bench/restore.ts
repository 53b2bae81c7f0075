// Benchmark 1 — time to a queryable server at a target time, the way users restore: random
// seconds of a window of steady load, each tool keeping the restore points / backups its users
// keep (the cadence compressed by one time-scale factor, printed), each restore timed from the
// first command until `SELECT 1` answers on a promoted server holding exactly the marker rows
// committed before the target.
// - Tideline: restore points on its default schedule (every 15 min → 1 min at the default ×15
//   scale, and its WAL-volume cadence as configured by default) on a loop-mounted btrfs
//   (`--storage zfs` for zfs-fuse); each target is planned (restore.plan: replayBytes, estimate)
//   right before restore.create.
// - pgBackRest 2.45: a full backup at the start and incrementals every hour (→ 4 min), process-max
//   = cores, compress-type=zst; `pgbackrest restore --type=time` (it picks the backup set) onto the
//   local disk, then the server started.
// Every restore is split by the servers' own logs into replay (redo start → target) and the time
// outside replay (clone or copy, start, promote, login).
//
//   pnpm --filter @tideline/bench restore                                   # 1 GB, btrfs, 10 min, 20 targets
//   BENCH_LOAD_MINUTES=2 BENCH_TARGETS=3 BENCH_SCALE_GB=0.3 pnpm --filter @tideline/bench restore
//   pnpm --filter @tideline/bench restore --storage=zfs --seed=42
import { parseLsn, walFileNameForLsn } from "@tideline/core";
import { execFileSync } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "@tideline/postgres";
import { waitFor } from "@tideline/testkit";
import { benchmark, log } from "./lib/cleanup";
import { num, str } from "./lib/params";
import {
  loadData,
  mark,
  type Mark,
  marksIn,
  primaryClient,
  type RecoveryTimeline,
  recoveryTimeline,
  sameList,
  startPrimary,
  steadyLoad,
  waitQueryable,
} from "./lib/pg";
import {
  archivedSegments,
  type BackupInfo,
  backup,
  lastRestoredSet,
  preparePgBackRest,
  restoreToTime,
} from "./lib/pgbackrest";
import { Report, type Row } from "./lib/report";
import { fmtBytes, fmtSeconds, percentile, round, seededRandom, speedup } from "./lib/stats";
import { destroyClone, protect, type StorageKind, startTideline, waitWindowReaches } from "./lib/tideline";

const storage = str("storage", "btrfs");
if (storage !== "btrfs" && storage !== "zfs")
  throw new Error(`--storage must be btrfs or zfs, got ${storage}`);
const params = {
  scaleGb: num("scale-gb", 1),
  storage: storage as StorageKind,
  loadMinutes: num("load-minutes", 10),
  targets: num("targets", 20),
  seed: num("seed", Math.floor(Math.random() * 2 ** 31)),
  /** Real cadences are divided by this: 15 min → 1 min, 1 h → 4 min. */
  timeScale: num("time-scale", 15),
  tps: num("tps", 250),
  clients: num("clients", 2),
  markEverySeconds: num("mark-every-seconds", 2),
};
const cadence = {
  tidelineSeconds: Math.max(1, Math.round((15 * 60) / params.timeScale)),
  pgbackrestIncrSeconds: Math.max(1, Math.round(3600 / params.timeScale)),
};

/** recovery_target_time as pgBackRest wants it ("YYYY-MM-DD HH:MM:SS.mmm+00"), UTC. */
function pgTime(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}+00`;
}

function sh(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 10_000,
    }).trim();
  } catch {
    return "?";
  }
}

/** "ext4 on /dev/vda": the filesystem a directory lives on. */
function filesystemOf(dir: string): string {
  const [fstype = "?", source = "?"] = sh("df", ["--output=fstype,source", dir])
    .split("\n")
    .at(-1)!
    .trim()
    .split(/\s+/);
  return `${fstype} on ${source}`;
}

interface Target {
  n: number;
  time: Date;
  /** Seconds into the load window. */
  offset: number;
  expected: number[];
}

interface Restore {
  tool: "Tideline" | "pgBackRest";
  target: number;
  ok: boolean;
  error?: string;
  seconds: number;
  replaySeconds: number | null;
  outsideReplaySeconds: number | null;
  /** Tideline: restore.plan's replayBytes (an upper bound for a time target), taken right before the restore. */
  plannedReplayBytes: number | null;
  plannedSeconds: number | null;
  /** WAL replayed, from the LSNs the server logged ("redo starts at" → "redo done at"). */
  replayedBytes: number | null;
  /** From the first command to "starting PostgreSQL" (Tideline: API, job, clone, config; pgBackRest: the restore command). */
  beforeStartSeconds: number | null;
  /** "starting PostgreSQL" → "redo starts" (reading the checkpoint, the first WAL segment). */
  startToRedoSeconds: number | null;
  /** Target reached → "ready to accept connections" (Tideline: pause seen, pg_promote(); pgBackRest: end-of-recovery checkpoint). */
  promoteSeconds: number | null;
  /** "ready to accept connections" → SELECT 1 answered here (Tideline: replay settings reset, login, clone state). */
  readyToQueryableSeconds: number | null;
  restoreCommandSeconds?: number;
  /**
   * Tideline, seconds from restore.create: the clone job started on the agent, the job finished
   * (after promotion: replay settings reset, login created), the benchmark saw the clone "ready".
   */
  job?: {
    started: number | null;
    finished: number | null;
    readySeen: number;
    /** PostgreSQL 16 and later: the agent's "promoting" event − target reached; then → ready (null where the clone promoted itself through its trigger file). */
    pauseSeenSeconds: number | null;
    promotionSeconds: number | null;
    events: Array<{ s: number; message: string }>;
  };
  targetReachedAt: number | null;
  readyAt: number | null;
  /** The restore point / backup set it started from. */
  from: string;
  markers: number;
}

function phases(tl: RecoveryTimeline, t0wall: number, seconds: number) {
  const s = (a: number | null, b: number | null) => (a !== null && b !== null ? round((b - a) / 1000) : null);
  const end = t0wall + seconds * 1000;
  return {
    replaySeconds: tl.replaySeconds === null ? null : round(tl.replaySeconds),
    outsideReplaySeconds: tl.replaySeconds === null ? null : round(seconds - tl.replaySeconds),
    replayedBytes: tl.replayedBytes,
    beforeStartSeconds: s(t0wall, tl.started),
    startToRedoSeconds: s(tl.started, tl.redoStarts),
    promoteSeconds: s(tl.targetReached ?? tl.redoDone, tl.ready),
    readyToQueryableSeconds: s(tl.ready, end),
    /** Seconds from the first command: the target reached, the server out of recovery (its log). */
    targetReachedAt: s(t0wall, tl.targetReached ?? tl.redoDone),
    readyAt: s(t0wall, tl.ready),
  };
}

await benchmark("restore", async (cleanup) => {
  const defaultRun = params.storage === "btrfs" && params.scaleGb === 1;
  const report = new Report(defaultRun ? "restore" : `restore-${params.storage}-${params.scaleGb}gb`, {
    ...params,
    cadence,
  });
  log(
    `seed ${params.seed}; cadences ÷${params.timeScale}: Tideline every ${cadence.tidelineSeconds} s, pgBackRest incremental every ${cadence.pgbackrestIncrSeconds} s`,
  );
  const poolGiB = Math.max(20, Math.ceil(params.scaleGb * 6 + 8));
  const t = await startTideline(cleanup, { poolGiB, storage: params.storage });
  const br = await preparePgBackRest(cleanup);
  const storageText =
    params.storage === "btrfs"
      ? `Tideline's pool: btrfs (kernel ${os.release()}, ${sh("btrfs", ["--version"])}) on a loop device, a ${poolGiB} GiB sparse file on ${filesystemOf(t.pool.dir)}`
      : `Tideline's pool: zfs-fuse ${sh("dpkg-query", ["-W", "-f=$" + "{Version}", "zfs-fuse"])} (FUSE, pool version 23) on a ${poolGiB} GiB sparse file on ${filesystemOf(t.pool.dir)}`;
  const pgbrFs = filesystemOf(br.dir);
  report.storage = `${storageText}; pgBackRest restores onto ${pgbrFs}`;
  log(report.storage);
  const primary = await startPrimary(cleanup, {
    archive_mode: "on",
    archive_command: br.archiveCommand,
    archive_timeout: 60,
  });
  await br.configure(primary);
  const data = await loadData(primary, params.scaleGb);

  // Each tool's cadence starts now: Tideline's schedule with protection (its first restore point),
  // pgBackRest's full backup right after it.
  const protectSeconds = await protect(t, primary, "bench", { snapshotEvery: `${cadence.tidelineSeconds}s` });
  const cluster = await t.api().clusters.get.query({ cluster: "bench" });
  const walCadence = (cluster as { snapshotWalBytes?: number }).snapshotWalBytes ?? null;
  log(
    `Tideline: restore points every ${cadence.tidelineSeconds} s and every ${fmtBytes(walCadence ?? Number.NaN)} of WAL`,
  );
  log("pgBackRest full backup");
  const backups: BackupInfo[] = [await backup(br, "full")];
  log(
    `pgBackRest full backup ${backups[0]!.label} in ${fmtSeconds(backups[0]!.seconds)}, ${fmtBytes(backups[0]!.repoBytes)} stored`,
  );

  // The load window: pgbench at a steady rate, a marker row every couple of seconds on its own
  // connection, pgBackRest incrementals on their cadence; Tideline's scheduler does its own.
  const client = primaryClient(primary);
  await client.connect();
  cleanup.add("close the marker connection", () => client.end());
  const loadSeconds = Math.round(params.loadMinutes * 60);
  const marks: Mark[] = [await mark(client, 0)];
  log(
    `load: pgbench -R ${params.tps} -c ${params.clients} for ${loadSeconds} s, a marker every ${params.markEverySeconds} s`,
  );
  const [{ lsn: windowStartLsn } = { lsn: "0/0" }] = await primary.query<{ lsn: string }>(
    "SELECT pg_current_wal_lsn()::text AS lsn",
  );
  const load = steadyLoad(primary, { clients: params.clients, tps: params.tps, seconds: loadSeconds });
  cleanup.add("stop pgbench", () => load.stop());
  const windowStart = Date.now();
  const windowEnd = windowStart + loadSeconds * 1000;
  const incrementals = (async () => {
    for (let k = 1; windowStart + k * cadence.pgbackrestIncrSeconds * 1000 < windowEnd; k++) {
      await sleep(Math.max(0, windowStart + k * cadence.pgbackrestIncrSeconds * 1000 - Date.now()));
      const b = await backup(br, "incr");
      backups.push(b);
      log(`pgBackRest incremental ${b.label} in ${fmtSeconds(b.seconds)}, ${fmtBytes(b.deltaBytes)} copied`);
    }
  })();
  for (let i = 1; Date.now() < windowEnd; i++) {
    await sleep(Math.max(0, windowStart + i * params.markEverySeconds * 1000 - Date.now()));
    if (Date.now() >= windowEnd) break;
    marks.push(await mark(client, i));
  }
  const bench = await load.done;
  await incrementals;
  const last = await mark(client, marks.length);
  marks.push(last);
  const [{ lsn: windowEndLsn } = { lsn: "0/0" }] = await primary.query<{ lsn: string }>(
    "SELECT pg_current_wal_lsn()::text AS lsn",
  );
  await primary.query("SELECT pg_switch_wal()");
  // no restore point lands in the middle of a measurement from now on
  await t.api().clusters.update.mutate({ cluster: "bench", snapshotEvery: "24h", snapshotWal: "off" });
  const tpsText = /tps = ([\d.]+)/.exec(bench.stdout)?.[1];
  const pgbenchTps = tpsText ? Number(tpsText).toFixed(1) : undefined;
  const lagMs = /rate limit schedule lag: avg ([\d.]+)/.exec(bench.stdout)?.[1];
  const windowWal = Number(parseLsn(windowEndLsn) - parseLsn(windowStartLsn));
  log(
    `load done: ${pgbenchTps ?? "?"} tps, ${marks.length} markers, ${fmtBytes(windowWal)} of WAL (${fmtBytes(windowWal / loadSeconds)}/s)`,
  );

  // Random seconds of the window (seeded), each moved out of the ±100 ms around a marker's commit
  // so that which markers a restored server must hold is never ambiguous.
  const rnd = seededRandom(params.seed);
  const targets: Target[] = [];
  for (let n = 1; n <= params.targets; n++) {
    let time = windowStart + rnd() * loadSeconds * 1000;
    for (const m of marks)
      if (time >= m.t.getTime() - 100 && time <= m.committedAt + 100) time = m.committedAt + 101;
    targets.push({
      n,
      time: new Date(time),
      offset: round((time - windowStart) / 1000, 1),
      expected: marks.filter((m) => m.committedAt < time).map((m) => m.id),
    });
  }
  log(`targets (s into the window): ${targets.map((x) => x.offset).join(", ")}`);
  const needed = walFileNameForLsn(1, last.lsn);
  await waitFor(
    `pgBackRest's archive to hold ${needed}`,
    async () => (await archivedSegments(br)).has(needed),
    10 * 60_000,
    500,
  );
  await waitWindowReaches(t, "bench", last.t, 10 * 60_000);
  const restorePoints = (await t.api().restorePoints.list.query({ cluster: "bench" })).filter(
    (r) => r.kind !== "clone",
  );

  const problems: string[] = [];
  const tideline = async (target: Target): Promise<Restore> => {
    const api = t.api();
    const input = { cluster: "bench", target: { kind: "time" as const, time: target.time.toISOString() } };
    const plan = await api.restore.plan.query(input);
    const t0wall = Date.now();
    const t0 = performance.now();
    const r = await api.restore.create.mutate({ ...input, ttl: "1h" });
    let clone = await api.clones.get.query({ id: r.cloneId });
    while (clone.state !== "ready" || !clone.connectionString) {
      if (clone.state === "failed")
        throw new Error(`Tideline restore failed: ${JSON.stringify(clone.error)}`);
      if (performance.now() - t0 > 30 * 60_000) throw new Error("Tideline restore took over 30 minutes");
      await sleep(25);
      clone = await api.clones.get.query({ id: r.cloneId });
    }
    const readySeen = (performance.now() - t0) / 1000;
    const t1 = await waitQueryable({ connectionString: clone.connectionString });
    const seconds = (t1 - t0) / 1000;
    const got = await marksIn({ connectionString: clone.connectionString });
    const logText = await readFile(path.join(t.agentDir, "logs", `clone-${r.cloneId}.log`), "utf8").catch(
      () => "",
    );
    const j = await api.jobs.get.query({ id: r.jobId });
    const since = (d: Date | string | null) => (d ? round((new Date(d).getTime() - t0wall) / 1000) : null);
    const events = j.events
      .filter((e) => !/^replayed to /.test(e.message))
      .map((e) => ({ s: since(e.at) ?? Number.NaN, message: e.message.slice(0, 400) }));
    const p = phases(recoveryTimeline(logText), t0wall, seconds);
    const promoting = events.find((e) => /promoting/.test(e.message))?.s ?? null;
    const job = {
      started: since(j.startedAt),
      finished: since(j.finishedAt),
      readySeen: round(readySeen),
      pauseSeenSeconds:
        promoting !== null && p.targetReachedAt !== null ? round(promoting - p.targetReachedAt) : null,
      promotionSeconds: promoting !== null && p.readyAt !== null ? round(p.readyAt - promoting) : null,
      events,
    };
    const problem = await destroyClone(t, r.cloneId);
    if (problem) {
      log(`product problem: ${problem}`);
      problems.push(problem);
    }
    if (!sameList(got, target.expected))
      throw new Error(`Tideline clone holds markers [${got}], expected [${target.expected}]`);
    log(
      `target ${target.n}: Tideline ${fmtSeconds(seconds)} (replay ${fmtSeconds(p.replaySeconds ?? Number.NaN)} of ${fmtBytes(p.replayedBytes ?? Number.NaN)}, planned ${fmtBytes(plan.replayBytes)}), ${got.length} markers`,
    );
    return {
      tool: "Tideline",
      target: target.n,
      ok: true,
      seconds: round(seconds),
      plannedReplayBytes: plan.replayBytes,
      plannedSeconds: round(plan.estimatedSeconds),
      ...p,
      job,
      from: `${plan.restorePoint.kind} ${plan.restorePoint.lsn} (${plan.restorePoint.dataTime ? new Date(plan.restorePoint.dataTime).toISOString().slice(11, 19) : "?"})`,
      markers: got.length,
    };
  };
  const pgbackrest = async (target: Target): Promise<Restore> => {
    const dir = path.join(br.dir, `restore-${target.n}`);
    const port = await freePort();
    const logFile = path.join(br.dir, "log", `restore-${target.n}.log`);
    const t0wall = Date.now();
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
      const set = await lastRestoredSet(br);
      // the postmaster logs "ready to accept connections" when it sees the startup process exit,
      // which can trail the first answer of a promoted server (more so on a busy machine)
      let logText = "";
      for (let i = 0; i < 30; i++) {
        logText = await readFile(logFile, "utf8").catch(() => "");
        if (/database system is ready to accept connections/.test(logText)) break;
        await sleep(100);
      }
      const p = phases(recoveryTimeline(logText), t0wall, seconds);
      log(
        `target ${target.n}: pgBackRest ${fmtSeconds(seconds)} (restore command ${fmtSeconds(restoreSeconds)}, replay ${fmtSeconds(p.replaySeconds ?? Number.NaN)} of ${fmtBytes(p.replayedBytes ?? Number.NaN)}, set ${set}), ${got.length} markers`,
      );
      return {
        tool: "pgBackRest",
        target: target.n,
        ok: true,
        seconds: round(seconds),
        plannedReplayBytes: null,
        plannedSeconds: null,
        ...p,
        restoreCommandSeconds: round(restoreSeconds),
        from: set ?? "?",
        markers: got.length,
      };
    } finally {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  };
  const attempt = async (tool: Restore["tool"], target: Target): Promise<Restore> => {
    try {
      return await (tool === "Tideline" ? tideline(target) : pgbackrest(target));
    } catch (err) {
      const error = (err as Error).message.slice(0, 2000);
      log(`target ${target.n}: ${tool} FAILED: ${error}`);
      const none = {
        replaySeconds: null,
        outsideReplaySeconds: null,
        plannedReplayBytes: null,
        plannedSeconds: null,
        replayedBytes: null,
        beforeStartSeconds: null,
        startToRedoSeconds: null,
        promoteSeconds: null,
        readyToQueryableSeconds: null,
        targetReachedAt: null,
        readyAt: null,
      };
      return { tool, target: target.n, ok: false, error, seconds: Number.NaN, ...none, from: "", markers: 0 };
    }
  };

  // one tool after the other for each target, the first alternating, so that whatever else the
  // machine does (and whatever the page cache holds) weighs on both
  const restores: Restore[] = [];
  for (const target of targets) {
    const order: Restore["tool"][] = target.n % 2 ? ["Tideline", "pgBackRest"] : ["pgBackRest", "Tideline"];
    for (const tool of order) restores.push(await attempt(tool, target));
  }

  // ── report ──────────────────────────────────────────────────────────────────────────────
  const of = (tool: Restore["tool"]) => restores.filter((r) => r.tool === tool && r.ok);
  const vals = (rs: Restore[], k: keyof Restore) =>
    rs.map((r) => r[k]).filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  const stat = (rs: Restore[], k: keyof Restore) => {
    const v = vals(rs, k);
    return { median: percentile(v, 50), p95: percentile(v, 95), min: Math.min(...v), max: Math.max(...v) };
  };
  const rate = (rs: Restore[]) => {
    const both = rs.filter(
      (r) => r.replayedBytes !== null && r.replaySeconds !== null && r.replaySeconds > 0,
    );
    const bytes = both.reduce((a, r) => a + r.replayedBytes!, 0);
    const secs = both.reduce((a, r) => a + r.replaySeconds!, 0);
    return secs > 0 ? bytes / secs : Number.NaN;
  };
  const tools = (["Tideline", "pgBackRest"] as const).map((tool) => {
    const rs = of(tool);
    return {
      tool,
      n: rs.length,
      failed: restores.filter((r) => r.tool === tool && !r.ok).length,
      seconds: stat(rs, "seconds"),
      replay: stat(rs, "replaySeconds"),
      outside: stat(rs, "outsideReplaySeconds"),
      replayed: stat(rs, "replayedBytes"),
      planned: stat(rs, "plannedReplayBytes"),
      rate: rate(rs),
    };
  });
  const [tl, pb] = tools as [(typeof tools)[0], (typeof tools)[0]];
  const ratio = { median: pb.seconds.median / tl.seconds.median, p95: pb.seconds.p95 / tl.seconds.p95 };
  const MBps = (bps: number) => (Number.isFinite(bps) ? `${(bps / 1e6).toFixed(1)} MB/s` : "-");
  const sizeText = `${fmtBytes(data.databaseBytes)} database`;
  const storageShort = params.storage === "btrfs" ? "btrfs (loop device)" : "zfs-fuse";
  report.table(
    `Time to a queryable server at ${targets.length} random target times (seed ${params.seed}) — ${sizeText}, Tideline on ${storageShort}, pgBackRest onto ${pgbrFs}; cadences ÷${params.timeScale}`,
    tools.map((x) => ({
      tool:
        x.tool === "Tideline"
          ? `Tideline (restore point every ${cadence.tidelineSeconds} s = 15 min ÷${params.timeScale}, or ${fmtBytes(walCadence ?? Number.NaN)} of WAL)`
          : `pgBackRest (full + incremental every ${cadence.pgbackrestIncrSeconds} s = 1 h ÷${params.timeScale}; ${br.compressType}, process-max ${br.processMax})`,
      restores: `${x.n}${x.failed ? ` (+${x.failed} failed)` : ""}`,
      median: fmtSeconds(x.seconds.median),
      p95: fmtSeconds(x.seconds.p95),
      "min–max": `${fmtSeconds(x.seconds.min)}–${fmtSeconds(x.seconds.max)}`,
      "replay median / p95": `${fmtSeconds(x.replay.median)} / ${fmtSeconds(x.replay.p95)}`,
      "WAL replayed median / p95": `${fmtBytes(x.replayed.median)} / ${fmtBytes(x.replayed.p95)}`,
      "replay rate (all bytes ÷ all replay time)": MBps(x.rate),
      "outside replay median / p95": `${fmtSeconds(x.outside.median)} / ${fmtSeconds(x.outside.p95)}`,
    })),
  );
  report.table("pgBackRest ÷ Tideline", [
    {
      "median ratio": `${ratio.median.toFixed(2)} (${speedup(pb.seconds.median, tl.seconds.median)})`,
      "p95 ratio": `${ratio.p95.toFixed(2)} (${speedup(pb.seconds.p95, tl.seconds.p95)})`,
      "Tideline planned replayBytes median / p95": `${fmtBytes(tl.planned.median)} / ${fmtBytes(tl.planned.p95)}`,
    },
  ]);
  const goals = [
    {
      goal: "time outside replay ≤ 0.5 s (Tideline, median)",
      measured: fmtSeconds(tl.outside.median),
      met: tl.outside.median <= 0.5 ? "yes" : `no (${(tl.outside.median - 0.5).toFixed(2)} s over)`,
    },
    {
      goal: "replay rate ≥ pgBackRest's recovery on the same disk",
      measured: `${MBps(tl.rate)} vs ${MBps(pb.rate)}`,
      met: tl.rate >= pb.rate ? "yes" : `no (${((tl.rate / pb.rate) * 100).toFixed(0)} % of pgBackRest's)`,
    },
    {
      goal: "median ≥ 3× faster than pgBackRest",
      measured: `${ratio.median.toFixed(2)}×`,
      met: ratio.median >= 3 ? "yes" : `no (${ratio.median.toFixed(2)}× of 3×)`,
    },
  ];
  report.table("The issue's targets", goals);
  const byTarget = (n: number, tool: Restore["tool"]) =>
    restores.find((r) => r.target === n && r.tool === tool);
  const fmtOpt = (v: number | null | undefined, f: (n: number) => string) =>
    v === null || v === undefined || !Number.isFinite(v) ? "-" : f(v);
  report.table(
    "Every restore (seconds from the first command until SELECT 1 answers, out of recovery; phases from the server's log)",
    targets.flatMap((x) =>
      (["Tideline", "pgBackRest"] as const).map((tool): Row => {
        const r = byTarget(x.n, tool)!;
        return {
          target: x.n,
          "s into window": x.offset,
          tool,
          total: r.ok ? fmtSeconds(r.seconds) : `FAILED: ${r.error?.slice(0, 80)}`,
          "planned replayBytes": fmtOpt(r.plannedReplayBytes, fmtBytes),
          "WAL replayed": fmtOpt(r.replayedBytes, fmtBytes),
          replay: fmtOpt(r.replaySeconds, fmtSeconds),
          "outside replay": fmtOpt(r.outsideReplaySeconds, fmtSeconds),
          "before start (clone/copy)": fmtOpt(r.beforeStartSeconds, fmtSeconds),
          "start → redo": fmtOpt(r.startToRedoSeconds, fmtSeconds),
          "target → promoted": fmtOpt(r.promoteSeconds, fmtSeconds),
          "promoted → queryable": fmtOpt(r.readyToQueryableSeconds, fmtSeconds),
          "of which agent (promoted → job done)":
            r.job && r.readyToQueryableSeconds !== null && r.job.finished !== null
              ? fmtSeconds(r.job.finished - (r.seconds - r.readyToQueryableSeconds))
              : "",
          from: r.from,
          markers: r.markers,
        };
      }),
    ),
  );
  const windowPoints = restorePoints.filter((r) => new Date(r.createdAt).getTime() >= windowStart - 1000);
  report.table("Setup", [
    { item: "database size (pg_database_size)", value: fmtBytes(data.databaseBytes) },
    { item: "pgbench scale / random-bytes rows", value: `${data.pgbenchScale} / ${data.noiseRows}` },
    {
      item: "load window",
      value: `${loadSeconds} s of pgbench -R ${params.tps} -c ${params.clients}: ${pgbenchTps ?? "?"} tps (schedule lag ${lagMs ?? "?"} ms), ${fmtBytes(windowWal)} of WAL (${fmtBytes(windowWal / loadSeconds)}/s), ${marks.length} markers`,
    },
    { item: "storage", value: report.storage },
    {
      item: "Tideline protect (base copy + replica + first restore point)",
      value: fmtSeconds(protectSeconds),
    },
    {
      item: "Tideline restore points (whole run / in the window)",
      value: `${restorePoints.length} / ${windowPoints.length}: ${restorePoints.map((r) => new Date(r.createdAt).toISOString().slice(11, 19)).join(", ")}`,
    },
    {
      item: "pgBackRest backups",
      value: backups
        .map(
          (b) =>
            `${b.type} ${b.label} ${fmtSeconds(b.seconds)} (${fmtBytes(b.deltaBytes)} copied, ${fmtBytes(b.repoBytes)} stored)`,
        )
        .join("; "),
    },
    {
      item: "load average (1 / 5 / 15 min) at start / end",
      value: `${report.machine.loadAverageAtStart.join(" / ")} → ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" / ")}`,
    },
  ]);
  report.note(
    `Cadences are the ones users run, compressed ${params.timeScale}× in time (the load's WAL rate is real): Tideline's default restore point every 15 min → every ${cadence.tidelineSeconds} s (its WAL-volume cadence, ${fmtBytes(walCadence ?? Number.NaN)} by default, is real bytes and not scaled); pgBackRest's full backup at the start and an hourly incremental → every ${cadence.pgbackrestIncrSeconds} s. The WAL between two points is therefore 1/${params.timeScale} of what the same load writes between them in real time, for both tools.`,
  );
  report.note(
    "Tideline: from restore.plan's answer (taken right before; its replayBytes is an upper bound for a time target) and restore.create until SELECT 1 answers on the clone and pg_is_in_recovery() is false. pgBackRest: from `pgbackrest restore --type=time` (it picks the newest backup set that ended before the target) until the same on the restored server. Both checked to hold exactly the marker rows committed before the target.",
  );
  report.note(
    "Replay = the server's log from 'redo starts' to 'recovery stopping' (restore_command fetches included); outside replay = total − replay. Replay rate = all WAL replayed ÷ all replay time, from the LSNs each server logged.",
  );
  report.note(
    "The machine is shared with other engineers' test suites: the load average at start and end is in the machine record; read the ratios, not the absolute seconds.",
  );
  for (const p of problems) report.note(`Product problem seen during the run (not timed): ${p}`);
  await report.write({
    seed: params.seed,
    cadence: { ...cadence, tidelineWalBytes: walCadence, timeScale: params.timeScale },
    storage: {
      tideline: params.storage,
      driver: t.driver,
      pgbackrestFilesystem: pgbrFs,
      description: report.storage,
    },
    database: data,
    window: {
      start: new Date(windowStart).toISOString(),
      end: new Date(windowEnd).toISOString(),
      seconds: loadSeconds,
      walBytes: windowWal,
      pgbenchTps: pgbenchTps ? Number(pgbenchTps) : null,
      scheduleLagMs: lagMs ? Number(lagMs) : null,
      markers: marks.length,
    },
    loadAverage: { start: report.machine.loadAverageAtStart, end: os.loadavg().map((l) => round(l, 2)) },
    summary: Object.fromEntries(tools.map((x) => [x.tool, { ...x, rateBytesPerSecond: x.rate }])),
    ratio,
    goals,
    targets: targets.map((x) => ({ ...x, time: x.time.toISOString() })),
    restores,
    tidelineRestorePoints: restorePoints.map((r) => ({
      id: r.id,
      kind: r.kind,
      lsn: r.lsn,
      redoLsn: r.redoLsn,
      dataTime: r.dataTime,
      createdAt: r.createdAt,
    })),
    pgbackrestBackups: backups,
    protectSeconds,
    productProblems: problems,
  });
});

// PostgreSQL for benchmarks: a primary as a production one would run (fsync on), the 1 GB / 5 GB
// data set (pgbench tables plus incompressible rows), marker rows, pgbench load, and the clock
// every restore is timed by: "SELECT 1 answers and the server is out of recovery".
import { parseLsn } from "@tideline/core";
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import {
  asServiceUser,
  findBinDir,
  resolveServiceUser,
  startTestCluster,
  type TestCluster,
} from "@tideline/postgres";
import pg from "pg";
import { type Cleanup, log } from "./cleanup";

export type Primary = TestCluster;

export async function startPrimary(
  cleanup: Cleanup,
  settings: Record<string, string | number> = {},
): Promise<Primary> {
  const primary = await startTestCluster({
    name: "primary",
    settings: {
      fsync: "on",
      max_wal_size: "'2GB'",
      shared_buffers: "'256MB'",
      max_connections: 100,
      ...settings,
    },
  });
  cleanup.add("stop the primary and remove its directory", () => primary.destroy());
  await primary.query(
    "CREATE TABLE marks (id int PRIMARY KEY, t timestamptz NOT NULL DEFAULT clock_timestamp())",
  );
  log(`primary on port ${primary.port} (${primary.pgdata})`);
  return primary;
}

export interface DataSet {
  targetGb: number;
  pgbenchScale: number;
  noiseRows: number;
  databaseBytes: number;
  loadSeconds: number;
}

/**
 * About three quarters pgbench tables (compressible: mostly zero-padded fillers) and one quarter a
 * table of 1 KiB random `bytea` rows that no compressor can shrink (pgcrypto's gen_random_bytes).
 */
export async function loadData(primary: Primary, gb: number): Promise<DataSet> {
  const started = performance.now();
  const pgbenchScale = Math.max(1, Math.round((gb * 0.75 * 1024) / 15.6));
  const noiseRows = Math.max(1000, Math.round((gb * 0.25 * 2 ** 30) / 1100));
  log(`loading ${gb} GB: pgbench scale ${pgbenchScale} and ${noiseRows} rows of 1 KiB random bytes`);
  await pgbench(primary, ["-i", "-q", "-s", String(pgbenchScale)]).done;
  await primary.query("CREATE EXTENSION IF NOT EXISTS pgcrypto");
  await primary.query("CREATE TABLE noise (id int PRIMARY KEY, b bytea NOT NULL)");
  const batch = 50_000;
  for (let from = 1; from <= noiseRows; from += batch) {
    const to = Math.min(noiseRows, from + batch - 1);
    await primary.query(
      "INSERT INTO noise SELECT g, gen_random_bytes(1024) FROM generate_series($1::int, $2::int) g",
      [from, to],
    );
  }
  await primary.query("VACUUM ANALYZE noise");
  await primary.query("CHECKPOINT");
  const [size] = await primary.query<{ bytes: string }>("SELECT pg_database_size('postgres')::text AS bytes");
  const ds = {
    targetGb: gb,
    pgbenchScale,
    noiseRows,
    databaseBytes: Number(size!.bytes),
    loadSeconds: (performance.now() - started) / 1000,
  };
  log(`loaded ${(ds.databaseBytes / 2 ** 30).toFixed(2)} GiB in ${ds.loadSeconds.toFixed(0)} s`);
  return ds;
}

export interface Mark {
  id: number;
  /** Commit timestamp as the primary's clock saw it (clock_timestamp() inside the transaction). */
  t: Date;
  /** pg_current_wal_lsn() right after the commit returned: at or after the commit record's end. */
  lsn: string;
  xid: string;
  /** Wall clock (ms, epoch) when the commit returned to us. */
  committedAt: number;
}

/** Commits one marker row in its own transaction and says where its commit landed in the WAL. */
export async function mark(client: pg.Client, id: number): Promise<Mark> {
  const r = await client.query<{ t: Date; xid: string }>(
    "INSERT INTO marks (id) VALUES ($1) RETURNING t, txid_current()::text AS xid",
    [id],
  );
  const committedAt = Date.now();
  const l = await client.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn");
  return { id, t: r.rows[0]!.t, xid: r.rows[0]!.xid, lsn: l.rows[0]!.lsn, committedAt };
}

export function primaryClient(primary: Primary): pg.Client {
  return new pg.Client({
    host: primary.socketDir,
    port: primary.port,
    user: "postgres",
    database: "postgres",
  });
}

export interface Background {
  child: ChildProcess;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Ends the run early (SIGINT: pgbench prints its summary and exits). */
  stop: () => Promise<void>;
}

/** pgbench against the primary, as the service user. */
/** Steady load: `pgbench -n` with `clients` connections and threads, `tps` transactions a second (-R), for `seconds`. */
export function steadyLoad(
  primary: Primary,
  o: { clients: number; tps: number; seconds: number },
  extra: string[] = [],
): Background {
  const c = String(o.clients);
  return pgbench(primary, ["-n", "-c", c, "-j", c, "-R", String(o.tps), "-T", String(o.seconds), ...extra]);
}

export function pgbench(primary: Primary, args: string[]): Background {
  const bin = path.join(findBinDir(), "pgbench");
  const child = spawn(bin, [...args, "-h", primary.socketDir, "-p", String(primary.port), "postgres"], {
    ...asServiceUser(resolveServiceUser()),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-20_000)));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (
        code === 0 ||
        signal === "SIGINT" ||
        (signal === null && code === 2 && /aborted|interrupt/i.test(stderr))
      )
        resolve({ code, stdout, stderr });
      else
        reject(
          new Error(
            `pgbench ${args.join(" ")} failed (${signal ?? code}): ${stderr.trim().split("\n").slice(-3).join(" ")}`,
          ),
        );
    });
  });
  return {
    child,
    done,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGINT");
      await done.catch(() => {});
    },
  };
}

export function tpsOf(pgbenchOutput: string): number | null {
  const m = /tps = ([\d.]+)/.exec(pgbenchOutput);
  return m ? Number(m[1]) : null;
}

/**
 * Polls until the server answers `SELECT 1` and is out of recovery (reached its target and was
 * promoted). Returns the moment (performance.now()) it first did.
 */
export async function waitQueryable(
  conn: pg.ClientConfig,
  o: { timeoutMs?: number; everyMs?: number; alive?: () => Promise<string | null> } = {},
): Promise<number> {
  const timeoutMs = o.timeoutMs ?? 30 * 60_000;
  const deadline = performance.now() + timeoutMs;
  let last = "";
  let tries = 0;
  for (;;) {
    // every so often: is the server still there at all? (a failed recovery shuts it down)
    if (o.alive && ++tries % 25 === 0) {
      const dead = await o.alive();
      if (dead) throw new Error(`the server stopped before it was queryable: ${dead}`);
    }
    const client = new pg.Client({ ...conn, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      const r = await client.query<{ one: number; rec: boolean }>(
        "SELECT 1 AS one, pg_is_in_recovery() AS rec",
      );
      if (r.rows[0]?.one === 1 && r.rows[0].rec === false) return performance.now();
      last = "still in recovery";
    } catch (err) {
      last = (err as Error).message;
    } finally {
      await client.end().catch(() => {});
    }
    if (performance.now() > deadline) throw new Error(`server not queryable after ${timeoutMs} ms: ${last}`);
    await new Promise((r) => setTimeout(r, o.everyMs ?? 20));
  }
}

export async function marksIn(conn: pg.ClientConfig): Promise<number[]> {
  const client = new pg.Client(conn);
  await client.connect();
  try {
    return (await client.query<{ id: number }>("SELECT id FROM marks ORDER BY id")).rows.map((r) => r.id);
  } finally {
    await client.end();
  }
}

export function sameList(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export interface RecoveryBreakdown {
  /** "redo done … elapsed: X s": replaying WAL (restore_command fetches included). */
  redoSeconds: number | null;
  /** The end-of-recovery checkpoint (written before the server accepts writes). */
  endOfRecoveryCheckpointSeconds: number | null;
  endOfRecoveryCheckpointBuffers: number | null;
}

/** Where recovery spent its time, from the server's own log (log_checkpoints is on by default). */
export function recoveryBreakdown(log: string): RecoveryBreakdown {
  const redo = /redo done at .*elapsed: ([\d.]+) s/.exec(log);
  const i = log.indexOf("checkpoint starting: end-of-recovery");
  const ckpt =
    i >= 0 ? /checkpoint complete: wrote (\d+) buffers.*total=([\d.]+) s/.exec(log.slice(i)) : null;
  return {
    redoSeconds: redo ? Number(redo[1]) : null,
    endOfRecoveryCheckpointSeconds: ckpt ? Number(ckpt[2]) : null,
    endOfRecoveryCheckpointBuffers: ckpt ? Number(ckpt[1]) : null,
  };
}

export interface RecoveryTimeline {
  /** Wall-clock moments (ms since the epoch) of the server's own log lines, null where absent. */
  started: number | null;
  redoStarts: number | null;
  /** "recovery stopping before/after …": the target was reached. */
  targetReached: number | null;
  redoDone: number | null;
  /** "database system is ready to accept connections": promoted, out of recovery. */
  ready: number | null;
  redoStartLsn: string | null;
  redoDoneLsn: string | null;
  /** Replay: from "redo starts" to the target (restore_command fetches of later segments included). */
  replaySeconds: number | null;
  /** WAL replayed, from the two LSNs the server logged. */
  replayedBytes: number | null;
}

/**
 * When each step of a recovery happened, from the log_line_prefix timestamps (PostgreSQL's
 * default '%m [%p] ') of the server's log. Replay is measured from "redo starts" to "recovery
 * stopping" rather than read from "redo done … elapsed": a server paused at its target (as
 * Tideline's clones are, to promote with pg_promote()) counts the pause in that elapsed.
 */
export function recoveryTimeline(log: string): RecoveryTimeline {
  const at = (re: RegExp): { t: number; m: RegExpExecArray } | null => {
    for (const line of log.split("\n")) {
      const m = re.exec(line);
      const ts = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?) (\S+)/.exec(line);
      // the log's zone is the server's log_timezone: UTC/GMT on these hosts; other zones are
      // only ever subtracted from each other, and a wrong zone shows as a nonsense phase
      if (m && ts) return { t: Date.parse(`${ts[1]!.replace(" ", "T")}Z`), m };
    }
    return null;
  };
  const started = at(/starting PostgreSQL/);
  const redoStarts = at(/redo starts at ([0-9A-F]+\/[0-9A-F]+)/);
  const targetReached = at(/recovery stopping (before|after)/);
  const redoDone = at(/redo done at ([0-9A-F]+\/[0-9A-F]+)/);
  const ready = at(/database system is ready to accept connections/);
  const redoStartLsn = redoStarts?.m[1] ?? null;
  const redoDoneLsn = redoDone?.m[1] ?? null;
  const replayEnd = targetReached?.t ?? redoDone?.t ?? null;
  return {
    started: started?.t ?? null,
    redoStarts: redoStarts?.t ?? null,
    targetReached: targetReached?.t ?? null,
    redoDone: redoDone?.t ?? null,
    ready: ready?.t ?? null,
    redoStartLsn,
    redoDoneLsn,
    replaySeconds:
      redoStarts && replayEnd !== null
        ? (replayEnd - redoStarts.t) / 1000
        : /redo is not required/.test(log)
          ? 0
          : null,
    replayedBytes:
      redoStartLsn && redoDoneLsn ? Number(parseLsn(redoDoneLsn) - parseLsn(redoStartLsn)) : null,
  };
}

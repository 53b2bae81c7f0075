// Benchmark 6 — how fast a clone replays WAL with stock recovery settings and with each tuning
// step a disposable clone can afford. PostgreSQL is driven directly (the settings are
// PostgreSQL's, not Tideline's): a primary, WAL streamed by pg_receivewal onto the pool, a shadow
// replica on the pool, one restore point taken the way the agent takes it (the primary's immediate
// checkpoint, replay paused, a restartpoint, a snapshot), then ~300 MB of pgbench WAL after it.
// Every clone of that snapshot recovers to the same LSN (the end of that WAL) and is promoted.
// Checked: every clone holds exactly the primary's pgbench_history rows and the final marker.
//
//   pnpm --filter @tideline/bench replay-tuning [--storage=zfs|btrfs|directory] [--runs=2]
//                                               [--wal-mb=300] [--scale=50]
import { parseLsn, walFileNameForLsn } from "@tideline/core";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { appendFile, chmod, mkdir, mkdtemp, readFile, rm, truncate, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  asServiceUser,
  chownToServiceUser,
  findBinDir,
  freePort,
  resolveServiceUser,
  run,
} from "@tideline/postgres";
import pg from "pg";
import { benchmark, type Cleanup, log } from "./lib/cleanup";
import { list, num, str } from "./lib/params";
import { pgbench, startPrimary } from "./lib/pg";
import { Report, type Row } from "./lib/report";
import { fmtSeconds, median, round } from "./lib/stats";
import { createPool, stopServersUnder } from "./lib/zfs";

const params = {
  storage: str("storage", "zfs"),
  scale: num("scale", 50),
  walMb: num("wal-mb", 300),
  runs: num("runs", 3),
  variants: list("variants", ["stock", "prefetch", "buffers-256mb", "buffers", "fsync-off"]),
};

type Settings = Record<string, string | number>;

// Every variant writes all of these, so the primary's postgresql.conf (copied into the replica)
// never decides a figure. "stock" is PostgreSQL 15's defaults.
const STOCK: Settings = {
  shared_buffers: "'128MB'",
  wal_buffers: -1,
  max_wal_size: "'1GB'",
  checkpoint_timeout: "'5min'",
  recovery_prefetch: "'try'",
  maintenance_io_concurrency: 10,
  fsync: "on",
  synchronous_commit: "on",
};
const PREFETCH: Settings = { ...STOCK, recovery_prefetch: "'on'", maintenance_io_concurrency: 64 };
const BUFFERS_256: Settings = {
  ...PREFETCH,
  shared_buffers: "'256MB'",
  wal_buffers: "'16MB'",
  checkpoint_timeout: "'1d'",
  max_wal_size: "'64GB'",
};
const BUFFERS: Settings = { ...BUFFERS_256, shared_buffers: "'1GB'", wal_buffers: "'64MB'" };
const FSYNC_OFF: Settings = { ...BUFFERS, fsync: "off", synchronous_commit: "off" };
const VARIANTS: Record<string, { what: string; settings: Settings; syncAfter: boolean }> = {
  stock: { what: "PostgreSQL 15 defaults", settings: STOCK, syncAfter: false },
  prefetch: {
    what: "+ recovery_prefetch=on, maintenance_io_concurrency=64",
    settings: PREFETCH,
    syncAfter: false,
  },
  "buffers-256mb": {
    what: "+ shared_buffers=256MB, wal_buffers=16MB, no restartpoints (checkpoint_timeout=1d, max_wal_size=64GB)",
    settings: BUFFERS_256,
    syncAfter: false,
  },
  buffers: {
    what: "+ shared_buffers=1GB, wal_buffers=64MB, no restartpoints (checkpoint_timeout=1d, max_wal_size=64GB)",
    settings: BUFFERS,
    syncAfter: false,
  },
  "fsync-off": {
    what: "+ fsync=off, synchronous_commit=off during replay; sync + fsync=on before hand-over",
    settings: FSYNC_OFF,
    syncAfter: true,
  },
};

/** Where the WAL archive, the replica and the clones live: datasets, subvolumes or folders. */
interface Storage {
  describe: string;
  volume(name: string): Promise<string>;
  snapshot(name: string, snap: string): Promise<void>;
  clone(name: string, snap: string, clone: string): Promise<string>;
  destroy(clone: string): Promise<void>;
}

async function zfsStorage(cleanup: Cleanup): Promise<Storage> {
  const pool = await createPool(cleanup, Math.max(16, Math.ceil(params.scale / 5)));
  const mp = (n: string) => path.join(pool.mountpoint, n);
  return {
    describe: `zfs-fuse pool on a sparse file in ${os.tmpdir()}`,
    volume: async (n) => {
      await run("zfs", ["create", `${pool.name}/${n}`]);
      return mp(n);
    },
    snapshot: async (n, s) => void (await run("zfs", ["snapshot", `${pool.name}/${n}@${s}`])),
    clone: async (n, s, c) => {
      await run("zfs", ["clone", `${pool.name}/${n}@${s}`, `${pool.name}/${c}`]);
      return mp(c);
    },
    destroy: async (c) => {
      await stopServersUnder(mp(c));
      // zfs-fuse holds a dataset "busy" for a moment after its last file is closed
      for (let i = 0; ; i++) {
        const r = await run("zfs", ["destroy", "-r", `${pool.name}/${c}`], { allowFail: true });
        if (r.code === 0) break;
        if (i === 40) throw new Error(`zfs destroy ${pool.name}/${c}: ${r.stderr.trim()}`);
        await sleep(500);
      }
    },
  };
}

async function btrfsStorage(cleanup: Cleanup): Promise<Storage> {
  if (!existsSync("/usr/sbin/mkfs.btrfs") && !existsSync("/sbin/mkfs.btrfs"))
    throw new Error("BTRFS_MISSING: install btrfs-progs (apt-get install -y btrfs-progs)");
  const dir = await mkdtemp(path.join(os.tmpdir(), "tideline-bench-btrfs-"));
  await chmod(dir, 0o755);
  const image = path.join(dir, "btrfs.img");
  const root = path.join(dir, "mnt");
  await writeFile(image, "");
  await truncate(image, Math.max(16, Math.ceil(params.scale / 5)) * 2 ** 30);
  await run("mkfs.btrfs", ["-q", "-f", image]);
  await mkdir(root);
  await run("mount", ["-o", "loop", image, root]);
  cleanup.add(`unmount ${root}`, async () => {
    await stopServersUnder(root);
    await run("umount", [root], { allowFail: true });
    await rm(dir, { recursive: true, force: true });
  });
  return {
    describe: "btrfs on a loop device (sparse file)",
    volume: async (n) => {
      await run("btrfs", ["-q", "subvolume", "create", path.join(root, n)]);
      return path.join(root, n);
    },
    snapshot: async (n, s) =>
      void (await run("btrfs", [
        "-q",
        "subvolume",
        "snapshot",
        "-r",
        path.join(root, n),
        path.join(root, `${n}@${s}`),
      ])),
    clone: async (n, s, c) => {
      await run("btrfs", ["-q", "subvolume", "snapshot", path.join(root, `${n}@${s}`), path.join(root, c)]);
      return path.join(root, c);
    },
    destroy: async (c) => {
      await stopServersUnder(path.join(root, c));
      await run("btrfs", ["-q", "subvolume", "delete", path.join(root, c)]);
    },
  };
}

async function directoryStorage(cleanup: Cleanup): Promise<Storage> {
  const root = await mkdtemp(path.join(os.tmpdir(), "tideline-bench-dir-"));
  await chmod(root, 0o755);
  cleanup.add(`remove ${root}`, async () => {
    await stopServersUnder(root);
    await rm(root, { recursive: true, force: true });
  });
  const copy = (from: string, to: string) => run("cp", ["-a", "--reflink=auto", from, to]);
  return {
    describe: `plain folders (cp -a --reflink=auto) on ${os.tmpdir()}`,
    volume: async (n) => {
      await mkdir(path.join(root, n));
      return path.join(root, n);
    },
    snapshot: async (n, s) => void (await copy(path.join(root, n), path.join(root, `${n}@${s}`))),
    clone: async (n, s, c) => {
      await copy(path.join(root, `${n}@${s}`), path.join(root, c));
      return path.join(root, c);
    },
    destroy: async (c) => {
      await stopServersUnder(path.join(root, c));
      await rm(path.join(root, c), { recursive: true, force: true });
    },
  };
}

const bin = findBinDir();
const user = resolveServiceUser();
const svc = asServiceUser(user);

async function q<T extends pg.QueryResultRow>(port: number, host: string, sql: string): Promise<T[]> {
  const c = new pg.Client({
    host,
    port,
    user: "postgres",
    database: "postgres",
    connectionTimeoutMillis: 3000,
  });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end().catch(() => {});
  }
}

async function until<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 30 * 60_000,
  everyMs = 50,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      if ((err as { fatal?: boolean }).fatal) throw err;
      // not up yet
    }
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

function background(cmd: string, args: string[], cleanup: Cleanup, name: string): ChildProcess {
  const child = spawn(cmd, args, { ...svc, stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (err = (err + d).slice(-4000)));
  cleanup.diagnose(name, () => err);
  cleanup.add(`stop ${name}`, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  });
  return child;
}

await benchmark("replay-tuning", async (cleanup) => {
  for (const v of params.variants)
    if (!VARIANTS[v]) throw new Error(`unknown variant ${v}; pick from ${Object.keys(VARIANTS).join(", ")}`);
  const storage =
    params.storage === "btrfs"
      ? await btrfsStorage(cleanup)
      : params.storage === "directory"
        ? await directoryStorage(cleanup)
        : await zfsStorage(cleanup);
  // zfs-fuse figures in results/replay-tuning.json, other storage beside them (replay-tuning-btrfs.json)
  const name = params.storage === "zfs" ? "replay-tuning" : `replay-tuning-${params.storage}`;
  const report = new Report(name, { ...params, storageDescription: storage.describe });
  const walDir = await storage.volume("wal");
  const replicaVol = await storage.volume("replica");
  await chownToServiceUser(walDir, user);
  await chownToServiceUser(replicaVol, user);

  // the primary: production-like durability; synchronous_commit off only to make WAL faster
  const primary = await startPrimary(cleanup, { synchronous_commit: "off", checkpoint_timeout: "'30min'" });
  log(`pgbench -i -s ${params.scale}`);
  await pgbench(primary, ["-i", "-q", "-s", String(params.scale)]).done;
  const [size] = await primary.query<{ b: string }>("SELECT pg_database_size('postgres')::text AS b");
  await primary.query("SELECT pg_create_physical_replication_slot('wal')");
  background(
    path.join(bin, "pg_receivewal"),
    ["-h", primary.socketDir, "-p", String(primary.port), "-D", walDir, "-S", "wal", "--synchronous", "-n"],
    cleanup,
    "pg_receivewal",
  );

  // the shadow replica, as the agent builds it
  log("pg_basebackup of the shadow replica");
  const replica = path.join(replicaVol, "data");
  await run(
    path.join(bin, "pg_basebackup"),
    ["-h", primary.socketDir, "-p", String(primary.port), "-D", replica, "-X", "stream", "-c", "fast"],
    svc,
  );
  const replicaPort = await freePort();
  const sockets = await mkdtemp(path.join(os.tmpdir(), "tlb-sock-"));
  await chmod(sockets, 0o755);
  await chownToServiceUser(sockets, user);
  cleanup.add("remove the socket folder", () => rm(sockets, { recursive: true, force: true }));
  await appendFile(
    path.join(replica, "postgresql.auto.conf"),
    `port = ${replicaPort}\nunix_socket_directories = '${sockets}'\nlisten_addresses = ''\narchive_mode = off\n` +
      `primary_conninfo = 'host=${primary.socketDir} port=${primary.port}'\nrestore_command = 'cp ${walDir}/%f %p'\n`,
  );
  await writeFile(path.join(replica, "standby.signal"), "");
  await chownToServiceUser(path.join(replica, "standby.signal"), user);
  await run(
    path.join(bin, "pg_ctl"),
    ["-D", replica, "-l", path.join(sockets, "replica.log"), "-w", "start"],
    svc,
  );
  cleanup.add("stop the replica", () =>
    run(path.join(bin, "pg_ctl"), ["-D", replica, "-m", "immediate", "stop"], { ...svc, allowFail: true }),
  );

  // WAL after the primary's last checkpoint, as in production; then the aligned restore point
  await pgbench(primary, ["-n", "-c", "2", "-j", "2", "-T", "10"]).done;
  await primary.query("CHECKPOINT");
  const [{ lsn: want } = { lsn: "" }] = await primary.query<{ lsn: string }>(
    "SELECT pg_current_wal_lsn()::text AS lsn",
  );
  await until(
    "the replica to replay the checkpoint",
    async () =>
      (
        await q<{ ok: boolean }>(replicaPort, sockets, `SELECT pg_last_wal_replay_lsn() >= '${want}' AS ok`)
      )[0]?.ok,
  );
  await q(replicaPort, sockets, "SELECT pg_wal_replay_pause()");
  await until(
    "replay to pause",
    async () =>
      (await q<{ s: string }>(replicaPort, sockets, "SELECT pg_get_wal_replay_pause_state() AS s"))[0]?.s ===
      "paused",
  );
  await q(replicaPort, sockets, "CHECKPOINT");
  const [rp] = await q<{ redo: string; replay: string }>(
    replicaPort,
    sockets,
    "SELECT redo_lsn::text AS redo, pg_last_wal_replay_lsn()::text AS replay FROM pg_control_checkpoint()",
  );
  await storage.snapshot("replica", "rp");
  await run(path.join(bin, "pg_ctl"), ["-D", replica, "-m", "fast", "-w", "stop"], svc);
  log(`restore point at ${rp!.replay} (redo ${rp!.redo})`);

  // the WAL every clone replays
  const startBytes = parseLsn(rp!.redo);
  const load = pgbench(primary, ["-n", "-c", "2", "-j", "2", "-T", "86400"]);
  cleanup.add("stop pgbench", () => load.stop());
  const loadStarted = performance.now();
  await until(
    `${params.walMb} MB of WAL`,
    async () => {
      const [r] = await primary.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn");
      return parseLsn(r!.lsn) - startBytes >= BigInt(params.walMb * 1e6);
    },
    60 * 60_000,
    500,
  );
  await load.stop();
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  await primary.query("CREATE TABLE IF NOT EXISTS replay_marker (id int)");
  // synchronous_commit on for this one: pg_current_wal_lsn() (the write position) then lies past
  // its commit record, and past every pgbench commit before it
  await primary.query(
    "BEGIN; SET LOCAL synchronous_commit = on; INSERT INTO replay_marker VALUES (42); COMMIT",
  );
  const [end] = await primary.query<{ lsn: string; rows: string }>(
    "SELECT pg_current_wal_lsn()::text AS lsn, (SELECT count(*) FROM pgbench_history)::text AS rows",
  );
  const target = end!.lsn;
  const walBytes = Number(parseLsn(target) - startBytes);
  await primary.query("SELECT pg_switch_wal()");
  await primary.query("CHECKPOINT"); // the next segment exists, so the one holding the target is complete
  const segment = walFileNameForLsn(1, target);
  await until(
    `segment ${segment} in the archive`,
    async () => existsSync(path.join(walDir, segment)),
    120_000,
    200,
  );
  log(
    `${(walBytes / 1e6).toFixed(0)} MB of WAL to replay, up to ${target} (${round(loadSeconds, 1)} s of pgbench)`,
  );
  await primary.stop(); // nothing else runs while clones replay

  const rows: Row[] = [];
  const results: Array<Record<string, unknown>> = [];
  // run 0 is a warm-up (stock, not reported): the first clone reads the WAL and the snapshot's
  // blocks cold, which would otherwise land on whichever variant comes first. Runs interleave the
  // variants, so a slow spell of the machine does not land on one variant either.
  for (let runNo = 0; runNo <= params.runs; runNo++) {
    for (const name of runNo === 0 ? ["stock"] : params.variants) {
      const v = VARIANTS[name]!;
      const cloneName = `clone-${name}-${runNo}`;
      const mount = await storage.clone("replica", "rp", cloneName);
      const data = path.join(mount, "data");
      const port = await freePort();
      for (const f of ["standby.signal", "postmaster.pid", "postmaster.opts"])
        await rm(path.join(data, f), { force: true });
      const settings: Settings = {
        ...v.settings,
        port,
        unix_socket_directories: `'${sockets}'`,
        listen_addresses: "''",
        primary_conninfo: "''",
        archive_mode: "off",
        restore_command: `'cp ${walDir}/%f %p'`,
        recovery_target_lsn: `'${target}'`,
        recovery_target_action: "'pause'",
        log_checkpoints: "on",
      };
      await appendFile(
        path.join(data, "postgresql.auto.conf"),
        `${Object.entries(settings)
          .map(([k, val]) => `${k} = ${val}`)
          .join("\n")}\n`,
      );
      await writeFile(path.join(data, "recovery.signal"), "");
      await chownToServiceUser(path.join(data, "recovery.signal"), user);
      const logFile = path.join(sockets, `${cloneName}.log`);
      const t0 = performance.now();
      await run(path.join(bin, "pg_ctl"), ["-D", data, "-l", logFile, "-W", "start"], svc);
      await until(`${cloneName} to pause at the target`, async () => {
        if (!existsSync(path.join(data, "postmaster.pid")) && performance.now() - t0 > 3000)
          throw Object.assign(
            new Error(`${cloneName} stopped: ${(await readFile(logFile, "utf8")).slice(-800)}`),
            { fatal: true },
          );
        return (
          (await q<{ s: string }>(port, sockets, "SELECT pg_get_wal_replay_pause_state() AS s"))[0]?.s ===
          "paused"
        );
      });
      const replaySeconds = (performance.now() - t0) / 1000;
      await q(port, sockets, "SELECT pg_promote(false)");
      await until(
        "promotion",
        async () =>
          (await q<{ r: boolean }>(port, sockets, "SELECT pg_is_in_recovery() AS r"))[0]?.r === false,
      );
      let syncSeconds = 0;
      if (v.syncAfter) {
        // fsync back on first (writes from now on are fsynced by checkpoints), then flush what was
        // written while it was off: recover.ts does the same before a clone is reported ready
        const s0 = performance.now();
        await q(port, sockets, "ALTER SYSTEM RESET fsync");
        await q(port, sockets, "ALTER SYSTEM RESET synchronous_commit");
        await q(port, sockets, "SELECT pg_reload_conf()");
        await until(
          "fsync=on",
          async () => (await q<{ fsync: string }>(port, sockets, "SHOW fsync"))[0]?.fsync === "on",
          10_000,
        );
        await run("sync", ["-f", data]);
        syncSeconds = (performance.now() - s0) / 1000;
      }
      const readySeconds = (performance.now() - t0) / 1000;
      const [check] = await q<{ rows: string; marker: number | null }>(
        port,
        sockets,
        "SELECT (SELECT count(*) FROM pgbench_history)::text AS rows, (SELECT max(id) FROM replay_marker) AS marker",
      );
      if (check!.rows !== end!.rows || check!.marker !== 42)
        throw new Error(
          `${cloneName} holds ${check!.rows} pgbench_history rows and marker ${check!.marker}; expected ${end!.rows} and 42`,
        );
      const serverLog = await readFile(logFile, "utf8");
      const restartpoints = (serverLog.match(/restartpoint starting/g) ?? []).length;
      await storage.destroy(cloneName);
      const mbps = walBytes / 1e6 / replaySeconds;
      if (runNo === 0) {
        log(`warm-up clone: replay ${fmtSeconds(replaySeconds)} (${mbps.toFixed(1)} MB/s), not counted`);
        continue;
      }
      log(
        `${cloneName}: replay ${fmtSeconds(replaySeconds)} (${mbps.toFixed(1)} MB/s), ready ${fmtSeconds(readySeconds)}, ${restartpoints} restartpoints`,
      );
      results.push({
        variant: name,
        run: runNo,
        replaySeconds,
        mbPerSecond: mbps,
        syncSeconds,
        readySeconds,
        restartpoints,
        rowsChecked: Number(check!.rows),
      });
      rows.push({
        variant: name,
        run: runNo,
        "replay (start → paused at target)": fmtSeconds(replaySeconds),
        "MB/s": mbps.toFixed(1),
        restartpoints,
        "sync + fsync on": v.syncAfter ? fmtSeconds(syncSeconds) : "-",
        "ready (promoted, handed over)": fmtSeconds(readySeconds),
      });
    }
  }
  report.table(
    `Replay of ${(walBytes / 1e6).toFixed(0)} MB of pgbench WAL (${params.scale} scale, ${(Number(size!.b) / 2 ** 20).toFixed(0)} MiB database) on ${storage.describe}`,
    rows,
  );
  const stock = median(results.filter((r) => r.variant === "stock").map((r) => r.readySeconds as number));
  const summary: Row[] = params.variants.map((name) => {
    const rs = results.filter((r) => r.variant === name);
    const ready = median(rs.map((r) => r.readySeconds as number));
    return {
      variant: name,
      settings: VARIANTS[name]!.what,
      "median replay": fmtSeconds(median(rs.map((r) => r.replaySeconds as number))),
      "median MB/s": median(rs.map((r) => r.mbPerSecond as number)).toFixed(1),
      "median ready": fmtSeconds(ready),
      "vs stock": Number.isFinite(stock) ? `${(stock / ready).toFixed(2)}×` : "-",
    };
  });
  report.table("Summary (medians)", summary);
  report.note(
    `every clone held exactly the primary's ${end!.rows} pgbench_history rows and the final marker`,
  );
  await report.write({
    walBytes,
    targetLsn: target,
    restorePoint: rp,
    databaseBytes: Number(size!.b),
    loadSeconds,
    runs: results,
  });
});

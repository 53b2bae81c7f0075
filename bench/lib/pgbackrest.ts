// pgBackRest (Debian's package) as the peer: a local repository in a temp dir, archive-push async
// from the primary, full backups with process-max = cores and zstd, point-in-time restores into
// an empty directory. Every command runs as the service user with this run's own config file.
import { existsSync } from "node:fs";
import { chmod, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  asServiceUser,
  chownToServiceUser,
  findBinDir,
  makeTempDir,
  resolveServiceUser,
  run,
} from "@tideline/postgres";
import { type Cleanup, log } from "./cleanup";
import type { Primary } from "./pg";
import { stopServersUnder } from "./zfs";

export const STANZA = "bench";

export interface PgBackRest {
  dir: string;
  conf: string;
  repo: string;
  compressType: string;
  processMax: number;
  /** The primary's archive_command. */
  archiveCommand: string;
  exec: (args: string[], timeoutMs?: number) => Promise<{ stdout: string; stderr: string }>;
  configure: (primary: Primary) => Promise<void>;
}

async function chownTree(dir: string): Promise<void> {
  const user = resolveServiceUser();
  if (user) await run("chown", ["-R", `${user.uid}:${user.gid}`, dir]);
}

/** zst when this build has it, else gz (the issue asks for zstd; Debian's 2.45 has it). */
async function compressType(): Promise<string> {
  const r = await run("pgbackrest", ["help", "backup", "compress-type"], { allowFail: true });
  return /\bzst\b/.test(r.stdout) ? "zst" : "gz";
}

export async function preparePgBackRest(
  cleanup: Cleanup,
  o: { processMax?: number; archiveTimeoutSec?: number } = {},
): Promise<PgBackRest> {
  const dir = await makeTempDir("tideline-bench-pgbackrest-");
  cleanup.add("remove the pgBackRest repository", async () => {
    await stopServersUnder(dir);
    await rm(dir, { recursive: true, force: true });
  });
  for (const d of ["repo", "log", "lock", "spool"]) await mkdir(path.join(dir, d), { recursive: true });
  await chownTree(dir);
  const conf = path.join(dir, "pgbackrest.conf");
  const processMax = o.processMax ?? os.cpus().length;
  const ct = await compressType();
  const exec = async (args: string[], timeoutMs = 6 * 3600_000) => {
    const r = await run("pgbackrest", [`--config=${conf}`, `--stanza=${STANZA}`, ...args], {
      ...asServiceUser(resolveServiceUser()),
      timeoutMs,
    });
    return { stdout: r.stdout, stderr: r.stderr };
  };
  return {
    dir,
    conf,
    repo: path.join(dir, "repo"),
    compressType: ct,
    processMax,
    archiveCommand: `'pgbackrest --config=${conf} --stanza=${STANZA} archive-push %p'`,
    exec,
    async configure(primary) {
      await writeFile(
        conf,
        [
          "[global]",
          `repo1-path=${path.join(dir, "repo")}`,
          "repo1-retention-full=99",
          `log-path=${path.join(dir, "log")}`,
          `lock-path=${path.join(dir, "lock")}`,
          `spool-path=${path.join(dir, "spool")}`,
          "log-level-console=warn",
          "log-level-file=info",
          "archive-async=y",
          `process-max=${processMax}`,
          `compress-type=${ct}`,
          "start-fast=y",
          "",
          `[${STANZA}]`,
          `pg1-path=${primary.pgdata}`,
          `pg1-port=${primary.port}`,
          `pg1-socket-path=${primary.socketDir}`,
          "",
        ].join("\n"),
      );
      await chownToServiceUser(conf, resolveServiceUser());
      await chmod(conf, 0o640);
      await exec(["stanza-create"]);
      await exec(["check"], 120_000);
      log(
        `pgBackRest ${STANZA}: repo ${path.join(dir, "repo")}, compress-type=${ct}, process-max=${processMax}, archive-async=y`,
      );
    },
  };
}

export interface BackupInfo {
  label: string;
  type: "full" | "incr" | "diff";
  /** Bytes stored in the repository for this backup (compressed). */
  repoBytes: number;
  /** Bytes of the database files it holds (uncompressed). */
  sizeBytes: number;
  /** Bytes it copied (an incremental copies only the files changed since its prior backup). */
  deltaBytes: number;
  seconds: number;
  startLsn: string;
  stopLsn: string;
  /** When pgBackRest started / stopped it (its own record, whole seconds). */
  startTime: string;
  stopTime: string;
}

/** `pgbackrest backup --type=full|incr|diff`, and what `info` says about the backup it made. */
export async function backup(br: PgBackRest, type: BackupInfo["type"] = "full"): Promise<BackupInfo> {
  const started = performance.now();
  await br.exec([`--type=${type}`, "backup"]);
  const seconds = (performance.now() - started) / 1000;
  const { stdout } = await br.exec(["--output=json", "info"]);
  const info = JSON.parse(stdout) as Array<{
    backup: Array<{
      label: string;
      type: BackupInfo["type"];
      lsn: { start: string; stop: string };
      timestamp: { start: number; stop: number };
      info: { size: number; delta: number; repository: { size: number; delta: number } };
    }>;
  }>;
  const b = info[0]!.backup.at(-1)!;
  return {
    label: b.label,
    type: b.type,
    repoBytes: b.info.repository.delta,
    sizeBytes: b.info.size,
    deltaBytes: b.info.delta,
    seconds,
    startLsn: b.lsn.start,
    stopLsn: b.lsn.stop,
    startTime: new Date(b.timestamp.start * 1000).toISOString(),
    stopTime: new Date(b.timestamp.stop * 1000).toISOString(),
  };
}

export const fullBackup = (br: PgBackRest) => backup(br, "full");

/** The backup set the latest `pgbackrest restore` used (it picks one by the target time), from its log. */
export async function lastRestoredSet(br: PgBackRest): Promise<string | null> {
  const text = await readFile(path.join(br.dir, "log", `${STANZA}-restore.log`), "utf8").catch(() => "");
  const all = [...text.matchAll(/restore backup set ([0-9]{8}-[0-9]{6}F(?:_[0-9]{8}-[0-9]{6}[DI])?)/g)];
  return all.at(-1)?.[1] ?? null;
}

/** Archived segment names (timeline 1) present in the repository. */
export async function archivedSegments(br: PgBackRest): Promise<Set<string>> {
  const root = path.join(br.repo, "archive", STANZA);
  const out = new Set<string>();
  if (!existsSync(root)) return out;
  for (const ver of await readdir(root)) {
    const vdir = path.join(root, ver);
    if (!(await stat(vdir)).isDirectory()) continue;
    for (const hi of await readdir(vdir)) {
      if (!/^[0-9A-F]{16}$/.test(hi)) continue;
      for (const f of await readdir(path.join(vdir, hi))) {
        const m = /^([0-9A-F]{24})-[0-9a-f]{40}/.exec(f);
        if (m) out.add(m[1]!);
      }
    }
  }
  return out;
}

export interface RestoredServer {
  dataDir: string;
  socketDir: string;
  port: number;
  stop: () => Promise<void>;
  /** null while the postmaster runs, else the end of its log. */
  dead: () => Promise<string | null>;
}

/**
 * `pgbackrest restore --type=time` into an empty directory, then start the server on its own port
 * (archive_mode off so it never pushes into the repository). Returns once the server is started;
 * the caller waits for it to be queryable.
 */
export async function restoreToTime(
  br: PgBackRest,
  o: { dataDir: string; port: number; target: string; logFile: string },
): Promise<{ restoreSeconds: number; server: RestoredServer }> {
  const user = resolveServiceUser();
  await mkdir(path.dirname(o.dataDir), { recursive: true, mode: 0o755 });
  await chownToServiceUser(path.dirname(o.dataDir), user); // the server's socket lives there
  await mkdir(o.dataDir, { mode: 0o700 });
  await chownToServiceUser(o.dataDir, user);
  const started = performance.now();
  await br.exec([
    `--pg1-path=${o.dataDir}`,
    "--type=time",
    `--target=${o.target}`,
    "--target-action=promote",
    "--archive-mode=off",
    "restore",
  ]);
  const restoreSeconds = (performance.now() - started) / 1000;
  if (process.env.BENCH_DEBUG)
    log(`pgBackRest wrote: ${(await readFile(path.join(o.dataDir, "postgresql.auto.conf"), "utf8")).trim()}`);
  const socketDir = path.dirname(o.dataDir);
  const bin = findBinDir();
  await run(
    path.join(bin, "pg_ctl"),
    [
      "-D",
      o.dataDir,
      "-l",
      o.logFile,
      "-W",
      "-o",
      `-p ${o.port} -k ${socketDir} -c listen_addresses=127.0.0.1`,
      "start",
    ],
    asServiceUser(user),
  );
  return {
    restoreSeconds,
    server: {
      dataDir: o.dataDir,
      socketDir,
      port: o.port,
      stop: async () => {
        await run(path.join(bin, "pg_ctl"), ["-D", o.dataDir, "-m", "immediate", "-w", "stop"], {
          ...asServiceUser(user),
          allowFail: true,
        });
      },
      dead: async () => {
        if (existsSync(path.join(o.dataDir, "postmaster.pid"))) return null;
        const text = await readFile(o.logFile, "utf8").catch(() => "");
        return text.trim().split("\n").slice(-8).join("\n");
      },
    },
  };
}

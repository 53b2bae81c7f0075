// The shadow replica: a standby of the primary living in the cluster's replica dataset, seeded by
// pg_basebackup and kept following by streaming (with the WAL archive as fallback through
// restore_command). Restore points are ZFS snapshots of it taken while replay is paused.
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile, chmod } from "node:fs/promises";
import path from "node:path";
import { asServiceUser, chownToServiceUser, findBinDir, freePort, isClusterRunning, isPortFree, resolveServiceUser, startCluster, stopCluster } from "@tideline/postgres";
import { spawn } from "node:child_process";
import { psqlExec, psqlRows, sqlLiteral } from "../pg/psql";
import type { ProtectedCluster } from "./config";
import { ensureConfFiles, writeManagedBlock } from "./postgres-conf";

/**
 * The restore_command helper: copies a WAL file from the archive, or its `.partial` when only that
 * exists (the newest seconds live there). A `.partial` is padded with zeros to the segment size:
 * pg_receivewal pads a new one as it creates it, and a copy taken in that moment would be short,
 * which archive recovery refuses ("has wrong size"); zeros read as the end of the WAL.
 */
export async function installRestoreHelper(dataDir: string): Promise<string> {
  const bin = path.join(dataDir, "bin");
  await mkdir(bin, { recursive: true });
  await chmod(dataDir, 0o755);
  const f = path.join(bin, "tideline-restore-wal");
  await writeFile(
    f,
    `#!/bin/sh
# Tideline restore_command helper: $1 = WAL file name (%f), $2 = destination (%p), $3 = archive directory,
# $4 = WAL segment size in bytes
if [ -f "$3/$1" ]; then exec cp "$3/$1" "$2"; fi
case "$1" in *.history) exit 1 ;; esac
if [ -f "$3/$1.partial" ]; then cp "$3/$1.partial" "$2" && exec truncate -s ">\${4:-16777216}" "$2"; fi
exit 1
`,
    { mode: 0o755 },
  );
  return f;
}

export function restoreCommand(helper: string, walDir: string, walSegmentSize = 16 * 1024 * 1024): string {
  return `${helper} %f %p ${walDir} ${walSegmentSize}`;
}

export async function primarySettings(c: ProtectedCluster): Promise<Record<string, number>> {
  // a hot standby refuses to start with smaller values than its primary
  const rows = await psqlRows<{ name: string; setting: string }>(
    { conninfo: c.primary.conninfo },
    "SELECT name, setting FROM pg_settings WHERE name IN ('max_connections','max_worker_processes','max_wal_senders','max_prepared_transactions','max_locks_per_transaction')",
  );
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.setting)]));
}

export async function seedReplica(
  c: ProtectedCluster,
  progress: (fraction: number, bytesDone: number, bytesTotal: number) => void,
  signal: AbortSignal,
): Promise<void> {
  const user = resolveServiceUser();
  await psqlExec(
    { conninfo: c.primary.conninfo },
    `SELECT pg_create_physical_replication_slot(${sqlLiteral(c.slotReplica)}, true) WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = ${sqlLiteral(c.slotReplica)})`,
  );
  const dir = c.replicaDataDir!;
  if (existsSync(dir)) await rm(dir, { recursive: true, force: true }); // a seed interrupted earlier
  const bin = path.join(findBinDir(c.primary.version ?? undefined), "pg_basebackup");
  const args = ["-d", c.primary.conninfo, "-D", dir, "-X", "stream", "-S", c.slotReplica, "-c", "fast", "-R", "-P", "-N"];
  await new Promise<void>((resolve, reject) => {
    const child = spawn(bin, args, { ...asServiceUser(user), stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    const onAbort = () => child.kill("SIGTERM");
    signal.addEventListener("abort", onAbort, { once: true });
    child.stderr!.setEncoding("utf8").on("data", (d: string) => {
      stderr = (stderr + d).slice(-8000);
      const m = [...d.matchAll(/(\d+)\/(\d+) kB \((\d+)%\)/g)].pop();
      if (m) progress(Number(m[3]) / 100, Number(m[1]) * 1024, Number(m[2]) * 1024);
    });
    child.on("exit", (code) => {
      signal.removeEventListener("abort", onAbort);
      if (code === 0) resolve();
      else reject(Object.assign(new Error(`pg_basebackup failed: ${stderr.trim().split("\n").slice(-3).join(" ")}`), { code: /No space left/.test(stderr) ? "POOL_FULL" : "BASE_BACKUP_FAILED" }));
    });
  });
}

export async function configureReplica(c: ProtectedCluster, helper: string): Promise<void> {
  const dir = c.replicaDataDir!;
  await ensureConfFiles(dir);
  await rm(path.join(dir, "postmaster.pid"), { force: true });
  const primary = await primarySettings(c).catch(() => ({}));
  await writeManagedBlock(dir, {
    ...primary,
    port: c.replicaPort!,
    listen_addresses: "127.0.0.1",
    unix_socket_directories: c.replicaSocketDir!,
    hot_standby: true,
    archive_mode: "off",
    archive_command: "",
    logging_collector: false,
    primary_conninfo: c.primary.conninfo,
    primary_slot_name: c.slotReplica,
    restore_command: restoreCommand(helper, c.walDir, c.walSegmentSize),
    recovery_target_timeline: "latest",
    shared_preload_libraries: "",
  });
  const signal = path.join(dir, "standby.signal");
  if (!existsSync(signal)) {
    await writeFile(signal, "");
    await chownToServiceUser(signal, resolveServiceUser());
  }
}

export async function ensureReplicaRunning(c: ProtectedCluster, logDir: string, helper: string): Promise<{ portChanged: boolean }> {
  const binDir = findBinDir(c.primary.version ?? undefined);
  const local = { pgdata: c.replicaDataDir!, binDir, user: resolveServiceUser(), port: c.replicaPort!, socketDir: c.replicaSocketDir! };
  if (await isClusterRunning(local)) return { portChanged: false };
  let portChanged = false;
  if (!(await isPortFree(c.replicaPort!))) {
    c.replicaPort = await freePort();
    portChanged = true;
  }
  await configureReplica(c, helper);
  await mkdir(logDir, { recursive: true });
  await startCluster({ ...local, port: c.replicaPort! }, { logFile: path.join(logDir, `${c.cluster}-replica.log`) });
  return { portChanged };
}

export async function stopReplica(c: ProtectedCluster): Promise<void> {
  if (!c.replicaDataDir || !existsSync(c.replicaDataDir)) return;
  await stopCluster({ pgdata: c.replicaDataDir, binDir: findBinDir(c.primary.version ?? undefined), user: resolveServiceUser() }, "fast");
}

export function replicaTarget(c: ProtectedCluster) {
  return { port: c.replicaPort!, host: c.replicaSocketDir!, binDir: findBinDir(c.primary.version ?? undefined) };
}


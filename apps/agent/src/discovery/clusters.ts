// Finding the PostgreSQL clusters on this host: running postmasters (from /proc) and data
// directories in the usual places (Debian's /var/lib/postgresql/N/main) or given in config.
import { existsSync } from "node:fs";
import { readdir, readFile, readlink } from "node:fs/promises";
import path from "node:path";
import type { TDiscoveredCluster } from "@tideline/protocol";
import { controlData, readPgVersion, readPostmasterPid } from "../pg/postmaster";

async function runningDataDirs(): Promise<string[]> {
  const dirs = new Set<string>();
  let pids: string[] = [];
  try {
    pids = (await readdir("/proc")).filter((p) => /^\d+$/.test(p));
  } catch {
    return [];
  }
  for (const pid of pids) {
    try {
      const argv = (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0");
      if (!argv[0] || !/(^|\/)(postgres|postmaster)$/.test(argv[0])) continue;
      const i = argv.indexOf("-D");
      if (i >= 0 && argv[i + 1]) {
        const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => "/");
        dirs.add(path.resolve(cwd, argv[i + 1]!));
      }
    } catch {
      // the process ended while we looked
    }
  }
  return [...dirs];
}

async function wellKnownDataDirs(): Promise<string[]> {
  const out: string[] = [];
  const root = "/var/lib/postgresql";
  if (!existsSync(root)) return out;
  for (const v of await readdir(root).catch(() => [])) {
    for (const name of await readdir(path.join(root, v)).catch(() => [])) {
      const d = path.join(root, v, name);
      if (existsSync(path.join(d, "PG_VERSION"))) out.push(d);
    }
  }
  return out;
}

export async function describeDataDir(pgdata: string): Promise<TDiscoveredCluster> {
  const version = await readPgVersion(pgdata);
  const pm = await readPostmasterPid(pgdata);
  let systemIdentifier: string | null = null;
  try {
    systemIdentifier = (await controlData(pgdata, version))["Database system identifier"] ?? null;
  } catch {
    // pg_controldata of another major version is missing: report what we know
  }
  const standby = existsSync(path.join(pgdata, "standby.signal")) || existsSync(path.join(pgdata, "recovery.conf"));
  return {
    pgdata,
    port: pm?.port ?? null,
    version,
    systemIdentifier,
    role: standby ? "standby" : version ? "primary" : "unknown",
    running: pm !== null,
    socketDir: pm?.socketDir ?? null,
  };
}

export async function discoverClusters(extra: string[] = [], exclude: string[] = []): Promise<TDiscoveredCluster[]> {
  const all = new Set([...(await runningDataDirs()), ...(await wellKnownDataDirs()), ...extra]);
  const skip = exclude.map((e) => path.resolve(e));
  const found: TDiscoveredCluster[] = [];
  for (const d of all) {
    if (skip.some((s) => d === s || d.startsWith(`${s}/`))) continue;
    if (!existsSync(path.join(d, "PG_VERSION"))) continue;
    found.push(await describeDataDir(d));
  }
  return found.sort((a, b) => a.pgdata.localeCompare(b.pgdata));
}

// Finding PostgreSQL server binaries: `pg_config --bindir`, then Debian's /usr/lib/postgresql/N/bin.
import { existsSync, readdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";

let cached: { at: number; dirs: Record<number, string> } | null = null;

/**
 * The installed PostgreSQL versions and their bin directories, looked up at most once a minute
 * (an install meanwhile is seen within that minute): the look-up runs `pg_config` and
 * `postgres --version` synchronously, ~0.1 s that every clone's start paid on the event loop.
 */
export function findBinDirs(): Record<number, string> {
  if (cached && Date.now() - cached.at < 60_000) return { ...cached.dirs };
  const dirs = lookUpBinDirs();
  cached = { at: Date.now(), dirs };
  return { ...dirs };
}

function lookUpBinDirs(): Record<number, string> {
  const found: Record<number, string> = {};
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    for (const v of readdirSync(root)) {
      const dir = path.join(root, v, "bin");
      if (/^\d+$/.test(v) && existsSync(path.join(dir, "postgres"))) found[Number(v)] = dir;
    }
  }
  try {
    const dir = execFileSync("pg_config", ["--bindir"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    if (existsSync(path.join(dir, "postgres"))) {
      const out = execFileSync(path.join(dir, "postgres"), ["--version"], { encoding: "utf8" });
      const m = /(\d+)(?:\.\d+)?/.exec(out.replace(/^[^\d]*/, ""));
      if (m) found[Number(m[1])] ??= dir;
    }
  } catch {
    // no pg_config on PATH: the Debian layout above is all we know
  }
  return found;
}

/** The bin dir of the given major version, or of the newest one installed. */
export function findBinDir(version?: number): string {
  const dirs = findBinDirs();
  const versions = Object.keys(dirs)
    .map(Number)
    .sort((a, b) => b - a);
  const pick = version ?? versions[0];
  const dir = pick === undefined ? undefined : dirs[pick];
  if (!dir) {
    throw Object.assign(
      new Error(
        `POSTGRES_NOT_FOUND: PostgreSQL ${version ?? ""} server binaries not found (install postgresql-${version ?? 15})`,
      ),
      { code: "POSTGRES_NOT_FOUND" },
    );
  }
  return dir;
}

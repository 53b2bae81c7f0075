// Reading a data directory without connecting: postmaster.pid (port, socket directory),
// PG_VERSION, standby.signal, and pg_controldata.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { findBinDir, run } from "@tideline/postgres";

export interface PostmasterInfo {
  pid: number;
  port: number;
  socketDir: string | null;
  listenAddress: string | null;
}

export async function readPostmasterPid(pgdata: string): Promise<PostmasterInfo | null> {
  const p = path.join(pgdata, "postmaster.pid");
  if (!existsSync(p)) return null;
  const lines = (await readFile(p, "utf8")).split("\n");
  const pid = Number(lines[0]);
  if (!pid) return null;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return null; // stale file of a crashed server
  }
  return { pid, port: Number(lines[3]), socketDir: lines[4]?.trim() || null, listenAddress: lines[5]?.trim() || null };
}

export async function readPgVersion(pgdata: string): Promise<number | null> {
  const p = path.join(pgdata, "PG_VERSION");
  if (!existsSync(p)) return null;
  return Number((await readFile(p, "utf8")).trim()) || null;
}

export async function controlData(pgdata: string, version?: number | null): Promise<Record<string, string>> {
  const r = await run(path.join(findBinDir(version ?? undefined), "pg_controldata"), ["-D", pgdata], { env: { ...process.env, LC_ALL: "C" } });
  const out: Record<string, string> = {};
  for (const line of r.stdout.split("\n")) {
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

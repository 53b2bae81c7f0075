// Clones this storage agent runs, remembered on disk: a clone whose creation never finished (the
// agent was killed mid-clone) is cleaned up at the next start, so no orphan dataset or server stays.
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { freePort, isPortFree } from "@tideline/postgres";
import type { StorageDriverKind } from "../storage";

export interface CloneRecord {
  cloneId: string;
  cluster: string;
  pool: { name: string; driver: StorageDriverKind };
  dataset: string;
  dataDir: string;
  socketDir: string;
  port: number;
  binDir: string;
  state: "creating" | "ready";
  purpose: "restore" | "drill" | "dr";
}

const dir = (dataDir: string) => path.join(dataDir, "clones");

export async function saveClone(dataDir: string, c: CloneRecord): Promise<void> {
  await mkdir(dir(dataDir), { recursive: true });
  const f = path.join(dir(dataDir), `${c.cloneId}.json`);
  await writeFile(`${f}.tmp`, JSON.stringify(c, null, 2), { mode: 0o600 });
  await rename(`${f}.tmp`, f);
}

export async function loadClones(dataDir: string): Promise<CloneRecord[]> {
  if (!existsSync(dir(dataDir))) return [];
  const out: CloneRecord[] = [];
  for (const f of await readdir(dir(dataDir))) {
    if (!f.endsWith(".json")) continue;
    // a clone.destroy job running alongside may remove a record between readdir and readFile
    const text = await readFile(path.join(dir(dataDir), f), "utf8").catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return null;
      throw err;
    });
    if (text !== null) out.push(JSON.parse(text) as CloneRecord);
  }
  return out;
}

export async function forgetClone(dataDir: string, cloneId: string): Promise<void> {
  await rm(path.join(dir(dataDir), `${cloneId}.json`), { force: true });
}

/** A port from the clone range (TIDELINE_CLONE_PORTS, e.g. "55000-55999") that nothing uses. */
export async function allocatePort(dataDir: string): Promise<number> {
  const range = process.env.TIDELINE_CLONE_PORTS;
  const taken = new Set((await loadClones(dataDir)).map((c) => c.port));
  if (!range) {
    for (;;) {
      const p = await freePort();
      if (!taken.has(p)) return p;
    }
  }
  const [lo, hi] = range.split("-").map(Number) as [number, number];
  for (let p = lo; p <= hi; p++) if (!taken.has(p) && (await isPortFree(p)) && (await isPortFree(p, "0.0.0.0"))) return p;
  throw Object.assign(new Error(`NO_FREE_PORT: every port of the clone range ${range} is in use; destroy some clones`), { code: "NO_FREE_PORT" });
}

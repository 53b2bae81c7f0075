// What the storage agent remembers about each cluster it protects, so that WAL streaming and the
// shadow replica come back by themselves after an agent restart. One JSON file per cluster.
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { TProtection } from "@tideline/protocol";

export interface ClusterDatasets {
  root: string;
  wal: string;
  replica: string;
  clones: string;
  base: string;
}

export interface ProtectedCluster extends TProtection {
  datasets: ClusterDatasets;
  walDir: string;
  /** Mode replica: the standby's data directory and port. */
  replicaDataDir: string | null;
  replicaPort: number | null;
  replicaSocketDir: string | null;
  slotWal: string;
  slotReplica: string;
  walSegmentSize: number;
  /** Mode shared: PGDATA relative to the shared dataset's mountpoint ("" when it is the root). */
  sharedPgdataSubpath: string | null;
}

export function clusterDatasets(pool: string, cluster: string): ClusterDatasets {
  const root = `${pool}/tideline/${cluster}`;
  return { root, wal: `${root}/wal`, replica: `${root}/replica`, clones: `${root}/clones`, base: `${root}/base` };
}

export { slotNames } from "@tideline/protocol";

const dir = (dataDir: string) => path.join(dataDir, "clusters");

export async function saveProtected(dataDir: string, c: ProtectedCluster): Promise<void> {
  await mkdir(dir(dataDir), { recursive: true });
  const f = path.join(dir(dataDir), `${c.cluster}.json`);
  await writeFile(`${f}.tmp`, JSON.stringify(c, null, 2), { mode: 0o600 });
  await rename(`${f}.tmp`, f);
}

export async function loadProtected(dataDir: string): Promise<ProtectedCluster[]> {
  if (!existsSync(dir(dataDir))) return [];
  const out: ProtectedCluster[] = [];
  for (const f of await readdir(dir(dataDir))) {
    if (!f.endsWith(".json")) continue;
    const text = await readFile(path.join(dir(dataDir), f), "utf8").catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return null; // removed by an unprotect running alongside
      throw err;
    });
    if (text !== null) out.push(JSON.parse(text) as ProtectedCluster);
  }
  return out;
}

export async function forgetProtected(dataDir: string, cluster: string): Promise<void> {
  await rm(path.join(dir(dataDir), `${cluster}.json`), { force: true });
}

export function withParam(conninfo: string, key: string, value: string): string {
  return `${conninfo} ${key}='${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}

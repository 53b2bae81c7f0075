// Throwaway PostgreSQL clusters for integration tests and benchmarks: a temp folder the service
// user can reach, initdb with replication-friendly settings, start, and a `stop()` that cleans up.
import { mkdtemp, rm, chmod } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { initCluster, query, startCluster, stopCluster, type LocalCluster } from "./cluster";
import { freePort } from "./ports";

export interface TestCluster extends LocalCluster {
  dir: string;
  query: <T extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;
  stop: () => Promise<void>;
  destroy: () => Promise<void>;
}

export async function makeTempDir(prefix = "tideline-"): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await chmod(dir, 0o755); // the service user must reach the data directory below it
  return dir;
}

export async function startTestCluster(opts: { settings?: Record<string, string | number>; dir?: string; name?: string } = {}): Promise<TestCluster> {
  const dir = opts.dir ?? (await makeTempDir());
  const port = await freePort();
  const c = await initCluster({
    pgdata: path.join(dir, opts.name ?? "primary"),
    port,
    socketDir: dir,
    settings: { wal_level: "replica", max_wal_senders: 10, max_replication_slots: 10, fsync: "off", ...opts.settings },
  });
  await startCluster(c, { logFile: path.join(dir, `${opts.name ?? "primary"}.log`) });
  const stop = () => stopCluster(c, "fast");
  return {
    ...c,
    dir,
    query: (sql, params) => query(c, sql, params),
    stop,
    destroy: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

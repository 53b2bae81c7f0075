// Everything this storage agent does for the clusters it protects, between jobs: WAL receivers,
// shadow replicas kept running, and a status report per cluster every few seconds (streaming
// state and lag, replica replay, the WAL catalog, space, problems with their fixes).
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { compareLsn, lsnDiffBytes } from "@tideline/core";
import type { AgentToCoordinator, TProblem } from "@tideline/protocol";
import type { z } from "zod";
import { loadClones } from "../clones/clone-registry";
import { psqlRows, sqlLiteral } from "../pg/psql";
import type { StorageDriver } from "../storage";
import { WalArchive } from "./catalog";
import { CAN_CHECKPOINT_EXPR, checkpointProblem } from "./checkpoint";
import { loadProtected, type ProtectedCluster, saveProtected } from "./config";
import { ensureReplicaRunning, installRestoreHelper, replicaTarget, stopReplica } from "./replica";
import { WalReceiver } from "./wal-receiver";

/** How often a cluster's clones are checked for their space and client connections. */
const CLONE_ACTIVITY_MS = Number(process.env.TIDELINE_CLONE_ACTIVITY_MS ?? 15_000);

type Status = z.infer<(typeof AgentToCoordinator)["CLUSTER_STATUS"]>;
type Log = (level: string, msg: string, f?: Record<string, unknown>) => void;

interface Entry {
  config: ProtectedCluster;
  /** track() is still bringing the replica up: its absence is not a problem yet. */
  starting: boolean;
  /** When snapshot sizes were last reported. */
  sizesAt: number;
  /** When clone sizes and connections were last read (they cost a psql and a size query per clone). */
  clonesAt: number;
  receiver: WalReceiver;
  archive: WalArchive;
}

export class ProtectionManager {
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  /** Per cluster, the tail of the queue of restore points being taken. */
  private readonly restorePointQueue = new Map<string, Promise<unknown>>();

  constructor(
    private readonly dataDir: string,
    private readonly driverFor: (c: ProtectedCluster) => StorageDriver,
    private readonly send: (status: Status) => void,
    private readonly log: Log,
  ) {}

  get runDir(): string {
    return path.join(this.dataDir, "run");
  }

  get logDir(): string {
    return path.join(this.dataDir, "logs");
  }

  helper(): Promise<string> {
    return installRestoreHelper(this.dataDir);
  }

  get(clusterId: string): ProtectedCluster | undefined {
    return [...this.entries.values()].find((e) => e.config.clusterId === clusterId)?.config;
  }

  /** A clone of `cluster` is new: its space and connections go out with the next status report. */
  cloneActivityChanged(cluster: string): void {
    const e = this.entries.get(cluster);
    if (e) e.clonesAt = 0;
  }

  byName(cluster: string): ProtectedCluster | undefined {
    return this.entries.get(cluster)?.config;
  }

  /**
   * Restore points of one cluster one at a time, in arrival order: two at once would interleave
   * pause, CHECKPOINT, snapshot and resume on the same replica, so one could resume replay while
   * the other is still snapshotting (its snapshot would not hold the LSN it records).
   */
  async oneRestorePointAtATime<T>(cluster: string, take: () => Promise<T>, waiting?: () => void): Promise<T> {
    const before = this.restorePointQueue.get(cluster);
    const mine = (before ?? Promise.resolve()).catch(() => {}).then(take);
    const tail = mine.catch(() => {});
    this.restorePointQueue.set(cluster, tail);
    if (before) waiting?.();
    try {
      return await mine;
    } finally {
      if (this.restorePointQueue.get(cluster) === tail) this.restorePointQueue.delete(cluster);
    }
  }

  /** Bring back every protected cluster after the agent starts. */
  async resumeAll(): Promise<void> {
    await mkdir(this.runDir, { recursive: true });
    for (const c of await loadProtected(this.dataDir)) {
      await this.track(c).catch((err: Error) =>
        this.log("error", "could not resume protection", { cluster: c.cluster, error: err.message }),
      );
    }
  }

  /** Start (or restart) WAL streaming and the replica for a cluster, and remember it. */
  async track(c: ProtectedCluster): Promise<void> {
    await mkdir(this.runDir, { recursive: true });
    const old = this.entries.get(c.cluster);
    if (old) await old.receiver.stop();
    const receiver = new WalReceiver(c, this.runDir, this.log);
    const archive = new WalArchive(
      c.walDir,
      path.join(this.dataDir, "cache", `${c.cluster}-wal.json`),
      c.walSegmentSize,
    );
    const entry: Entry = { config: c, receiver, archive, starting: true, sizesAt: 0, clonesAt: 0 };
    this.entries.set(c.cluster, entry);
    try {
      await receiver.start();
      if (c.mode === "replica" && c.replicaDataDir)
        await ensureReplicaRunning(c, this.logDir, await this.helper());
      await saveProtected(this.dataDir, c);
    } finally {
      entry.starting = false;
    }
  }

  async untrack(cluster: string): Promise<ProtectedCluster | undefined> {
    const e = this.entries.get(cluster);
    if (!e) return undefined;
    await e.receiver.stop();
    if (e.config.mode === "replica") await stopReplica(e.config);
    this.entries.delete(cluster);
    return e.config;
  }

  startStatusLoop(everyMs: number): void {
    this.timer = setInterval(() => void this.reportAll(), everyMs);
  }

  async reportAll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (const e of this.entries.values()) {
        try {
          this.send(await this.status(e));
        } catch (err) {
          this.log("warn", "status failed", { cluster: e.config.cluster, error: (err as Error).message });
        }
      }
    } finally {
      this.busy = false;
    }
  }

  async status(e: Entry): Promise<Status> {
    const c = e.config;
    const problems: TProblem[] = [];
    let primaryLsn: string | null = null;
    let flushLsn: string | null = null;
    let lagSeconds: number | null = null;
    let slot: Status["wal"]["slot"] = null;
    try {
      const [r] = await psqlRows<{
        primary_lsn: string;
        flush_lsn: string | null;
        lag: number | null;
        active: boolean | null;
        restart_lsn: string | null;
        exists: boolean;
        can: boolean;
        role: string;
        version: number;
      }>(
        { conninfo: c.primary.conninfo },
        `SELECT ${CAN_CHECKPOINT_EXPR} AS can, quote_ident(current_user) AS role, current_setting('server_version_num')::int AS version,
                pg_current_wal_lsn()::text AS primary_lsn, r.flush_lsn::text AS flush_lsn, extract(epoch FROM r.flush_lag)::float8 AS lag,
                s.active, s.restart_lsn::text AS restart_lsn, s.slot_name IS NOT NULL AS exists
           FROM (SELECT 1) one
           LEFT JOIN pg_replication_slots s ON s.slot_name = ${sqlLiteral(c.slotWal)}
           LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid`,
        { timeoutMs: 10_000 },
      );
      if (r) {
        primaryLsn = r.primary_lsn;
        flushLsn = r.flush_lsn;
        lagSeconds = r.flush_lsn ? (r.lag ?? 0) : null;
        slot = r.exists
          ? { name: c.slotWal, active: r.active, restartLsn: r.restart_lsn }
          : { name: c.slotWal, active: null, restartLsn: null };
        if (c.mode === "replica" && !r.can) problems.push(checkpointProblem(r));
        if (!r.exists)
          problems.push({
            code: "SLOT_MISSING",
            message: `replication slot ${c.slotWal} is missing on the primary`,
            fix: "Tideline recreates it when pg_receivewal reconnects; WAL written meanwhile may be lost",
          });
      }
    } catch (err) {
      problems.push({
        code: "PRIMARY_UNREACHABLE",
        message: `cannot query the primary: ${(err as Error).message.slice(0, 300)}`,
      });
    }
    if (e.receiver.error && e.receiver.state !== "streaming") {
      const fix = (e.receiver.error.details as { fix?: string } | undefined)?.fix;
      problems.push({ code: e.receiver.error.code, message: e.receiver.error.message, fix });
    }
    let replica: Status["replica"] = null;
    if (c.mode === "replica" && (!c.replicaDataDir || e.starting)) {
      replica = { running: false, port: c.replicaPort, replayLsn: null, replayTime: null, lagBytes: null }; // being seeded
    } else if (c.mode === "replica") {
      try {
        // next_xid: the first xid the replica has not seen complete, the archive's xid horizon
        const [r] = await psqlRows<{ lsn: string | null; t: string | null; next_xid: string | null }>(
          replicaTarget(c),
          "SELECT pg_last_wal_replay_lsn()::text AS lsn, pg_last_xact_replay_timestamp() AS t, pg_snapshot_xmax(pg_current_snapshot())::text AS next_xid",
          { timeoutMs: 10_000 },
        );
        replica = {
          running: true,
          port: c.replicaPort,
          replayLsn: r?.lsn ?? null,
          replayTime: r?.t ? new Date(r.t).toISOString() : null,
          lagBytes: r?.lsn && primaryLsn ? Math.max(0, Number(lsnDiffBytes(primaryLsn, r.lsn))) : null,
          nextXid: r?.next_xid ?? null,
        };
      } catch (err) {
        replica = { running: false, port: c.replicaPort, replayLsn: null, replayTime: null, lagBytes: null };
        problems.push({
          code: "REPLICA_DOWN",
          message: `the shadow replica does not answer: ${(err as Error).message.slice(0, 300)}`,
          fix: "Tideline restarts it; see the agent's logs folder for its log",
        });
        void ensureReplicaRunning(c, this.logDir, await this.helper()).catch(() => {});
      }
    }
    const view = await e.archive.view();
    let spaceUsedBytes: number | null = null;
    let snapshotSizes: Status["snapshotSizes"];
    try {
      const driver = this.driverFor(c);
      spaceUsedBytes = (await driver.spaceUsed(c.datasets.root)).usedBytes;
      if (Date.now() - e.sizesAt > 30_000) {
        e.sizesAt = Date.now();
        const dataset = c.mode === "shared" ? c.sharedDataset! : c.datasets.replica;
        snapshotSizes = (await driver.listSnapshots(dataset)).map((s) => ({
          dataset,
          snapshot: s.name,
          usedBytes: s.usedBytes,
        }));
      }
      const pool = await driver.poolStatus();
      if (pool.sizeBytes > 0 && pool.freeBytes / pool.sizeBytes < 0.1) {
        problems.push({
          code: "POOL_NEARLY_FULL",
          message: `pool ${pool.name} has ${Math.round((pool.freeBytes / pool.sizeBytes) * 100)}% free`,
          fix: "add space to the pool or tighten the retention policy",
        });
      }
    } catch {
      // space is informative; a failure here must not hide the rest of the status
    }
    // the idle policy counts in minutes: clone activity every CLONE_ACTIVITY_MS, not every report
    let clones: Status["clones"];
    if (Date.now() - e.clonesAt > CLONE_ACTIVITY_MS) {
      e.clonesAt = Date.now();
      clones = await this.cloneActivity(c);
    }
    const lagBytes = primaryLsn && flushLsn ? Math.max(0, Number(lsnDiffBytes(primaryLsn, flushLsn))) : null;
    return {
      clusterId: c.clusterId,
      at: new Date().toISOString(),
      wal: {
        state: e.receiver.state,
        error: e.receiver.state === "streaming" ? null : e.receiver.error,
        flushLsn,
        primaryLsn,
        lagBytes,
        lagSeconds,
        slot,
        restarts: e.receiver.restarts,
      },
      replica,
      catalog: view.catalog,
      histories: view.histories,
      namedPoints: view.namedPoints,
      spaceUsedBytes,
      problems,
      snapshotSizes,
      clones,
    };
  }

  /** The cluster's running clones: the space each holds now, and how many clients are connected to it. */
  private async cloneActivity(c: ProtectedCluster): Promise<Status["clones"]> {
    const out: NonNullable<Status["clones"]> = [];
    for (const rec of await loadClones(this.dataDir)) {
      if (rec.cluster !== c.cluster || rec.state !== "ready") continue;
      const usedBytes = await this.driverFor(c)
        .spaceUsed(rec.dataset)
        .then((s) => s.usedBytes)
        .catch(() => 0);
      const [a] = await psqlRows<{ n: number }>(
        { port: rec.port, host: rec.socketDir, binDir: rec.binDir },
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
        { timeoutMs: 5_000 },
      ).catch(() => [{ n: 0 }]);
      out.push({ cloneId: rec.cloneId, usedBytes, connections: a?.n ?? 0 });
    }
    return out;
  }

  /** Wait until the archive holds WAL up to `lsn` (a commit is in the archive when its record is). */
  async waitForArchive(cluster: string, lsn: string, timeoutMs = 30_000): Promise<boolean> {
    const e = this.entries.get(cluster);
    if (!e) return false;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const v = await e.archive.view();
      const end = v.catalog
        .map((t) => t.endLsn)
        .sort(compareLsn)
        .pop();
      if (end && compareLsn(end, lsn) >= 0) return true;
      await new Promise((r) => setTimeout(r, 200));
    }
    return false;
  }

  async archiveView(cluster: string) {
    return this.entries.get(cluster)?.archive.view();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    // a graceful stop stops what we started; after a SIGKILL the next start ends the stale
    // receiver (the slot keeps the WAL meanwhile) and adopts the still-running replica
    for (const e of this.entries.values()) {
      await e.receiver.stop();
      if (e.config.mode === "replica") await stopReplica(e.config).catch(() => {});
    }
  }
}

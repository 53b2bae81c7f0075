// The scheduler: restore points on each cluster's schedule (cron or interval). Several
// coordinators may run it at once: due clusters are locked with SKIP LOCKED, and the job's
// idempotency key names the scheduled slot, so a slot produces one restore point. The lock is
// FOR NO KEY UPDATE: inserting the job checks its foreign key with FOR KEY SHARE on the same
// cluster row from another connection, which FOR UPDATE would block forever.
// Restore points also come by WAL volume (walVolumeDue in packages/core): the cluster row lock
// and the in-flight check make one coordinator create the job, the key (named after the newest
// restore point and how many thresholds of WAL lie past it) makes a race create it once.
import { archiveHead, nextRun, parseSchedule, walVolumeDue } from "@tideline/core";
import type pg from "pg";
import type { Coordinator } from "../coordinator";
import { createJob, type DrillConfig, expireClones, startDrill } from "@tideline/api";

export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(private readonly c: Coordinator, private readonly everyMs: number) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Clones past their TTL, or idle past their cluster's policy, and not protected, are destroyed. */
  private async expireClones(): Promise<void> {
    await expireClones(this.c);
  }

  /** Clusters whose drill schedule is due get a drill of their newest restore point. */
  private async scheduleDrills(): Promise<void> {
    const due = await this.c.db.cluster.findMany({ where: { state: "protected", nextDrillAt: { lte: new Date() } }, take: 20 });
    for (const cl of due) {
      const cfg = (cl.drill ?? {}) as DrillConfig;
      let next: Date | null = null;
      try {
        next = cfg.schedule ? nextRun(parseSchedule(cfg.schedule, cl.scheduleTimeZone), new Date()) : null;
      } catch {
        next = null;
      }
      // claim the slot first: another coordinator seeing the old next_drill_at updates nothing
      const claimed = await this.c.pool.query("UPDATE clusters SET next_drill_at = $2 WHERE id = $1 AND next_drill_at = $3", [cl.id, next, cl.nextDrillAt]);
      if (!claimed.rowCount) continue;
      await startDrill(this.c, cl.id, { idempotencyKey: `drill:${cl.id}:${cl.nextDrillAt!.toISOString()}` }).catch((err: Error) =>
        this.c.log.warn("could not start a scheduled drill", { cluster: cl.name, error: err.message }),
      );
    }
  }

  /**
   * Clusters whose archive holds `snapshot_wal_bytes` of WAL past their newest restore point get
   * one. Candidates are read without locks (every protected cluster, every tick); only a due one
   * is locked, inside the tick's transaction, and checked again for a job in flight: another
   * coordinator skips the locked row, and once this one commits it sees the job.
   */
  private async scheduleByWalVolume(client: pg.PoolClient): Promise<void> {
    const { rows } = await client.query<{ id: string; name: string; storage_agent_id: string; snapshot_wal_bytes: string; wal_catalog: unknown; in_flight: boolean }>(
      `SELECT c.id, c.name, c.storage_agent_id, c.snapshot_wal_bytes::text, c.wal_catalog,
              EXISTS (SELECT 1 FROM jobs j WHERE j.cluster_id = c.id AND j.kind = 'restore-point.create'
                        AND j.state IN ('queued', 'dispatched', 'running')) AS in_flight
         FROM clusters c
        WHERE c.state = 'protected' AND c.snapshot_wal_bytes > 0 AND c.storage_agent_id IS NOT NULL`,
    );
    if (rows.length === 0) return;
    // the newest restore point per cluster and timeline (creation order is LSN order on one timeline)
    const points = await client.query<{ cluster_id: string; id: string; lsn: string; timeline: number }>(
      `SELECT DISTINCT ON (cluster_id, timeline) cluster_id, id, lsn, timeline FROM restore_points
        WHERE cluster_id = ANY($1) AND pruned_at IS NULL ORDER BY cluster_id, timeline, created_at DESC`,
      [rows.map((r) => r.id)],
    );
    for (const r of rows) {
      const catalog = Array.isArray(r.wal_catalog) ? (r.wal_catalog as Array<{ timeline: number; endLsn: string }>) : [];
      const archive = archiveHead(catalog.filter((t) => typeof t?.endLsn === "string" && Number.isInteger(t?.timeline)));
      const last = points.rows.find((p) => p.cluster_id === r.id && p.timeline === archive?.timeline) ?? null;
      const threshold = Number(r.snapshot_wal_bytes);
      const decision = walVolumeDue({ thresholdBytes: threshold, lastRestorePoint: last, archive, inFlight: r.in_flight });
      if (!decision.due || !last) continue;
      const locked = await client.query<{ in_flight: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM jobs j WHERE j.cluster_id = c.id AND j.kind = 'restore-point.create'
                          AND j.state IN ('queued', 'dispatched', 'running')) AS in_flight
           FROM clusters c WHERE c.id = $1 FOR NO KEY UPDATE OF c SKIP LOCKED`,
        [r.id],
      );
      if (!locked.rows[0] || locked.rows[0].in_flight) continue; // another coordinator has it
      const { created } = await createJob(this.c.pool, this.c.bus, {
        kind: "restore-point.create",
        agentId: r.storage_agent_id,
        clusterId: r.id,
        payload: { clusterId: r.id, cluster: r.name, reason: "wal-volume" },
        // a failed job does not block the next: another threshold of WAL makes a new key
        idempotencyKey: `rp-wal:${r.id}:${last.id}:${decision.walBytes / BigInt(threshold)}`,
        maxAttempts: 2,
      });
      if (created) this.c.log.info("restore point due by WAL volume", { cluster: r.name, walBytes: Number(decision.walBytes), thresholdBytes: threshold });
    }
  }

  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const client = await this.c.pool.connect().catch(() => null);
    if (!client) {
      this.running = false;
      return;
    }
    try {
      await client.query("BEGIN");
      const { rows } = await client.query<{ id: string; name: string; snapshot_schedule: string; schedule_time_zone: string; next_snapshot_at: Date; storage_agent_id: string }>(
        `SELECT id, name, snapshot_schedule, schedule_time_zone, next_snapshot_at, storage_agent_id FROM clusters
          WHERE state = 'protected' AND next_snapshot_at <= now() AND storage_agent_id IS NOT NULL
          FOR NO KEY UPDATE SKIP LOCKED LIMIT 100`,
      );
      for (const r of rows) {
        await createJob(this.c.pool, this.c.bus, {
          kind: "restore-point.create",
          agentId: r.storage_agent_id,
          clusterId: r.id,
          payload: { clusterId: r.id, cluster: r.name, reason: "schedule" },
          idempotencyKey: `rp:${r.id}:${r.next_snapshot_at.toISOString()}`,
          maxAttempts: 2,
        });
        let next: Date;
        try {
          next = nextRun(parseSchedule(r.snapshot_schedule, r.schedule_time_zone), new Date());
        } catch {
          next = new Date(Date.now() + 15 * 60_000);
        }
        await client.query("UPDATE clusters SET next_snapshot_at = $2 WHERE id = $1", [r.id, next]);
      }
      await this.scheduleByWalVolume(client);
      await client.query("COMMIT");
      await this.expireClones();
      await this.scheduleDrills();
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      this.c.log.warn("scheduler tick failed", { error: (err as Error).message });
    } finally {
      client.release();
      this.running = false;
    }
  }
}

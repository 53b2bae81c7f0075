// The scheduler: restore points on each cluster's schedule (cron or interval). Several
// coordinators may run it at once: due clusters are locked with SKIP LOCKED, and the job's
// idempotency key names the scheduled slot, so a slot produces one restore point. The lock is
// FOR NO KEY UPDATE: inserting the job checks its foreign key with FOR KEY SHARE on the same
// cluster row from another connection, which FOR UPDATE would block forever.
import { nextRun, parseSchedule } from "@tideline/core";
import type { Coordinator } from "../context";
import { createJob } from "../jobs/create-job";
import { destroyCloneById } from "../clones/create-restore";
import { type DrillConfig, startDrill } from "../drills/start-drill";

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

  /** Clones past their TTL and not protected are destroyed. */
  private async expireClones(): Promise<void> {
    const due = await this.c.db.clone.findMany({ where: { state: "ready", protected: false, expiresAt: { lt: new Date() } }, take: 50 });
    for (const clone of due) {
      await destroyCloneById(this.c, null, clone.id, "its TTL expired").catch((err: Error) => this.c.log.warn("could not expire a clone", { cloneId: clone.id, error: err.message }));
    }
  }

  /** Clusters whose drill schedule is due get a drill of their newest restore point. */
  private async scheduleDrills(): Promise<void> {
    const due = await this.c.db.cluster.findMany({ where: { state: "protected", nextDrillAt: { lte: new Date() } }, take: 20 });
    for (const cl of due) {
      const cfg = (cl.drill ?? {}) as DrillConfig;
      let next: Date | null = null;
      try {
        next = cfg.schedule ? nextRun(parseSchedule(cfg.schedule), new Date()) : null;
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
      const { rows } = await client.query<{ id: string; name: string; snapshot_schedule: string; next_snapshot_at: Date; storage_agent_id: string }>(
        `SELECT id, name, snapshot_schedule, next_snapshot_at, storage_agent_id FROM clusters
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
          next = nextRun(parseSchedule(r.snapshot_schedule), new Date());
        } catch {
          next = new Date(Date.now() + 15 * 60_000);
        }
        await client.query("UPDATE clusters SET next_snapshot_at = $2 WHERE id = $1", [r.id, next]);
      }
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

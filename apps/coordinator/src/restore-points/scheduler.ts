// The scheduler: restore points on each cluster's schedule (cron or interval). Several
// coordinators may run it at once: due clusters are locked with SKIP LOCKED, and the job's
// idempotency key names the scheduled slot, so a slot produces one restore point. The lock is
// FOR NO KEY UPDATE: inserting the job checks its foreign key with FOR KEY SHARE on the same
// cluster row from another connection, which FOR UPDATE would block forever.
import { nextRun, parseSchedule } from "@tideline/core";
import type { Coordinator } from "../context";
import { createJob } from "../jobs/create-job";

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
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      this.c.log.warn("scheduler tick failed", { error: (err as Error).message });
    } finally {
      client.release();
      this.running = false;
    }
  }
}

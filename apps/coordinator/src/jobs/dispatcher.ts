// Moves queued jobs to the agents connected to this coordinator. Woken by NOTIFY when a job is
// created anywhere, when an agent connects, and by a sweep that also re-queues jobs whose lease
// expired. Claims are row-locked (SKIP LOCKED) and guarded by state, so no job goes out twice.
import { openJobSecrets } from "@tideline/protocol";
import { addJobEvent, CHANNELS, claimNextJob, handleJobFailure, releaseJob, requeueExpired, type Services } from "@tideline/api";
import type { AgentRegistry } from "../agents/registry";
import type { CoordinatorMetrics } from "../http/metrics";

/** What the dispatcher works with: the API's services, this process's agent sockets and metrics. */
export type DispatcherDeps = Services & { registry: AgentRegistry; metrics: CoordinatorMetrics };

export class Dispatcher {
  private readonly pumping = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly c: DispatcherDeps) {}

  start(): void {
    this.c.bus.on(CHANNELS.jobs, (agentId: string) => this.wake(agentId));
    this.c.bus.on(CHANNELS.cancel, (payload: string) => this.forwardCancel(payload));
    this.c.bus.on("reconnected", () => this.wakeAll());
    this.timer = setInterval(() => void this.sweep(), this.c.config.sweepMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  wakeAll(): void {
    for (const id of this.c.registry.ids()) this.wake(id);
  }

  /** Drain the queue of one locally connected agent; concurrent wake-ups coalesce. */
  wake(agentId: string): void {
    if (!this.c.registry.get(agentId)) return;
    if (this.pumping.has(agentId)) {
      this.again.add(agentId);
      return;
    }
    const p = this.pump(agentId)
      .catch((err: Error) => this.c.log.error("dispatch failed", { agentId, error: err.message }))
      .finally(() => {
        this.pumping.delete(agentId);
        if (this.again.delete(agentId)) this.wake(agentId);
      });
    this.pumping.set(agentId, p);
  }

  private async pump(agentId: string): Promise<void> {
    for (;;) {
      const conn = this.c.registry.get(agentId);
      if (!conn) return;
      const job = await claimNextJob(this.c.pool, agentId, this.c.id, this.c.config.leaseMs);
      if (!job) return;
      const sent = conn.send("JOB_DISPATCH", {
        jobId: job.id,
        attempt: job.attempts,
        kind: job.kind,
        // the only place a job's secrets leave the inventory: this agent's authenticated socket
        payload: openJobSecrets(job.payload, job.secrets),
        idempotencyKey: job.idempotency_key,
        leaseMs: this.c.config.leaseMs,
      });
      if (!sent) {
        await releaseJob(this.c.pool, job.id, job.attempts);
        return;
      }
      this.c.metrics.dispatched.inc();
      await addJobEvent(this.c.pool, job.id, "state", `dispatched to agent ${conn.name} (attempt ${job.attempts})`, {
        data: { coordinatorId: this.c.id, attempt: job.attempts },
      });
      await this.c.bus.publish({ entity: "job", id: job.id, clusterId: job.cluster_id, state: "dispatched" });
    }
  }

  async sweep(): Promise<void> {
    try {
      const expired = await requeueExpired(this.c.pool);
      for (const j of expired) {
        const msg = j.state === "failed" ? "lease expired; no attempts left" : `lease expired; re-queued for attempt ${j.attempts + 1}`;
        await addJobEvent(this.c.pool, j.id, "state", msg, { level: "warn" });
        await this.c.bus.publish({ entity: "job", id: j.id, state: j.state });
        this.c.log.warn("job lease expired", { jobId: j.id, agentId: j.agent_id, state: j.state });
        if (j.state === "queued") await this.c.bus.notify(CHANNELS.jobs, j.agent_id);
        else await this.failed(j.id, { code: "LEASE_EXPIRED", message: "the agent stopped reporting on this job" });
      }
      await this.c.pool.query("UPDATE coordinators SET last_seen_at = now() WHERE id = $1", [this.c.id]);
      this.wakeAll();
    } catch (err) {
      this.c.log.warn("sweep failed", { error: (err as Error).message });
    }
  }

  /** A job that ran out of attempts leaves its clone or cluster in a visible state. */
  async failed(jobId: string, error: { code: string; message: string }): Promise<void> {
    const job = await this.c.db.job.findUnique({ where: { id: jobId } });
    if (job) await handleJobFailure(this.c, job, error).catch(() => {});
  }

  private forwardCancel(payload: string): void {
    const [jobId, agentId] = payload.split(":");
    if (!jobId || !agentId) return;
    this.c.registry.get(agentId)?.send("JOB_CANCEL", { jobId, reason: "cancelled by a user" });
  }
}

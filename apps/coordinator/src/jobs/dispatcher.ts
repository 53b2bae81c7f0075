// Moves queued jobs to the agents connected to this coordinator. Woken by NOTIFY when a job is
// created anywhere, when an agent connects, and by a sweep that also re-queues jobs whose lease
// expired. Wake-ups are gathered and claimed in batches: one statement claims the waiting jobs of
// every agent woken meanwhile (row-locked with SKIP LOCKED and guarded by state, so no job goes out
// twice) and writes their events, so a burst of 200 jobs costs a few round trips, not 600.
import { openJobSecrets } from "@tideline/protocol";
import {
  addJobEvent,
  agentsWithQueuedJobs,
  CHANNELS,
  claimJobs,
  handleJobFailure,
  releaseJob,
  requeueExpired,
  type Services,
} from "@tideline/api";
import type pg from "pg";
import type { AgentRegistry } from "../agents/registry";
import type { CoordinatorMetrics } from "../http/metrics";

/**
 * What the dispatcher works with: the API's services, this process's agent sockets and metrics,
 * and connections of its own for claims, so a claim never queues behind a burst of API calls.
 */
export type DispatcherDeps = Services & {
  registry: AgentRegistry;
  metrics: CoordinatorMetrics;
  claimPool?: pg.Pool;
};

/** Jobs claimed by one statement at most; a fuller queue takes a few. */
const CLAIM_BATCH = 500;

export class Dispatcher {
  private readonly woken = new Set<string>();
  private draining: Promise<void> | null = null;
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

  /** Look for this locally connected agent's queued jobs with the next batch. */
  wake(agentId: string): void {
    if (!this.c.registry.get(agentId)) return;
    this.woken.add(agentId);
    if (this.draining) return; // the batch under way takes it on its next round
    // a turn of the event loop first: NOTIFYs that arrived together are claimed together
    this.draining = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain())
      // the agents woken stay in the set: the next wake-up (the sweep's, at the latest) retries
      .catch((err: Error) => this.c.log.error("dispatch failed", { error: err.message }))
      .finally(() => {
        this.draining = null;
      });
  }

  private async drain(): Promise<void> {
    while (this.woken.size) {
      const ids = [...this.woken].filter((id) => this.c.registry.get(id));
      this.woken.clear();
      if (ids.length === 0) return;
      let jobs: Awaited<ReturnType<typeof claimJobs>>;
      try {
        jobs = await claimJobs(
          this.c.claimPool ?? this.c.pool,
          ids,
          this.c.id,
          this.c.config.leaseMs,
          CLAIM_BATCH,
        );
      } catch (err) {
        for (const id of ids) this.woken.add(id);
        throw err;
      }
      if (jobs.length) this.c.metrics.claims.inc();
      const sent: typeof jobs = [];
      for (const job of jobs) {
        const conn = this.c.registry.get(job.agent_id);
        const ok = conn?.send("JOB_DISPATCH", {
          jobId: job.id,
          attempt: job.attempts,
          kind: job.kind,
          // the only place a job's secrets leave the inventory: this agent's authenticated socket
          payload: openJobSecrets(job.payload, job.secrets),
          idempotencyKey: job.idempotency_key,
          leaseMs: this.c.config.leaseMs,
        });
        if (ok) sent.push(job);
        else await releaseJob(this.c.claimPool ?? this.c.pool, job.id, job.attempts);
      }
      this.c.metrics.dispatched.inc(sent.length);
      // not awaited: the next batch's claim does not wait for the consoles' notifications
      void this.c.bus.publishMany(
        sent.map((j) => ({ entity: "job" as const, id: j.id, clusterId: j.cluster_id, state: "dispatched" })),
      );
      // a full batch may have left jobs behind: those agents go round again
      if (jobs.length >= CLAIM_BATCH) for (const j of jobs) this.woken.add(j.agent_id);
    }
  }

  async sweep(): Promise<void> {
    try {
      const expired = await requeueExpired(this.c.pool);
      for (const j of expired) {
        const msg =
          j.state === "failed"
            ? "lease expired; no attempts left"
            : `lease expired; re-queued for attempt ${j.attempts + 1}`;
        await addJobEvent(this.c.pool, j.id, "state", msg, { level: "warn" });
        await this.c.bus.publish({ entity: "job", id: j.id, state: j.state });
        this.c.log.warn("job lease expired", { jobId: j.id, agentId: j.agent_id, state: j.state });
        if (j.state === "queued") await this.c.bus.notify(CHANNELS.jobs, j.agent_id);
        else
          await this.failed(j.id, {
            code: "LEASE_EXPIRED",
            message: "the agent stopped reporting on this job",
          });
      }
      // one question for all agents (not a claim per agent per second): who has a job waiting,
      // after a missed NOTIFY or once a backoff ran out; only those connected here are woken
      for (const agentId of await agentsWithQueuedJobs(this.c.pool)) this.wake(agentId);
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

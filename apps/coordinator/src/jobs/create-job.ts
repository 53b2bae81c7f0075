// Creating a job: validate its payload against the protocol's job kinds, insert it once per
// idempotency key, and wake whichever coordinator holds the agent's socket.
import { randomUUID } from "node:crypto";
import { parseJobPayload } from "@tideline/protocol";
import type pg from "pg";
import { CHANNELS, type EventBus } from "../events/bus";
import { AppError } from "../errors";

export interface NewJob {
  kind: string;
  agentId: string;
  clusterId?: string | null;
  payload: unknown;
  idempotencyKey?: string;
  maxAttempts?: number;
  createdById?: string | null;
  runAfter?: Date;
}

export async function createJob(pool: pg.Pool, bus: EventBus, job: NewJob): Promise<{ id: string; created: boolean }> {
  const parsed = parseJobPayload(job.kind, job.payload);
  if (!parsed.success) throw new AppError("BAD_JOB_PAYLOAD", `${job.kind}: ${parsed.error}`);
  const id = `job_${randomUUID().replaceAll("-", "").slice(0, 20)}`;
  const key = job.idempotencyKey ?? id;
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO jobs (id, kind, agent_id, cluster_id, payload, idempotency_key, max_attempts, created_by_id, run_after)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, COALESCE($9, now()))
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    [id, job.kind, job.agentId, job.clusterId ?? null, JSON.stringify(parsed.data), key, job.maxAttempts ?? 3, job.createdById ?? null, job.runAfter ?? null],
  );
  if (!rows[0]) {
    const existing = await pool.query<{ id: string }>("SELECT id FROM jobs WHERE idempotency_key = $1", [key]);
    return { id: existing.rows[0]!.id, created: false };
  }
  await pool.query(`INSERT INTO job_events (job_id, type, message) VALUES ($1, 'state', 'queued')`, [id]);
  await bus.notify(CHANNELS.jobs, job.agentId);
  await bus.publish({ entity: "job", id, clusterId: job.clusterId ?? null, state: "queued" });
  return { id, created: true };
}

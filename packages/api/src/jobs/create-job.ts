// Creating a job: validate its payload against the protocol's job kinds, keep its secrets apart
// from the payload (job_secrets, never shown), insert it once per idempotency key, and wake
// whichever coordinator holds the agent's socket.
import { randomUUID } from "node:crypto";
import {
  isJobKind,
  parseJobPayload,
  sealJobSecrets,
  type TJobKind,
  type TJobPayload,
} from "@tideline/protocol";
import type pg from "pg";
import { CHANNELS, type ChangeEvent, type EventBus } from "../events/bus";
import { AppError } from "../errors";

export interface NewJob<K extends TJobKind> {
  kind: K;
  agentId: string;
  clusterId?: string | null;
  /** That kind's payload, secrets included; checked again here against the protocol. */
  payload: TJobPayload<K>;
  idempotencyKey?: string;
  maxAttempts?: number;
  createdById?: string | null;
  runAfter?: Date;
}

export async function createJob<K extends TJobKind>(
  pool: pg.Pool,
  bus: EventBus,
  job: NewJob<K>,
): Promise<{ id: string; created: boolean }> {
  if (!isJobKind(job.kind)) throw new AppError("UNKNOWN_JOB_KIND", `there is no job kind ${job.kind}`);
  const parsed = parseJobPayload(job.kind, job.payload);
  if (!parsed.success) throw new AppError("BAD_JOB_PAYLOAD", `${job.kind}: ${parsed.error}`);
  const id = `job_${randomUUID().replaceAll("-", "").slice(0, 20)}`;
  const key = job.idempotencyKey ?? id;
  const sealed = sealJobSecrets(job.kind, parsed.data);
  // one statement: a job is never visible without the secrets it needs; its first event goes with it
  const { rows } = await pool.query<{ id: string }>(
    `WITH j AS (
       INSERT INTO jobs (id, kind, agent_id, cluster_id, payload, idempotency_key, max_attempts, created_by_id, run_after)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, COALESCE($9, now()))
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING id),
     s AS (INSERT INTO job_secrets (job_id, secrets) SELECT id, $10::jsonb FROM j WHERE $10::jsonb IS NOT NULL),
     e AS (INSERT INTO job_events (job_id, type, message) SELECT id, 'state', 'queued' FROM j)
     SELECT id FROM j`,
    [
      id,
      job.kind,
      job.agentId,
      job.clusterId ?? null,
      JSON.stringify(sealed.payload),
      key,
      job.maxAttempts ?? 3,
      job.createdById ?? null,
      job.runAfter ?? null,
      sealed.secrets ? JSON.stringify(sealed.secrets) : null,
    ],
  );
  if (!rows[0]) {
    const existing = await pool.query<{ id: string }>("SELECT id FROM jobs WHERE idempotency_key = $1", [
      key,
    ]);
    return { id: existing.rows[0]!.id, created: false };
  }
  // wake the agent's coordinator and tell the consoles, in one round trip
  await bus.notifyAll([
    [CHANNELS.jobs, job.agentId],
    [
      CHANNELS.events,
      JSON.stringify({
        entity: "job",
        id,
        clusterId: job.clusterId ?? null,
        state: "queued",
      } satisfies ChangeEvent),
    ],
  ]);
  return { id, created: true };
}

// Job bookkeeping as small single-purpose SQL operations (graphile-worker style). Every state
// change is one UPDATE guarded by the state it expects, so two coordinators racing on the same
// row cannot both win: a job is claimed with FOR UPDATE SKIP LOCKED and dispatched once.
import type pg from "pg";

export interface JobRow {
  id: string;
  kind: string;
  agent_id: string;
  cluster_id: string | null;
  payload: unknown;
  /** The payload's secrets (job_secrets), for the dispatch frame only. */
  secrets: Record<string, string> | null;
  state: string;
  attempts: number;
  max_attempts: number;
  idempotency_key: string;
  lease_expires_at: Date | null;
}

type Queryable = Pick<pg.Pool, "query">;

/**
 * Kinds of which only one may run per cluster at a time; a second one waits in the queue. Two
 * restore points at once would pause and resume the same replica under each other.
 */
export const EXCLUSIVE_PER_CLUSTER = ["backup.base", "restore-point.create"];

export async function claimNextJob(db: Queryable, agentId: string, coordinatorId: string, leaseMs: number): Promise<JobRow | null> {
  const { rows } = await db.query<JobRow>(
    `UPDATE jobs SET state = 'dispatched', attempts = attempts + 1, coordinator_id = $2,
            lease_expires_at = now() + make_interval(secs => $3::double precision / 1000),
            dispatched_at = now(), updated_at = now()
      WHERE id = (
        SELECT j.id FROM jobs j
         WHERE j.agent_id = $1 AND j.state = 'queued' AND j.run_after <= now() AND NOT j.cancel_requested
           AND NOT (j.kind = ANY($4::text[]) AND EXISTS (
             SELECT 1 FROM jobs o WHERE o.cluster_id = j.cluster_id AND o.kind = j.kind AND o.id <> j.id
                AND o.state IN ('dispatched', 'running')))
         ORDER BY j.created_at
         FOR UPDATE SKIP LOCKED
         LIMIT 1)
    RETURNING id, kind, agent_id, cluster_id, payload, state, attempts, max_attempts, idempotency_key, lease_expires_at,
              (SELECT s.secrets FROM job_secrets s WHERE s.job_id = jobs.id) AS secrets`,
    [agentId, coordinatorId, leaseMs, EXCLUSIVE_PER_CLUSTER],
  );
  return rows[0] ?? null;
}

/** The agent acknowledged the dispatch. */
export async function markRunning(db: Queryable, jobId: string, attempt: number, leaseMs: number): Promise<boolean> {
  const r = await db.query(
    `UPDATE jobs SET state = 'running', started_at = COALESCE(started_at, now()), updated_at = now(),
            lease_expires_at = now() + make_interval(secs => $3::double precision / 1000)
      WHERE id = $1 AND attempts = $2 AND state IN ('dispatched', 'running')`,
    [jobId, attempt, leaseMs],
  );
  return (r.rowCount ?? 0) > 0;
}

/** Heartbeat: the agent still runs these jobs. */
export async function extendLeases(db: Queryable, agentId: string, jobIds: string[], leaseMs: number): Promise<void> {
  if (jobIds.length === 0) return;
  await db.query(
    `UPDATE jobs SET lease_expires_at = now() + make_interval(secs => $3::double precision / 1000)
      WHERE agent_id = $1 AND id = ANY($2::text[]) AND state IN ('dispatched', 'running')`,
    [agentId, jobIds, leaseMs],
  );
}

/** A job that succeeded will not run again: its secrets go with the same statement. */
export async function completeJob(db: Queryable, jobId: string, attempt: number, result: unknown): Promise<boolean> {
  const r = await db.query(
    `WITH done AS (
       UPDATE jobs SET state = 'succeeded', result = $3::jsonb, progress = 1, finished_at = now(), updated_at = now(),
              lease_expires_at = NULL
        WHERE id = $1 AND attempts = $2 AND state IN ('dispatched', 'running') RETURNING id),
     gone AS (DELETE FROM job_secrets WHERE job_id IN (SELECT id FROM done))
     SELECT id FROM done`,
    [jobId, attempt, JSON.stringify(result ?? null)],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function failJob(db: Queryable, jobId: string, attempt: number, error: { code: string; message: string }, state: "failed" | "cancelled" = "failed"): Promise<boolean> {
  const r = await db.query(
    `UPDATE jobs SET state = $4, error = $3::jsonb, finished_at = now(), updated_at = now(), lease_expires_at = NULL
      WHERE id = $1 AND attempts = $2 AND state IN ('dispatched', 'running')`,
    [jobId, attempt, JSON.stringify(error), state],
  );
  return (r.rowCount ?? 0) > 0;
}

/**
 * Jobs nobody runs any more go back to the queue (to run after `runAfter`), or fail with `code`
 * once they used all their attempts. Returns the rows touched, for events.
 */
async function requeue<R>(db: Queryable, o: { where: string; params: unknown[]; code: string; why: string; runAfter: string; returning: string }): Promise<R[]> {
  const n = o.params.length;
  const { rows } = await db.query(
    `UPDATE jobs SET
        state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
        error = CASE WHEN attempts >= max_attempts
                 THEN jsonb_build_object('code', $${n + 1}::text, 'message', $${n + 2}::text || ' ' || attempts || ' times; giving up')
                 ELSE error END,
        finished_at = CASE WHEN attempts >= max_attempts THEN now() ELSE NULL END,
        run_after = ${o.runAfter}, lease_expires_at = NULL, coordinator_id = NULL, updated_at = now()
      WHERE state IN ('dispatched', 'running') AND ${o.where}
      RETURNING ${o.returning}`,
    [...o.params, o.code, o.why],
  );
  return rows as R[];
}

/**
 * Jobs whose lease ran out (their agent or coordinator died) go back to the queue after a
 * backoff of 1 s, 2 s, 4 s … capped at 60 s, or fail once they used all attempts.
 */
export function requeueExpired(db: Queryable): Promise<Array<{ id: string; agent_id: string; state: string; attempts: number }>> {
  return requeue(db, {
    where: "lease_expires_at < now()",
    params: [],
    code: "LEASE_EXPIRED",
    why: "the agent stopped reporting on this job",
    runAfter: "now() + make_interval(secs => LEAST(60, power(2, GREATEST(attempts - 1, 0)))::double precision)",
    returning: "id, agent_id, state, attempts",
  });
}

/** An agent reconnected without these jobs: it lost them (it restarted). Re-queue at once. */
export function requeueLost(db: Queryable, agentId: string, stillRunning: string[]): Promise<Array<{ id: string; state: string; attempts: number }>> {
  return requeue(db, {
    where: "agent_id = $1 AND NOT (id = ANY($2::text[]))",
    params: [agentId, stillRunning],
    code: "AGENT_LOST_JOB",
    why: "the agent restarted while running this job",
    runAfter: "now()",
    returning: "id, state, attempts",
  });
}

/** Put a dispatched job back when the socket write failed before the agent saw it. */
export async function releaseJob(db: Queryable, jobId: string, attempt: number): Promise<void> {
  await db.query(
    `UPDATE jobs SET state = 'queued', attempts = attempts - 1, lease_expires_at = NULL, coordinator_id = NULL, updated_at = now()
      WHERE id = $1 AND attempts = $2 AND state = 'dispatched'`,
    [jobId, attempt],
  );
}

export async function addJobEvent(db: Queryable, jobId: string, type: string, message: string, opts: { level?: string; data?: unknown } = {}): Promise<void> {
  await db.query(`INSERT INTO job_events (job_id, type, level, message, data) VALUES ($1, $2, $3, $4, $5::jsonb)`, [
    jobId,
    type,
    opts.level ?? "info",
    message.slice(0, 8000),
    opts.data === undefined ? null : JSON.stringify(opts.data),
  ]);
}

export async function setProgress(db: Queryable, jobId: string, p: { progress: number; bytesDone?: number; bytesTotal?: number }): Promise<void> {
  await db.query(
    `UPDATE jobs SET progress = $2, bytes_done = COALESCE($3, bytes_done), bytes_total = COALESCE($4, bytes_total), updated_at = now()
      WHERE id = $1 AND state IN ('dispatched', 'running')`,
    [jobId, p.progress, p.bytesDone ?? null, p.bytesTotal ?? null],
  );
}

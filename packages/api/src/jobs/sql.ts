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

/**
 * Claims, in one statement, the queued jobs of any of these agents (all connected to this
 * coordinator), oldest first, at most `limit`, and writes each one's "dispatched" event with it.
 * Of the jobs that run one per cluster, only the oldest waiting one per cluster and kind is taken,
 * and none while another is out. The rows are locked with SKIP LOCKED and the state is checked
 * again on the locked row, so a job another coordinator claimed meanwhile is not claimed twice.
 */
export async function claimJobs(
  db: Queryable,
  agentIds: string[],
  coordinatorId: string,
  leaseMs: number,
  limit: number,
): Promise<JobRow[]> {
  if (agentIds.length === 0) return [];
  const { rows } = await db.query<JobRow>(
    `WITH picked AS (
       SELECT j.id FROM jobs j
        WHERE j.id IN (
          SELECT w.id FROM (
            SELECT q.id, row_number() OVER (
                     PARTITION BY CASE WHEN q.kind = ANY($4::text[]) THEN q.cluster_id || '/' || q.kind ELSE q.id END
                     ORDER BY q.created_at) AS nth
              FROM jobs q
             WHERE q.agent_id = ANY($1::text[]) AND q.state = 'queued' AND q.run_after <= now() AND NOT q.cancel_requested
               AND NOT (q.kind = ANY($4::text[]) AND EXISTS (
                 SELECT 1 FROM jobs o WHERE o.cluster_id = q.cluster_id AND o.kind = q.kind AND o.id <> q.id
                    AND o.state IN ('dispatched', 'running')))) w
           WHERE w.nth = 1)
          AND j.state = 'queued' AND NOT j.cancel_requested
        ORDER BY j.created_at
        FOR UPDATE SKIP LOCKED
        LIMIT $5),
     claimed AS (
       UPDATE jobs SET state = 'dispatched', attempts = attempts + 1, coordinator_id = $2,
              lease_expires_at = now() + make_interval(secs => $3::double precision / 1000),
              dispatched_at = now(), updated_at = now()
         FROM picked WHERE jobs.id = picked.id AND jobs.state = 'queued'
       RETURNING jobs.id, jobs.kind, jobs.agent_id, jobs.cluster_id, jobs.payload, jobs.state, jobs.attempts, jobs.max_attempts,
                 jobs.idempotency_key, jobs.lease_expires_at, jobs.created_at),
     events AS (
       INSERT INTO job_events (job_id, type, level, message, data)
       SELECT c.id, 'state', 'info', 'dispatched to agent ' || a.name || ' (attempt ' || c.attempts || ')',
              jsonb_build_object('coordinatorId', $2::text, 'attempt', c.attempts)
         FROM claimed c JOIN agents a ON a.id = c.agent_id)
     SELECT c.id, c.kind, c.agent_id, c.cluster_id, c.payload, c.state, c.attempts, c.max_attempts, c.idempotency_key, c.lease_expires_at,
            s.secrets
       FROM claimed c LEFT JOIN job_secrets s ON s.job_id = c.id
      ORDER BY c.created_at`,
    [agentIds, coordinatorId, leaseMs, EXCLUSIVE_PER_CLUSTER, limit],
  );
  return rows;
}

/** The agents with a job waiting that may be claimed now: the sweep's one question for all of them. */
export async function agentsWithQueuedJobs(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ agent_id: string }>(
    "SELECT DISTINCT agent_id FROM jobs WHERE state = 'queued' AND run_after <= now() AND NOT cancel_requested",
  );
  return rows.map((r) => r.agent_id);
}

/**
 * A change event for the tRPC subscriptions, sent by the statement that made the change (NOTIFY is
 * delivered at commit): `jobs` is the CTE of changed rows, with id and cluster_id.
 */
const notifyJob = (state: string) =>
  `pg_notify('tideline_events', json_build_object('entity', 'job', 'id', id, 'clusterId', cluster_id, 'state', '${state}')::text)`;

/**
 * The agent acknowledged the dispatch: running, its event and its notification in one statement.
 * Only the agent the job was dispatched to may start it.
 */
export async function markRunning(
  db: Queryable,
  jobId: string,
  attempt: number,
  leaseMs: number,
  agentId: string,
): Promise<boolean> {
  const r = await db.query(
    `WITH changed AS (
       UPDATE jobs SET state = 'running', started_at = COALESCE(started_at, now()), updated_at = now(),
              lease_expires_at = now() + make_interval(secs => $3::double precision / 1000)
        WHERE id = $1 AND attempts = $2 AND agent_id = $4 AND state IN ('dispatched', 'running')
        RETURNING id, cluster_id),
     e AS (INSERT INTO job_events (job_id, type, message) SELECT id, 'state', 'running' FROM changed)
     SELECT ${notifyJob("running")} FROM changed`,
    [jobId, attempt, leaseMs, agentId],
  );
  return (r.rowCount ?? 0) > 0;
}

/** Heartbeat: the agent still runs these jobs. */
export async function extendLeases(
  db: Queryable,
  agentId: string,
  jobIds: string[],
  leaseMs: number,
): Promise<void> {
  if (jobIds.length === 0) return;
  await db.query(
    `UPDATE jobs SET lease_expires_at = now() + make_interval(secs => $3::double precision / 1000)
      WHERE agent_id = $1 AND id = ANY($2::text[]) AND state IN ('dispatched', 'running')`,
    [agentId, jobIds, leaseMs],
  );
}

/**
 * A job that succeeded will not run again: its secrets go with the same statement, and so do its
 * "succeeded" event and notification.
 */
export async function completeJob(
  db: Queryable,
  jobId: string,
  attempt: number,
  result: unknown,
): Promise<boolean> {
  const r = await db.query(
    `WITH done AS (
       UPDATE jobs SET state = 'succeeded', result = $3::jsonb, progress = 1, finished_at = now(), updated_at = now(),
              lease_expires_at = NULL
        WHERE id = $1 AND attempts = $2 AND state IN ('dispatched', 'running') RETURNING id, cluster_id),
     gone AS (DELETE FROM job_secrets WHERE job_id IN (SELECT id FROM done)),
     e AS (INSERT INTO job_events (job_id, type, message) SELECT id, 'state', 'succeeded' FROM done)
     SELECT ${notifyJob("succeeded")} FROM done`,
    [jobId, attempt, JSON.stringify(result ?? null)],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function failJob(
  db: Queryable,
  jobId: string,
  attempt: number,
  error: { code: string; message: string },
  state: "failed" | "cancelled" = "failed",
): Promise<boolean> {
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
async function requeue<R>(
  db: Queryable,
  o: { where: string; params: unknown[]; code: string; why: string; runAfter: string; returning: string },
): Promise<R[]> {
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
export function requeueExpired(
  db: Queryable,
): Promise<Array<{ id: string; agent_id: string; state: string; attempts: number }>> {
  return requeue(db, {
    where: "lease_expires_at < now()",
    params: [],
    code: "LEASE_EXPIRED",
    why: "the agent stopped reporting on this job",
    runAfter:
      "now() + make_interval(secs => LEAST(60, power(2, GREATEST(attempts - 1, 0)))::double precision)",
    returning: "id, agent_id, state, attempts",
  });
}

/** An agent reconnected without these jobs: it lost them (it restarted). Re-queue at once. */
export function requeueLost(
  db: Queryable,
  agentId: string,
  stillRunning: string[],
): Promise<Array<{ id: string; state: string; attempts: number }>> {
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
    `WITH back AS (
       UPDATE jobs SET state = 'queued', attempts = attempts - 1, lease_expires_at = NULL, coordinator_id = NULL, updated_at = now()
        WHERE id = $1 AND attempts = $2 AND state = 'dispatched' RETURNING id)
     INSERT INTO job_events (job_id, type, level, message) SELECT id, 'state', 'warn', 'not delivered (the agent''s socket closed); back in the queue' FROM back`,
    [jobId, attempt],
  );
}

export async function addJobEvent(
  db: Queryable,
  jobId: string,
  type: string,
  message: string,
  opts: { level?: string; data?: unknown } = {},
): Promise<void> {
  await db.query(
    `INSERT INTO job_events (job_id, type, level, message, data) VALUES ($1, $2, $3, $4, $5::jsonb)`,
    [
      jobId,
      type,
      opts.level ?? "info",
      message.slice(0, 8000),
      opts.data === undefined ? null : JSON.stringify(opts.data),
    ],
  );
}

export async function setProgress(
  db: Queryable,
  jobId: string,
  p: { progress: number; bytesDone?: number; bytesTotal?: number },
): Promise<void> {
  await db.query(
    `UPDATE jobs SET progress = $2, bytes_done = COALESCE($3, bytes_done), bytes_total = COALESCE($4, bytes_total), updated_at = now()
      WHERE id = $1 AND state IN ('dispatched', 'running')`,
    [jobId, p.progress, p.bytesDone ?? null, p.bytesTotal ?? null],
  );
}

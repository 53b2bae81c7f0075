// The agent WebSocket endpoint: enrollment, authentication, heartbeats, and the job messages
// agents send back. Every frame is validated; a bad one gets an ERROR reply and a log line,
// and neither side crashes. An unauthenticated socket may only ENROLL or say HELLO.
import { timingSafeEqual } from "node:crypto";
import { AgentToCoordinator, decode, type TAgentMessage, type TPoolInfo } from "@tideline/protocol";
import type { IncomingMessage } from "node:http";
import type { WebSocket } from "ws";
import type { Coordinator } from "../coordinator";
import { type AgentConnection, makeSender } from "./registry";
import {
  addJobEvent,
  completeJob,
  extendLeases,
  failJob,
  handleJobFailure,
  handleJobResult,
  hashToken,
  ingestClusterStatus,
  markRunning,
  newToken,
  requeueLost,
  setProgress,
} from "@tideline/api";

const MAX_BAD_FRAMES = 50;

export function handleAgentSocket(c: Coordinator, socket: WebSocket, req: IncomingMessage): void {
  const send = makeSender(socket);
  const remote = req.socket.remoteAddress ?? "unknown";
  const log = c.log.child({ remote });
  let conn: AgentConnection | null = null;
  let badFrames = 0;
  let alive = true;

  socket.on("pong", () => (alive = true));
  const ping = setInterval(
    () => {
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
    },
    Math.max(5000, c.config.heartbeatMs * 3),
  );

  const refuse = (code: string, message: string, replyTo?: string, close = false) => {
    send("ERROR", { code, message }, replyTo);
    log.warn("refused agent frame", { code, message, agentId: conn?.agentId });
    if (close) socket.close(4401, code);
  };

  socket.on("message", (raw, isBinary) => {
    const decoded = decode(AgentToCoordinator, isBinary ? raw : raw.toString());
    if (!decoded.ok) {
      c.metrics.badFrames.inc();
      refuse(decoded.code, decoded.message, decoded.id);
      if (++badFrames > MAX_BAD_FRAMES) socket.close(4400, "too many bad frames");
      return;
    }
    const msg = decoded.message;
    handle(msg).catch((err: Error) => {
      log.error("agent message failed", { type: msg.type, error: err.message });
      send("ERROR", { code: "INTERNAL", message: `could not process ${msg.type}` }, msg.id);
    });
  });

  socket.on("close", () => {
    clearInterval(ping);
    const gone = conn;
    if (gone && c.registry.remove(gone)) {
      log.info("agent disconnected", { agentId: gone.agentId });
      // after a liveness batch in flight, which may still say "connected" for this agent
      void c.liveness
        .settled()
        .then(() =>
          c.pool.query(
            "UPDATE agents SET connected = false, last_seen_at = now() WHERE id = $1 AND coordinator_id = $2",
            [gone.agentId, c.id],
          ),
        )
        .then(() => c.bus.publish({ entity: "agent", id: gone.agentId, state: "disconnected" }))
        .catch(() => {});
    }
  });
  socket.on("error", (err) => log.warn("agent socket error", { error: err.message }));

  async function handle(msg: TAgentMessage): Promise<void> {
    if (msg.type === "ENROLL") return enroll(msg.payload, msg.id);
    if (msg.type === "HELLO") return hello(msg.payload, msg.id);
    if (!conn) return refuse("NOT_AUTHENTICATED", "say HELLO (or ENROLL) first", msg.id, true);
    const agentId = conn.agentId;
    c.liveness.seen(agentId);
    // a frame about a job speaks only for the agent the job was dispatched to: another agent's
    // (replayed or forged) frames must not start, fail, log to or finish it. JOB_RESULT checks
    // with the job it reads; JOB_ACCEPTED, the busiest, in its own guarded UPDATE.
    const ownJob = async (jobId: string) =>
      Boolean(
        (await c.pool.query("SELECT 1 FROM jobs WHERE id = $1 AND agent_id = $2", [jobId, agentId])).rowCount,
      );
    if ("jobId" in msg.payload && msg.type !== "JOB_RESULT" && msg.type !== "JOB_ACCEPTED") {
      const jobId = (msg.payload as { jobId: string }).jobId;
      if (!(await ownJob(jobId)))
        return refuse("UNKNOWN_JOB", `job ${jobId} is not assigned to this agent`, msg.id);
    }
    switch (msg.type) {
      case "HEARTBEAT":
        // alive: kept in memory above and written with the next liveness batch, not an UPDATE each
        await extendLeases(c.pool, agentId, msg.payload.runningJobs, c.config.leaseMs);
        return;
      case "INVENTORY":
        await saveInventory(agentId, msg.payload.clusters, msg.payload.pools);
        return;
      case "CLUSTER_STATUS":
        await ingestClusterStatus(c, agentId, msg.payload);
        return;
      case "JOB_ACCEPTED": {
        const { jobId, attempt } = msg.payload;
        // running, its event and its notification: one statement, guarded by this agent
        if (await markRunning(c.pool, jobId, attempt, c.config.leaseMs, agentId)) return;
        if (!(await ownJob(jobId)))
          return refuse("UNKNOWN_JOB", `job ${jobId} is not assigned to this agent`, msg.id);
        // a stale attempt (the job was re-queued meanwhile): tell the agent to drop it
        send("JOB_CANCEL", { jobId, reason: "this attempt is no longer current" });
        return;
      }
      case "JOB_REJECTED":
        if (await failJob(c.pool, msg.payload.jobId, msg.payload.attempt, msg.payload.error)) {
          // what it was for (a clone being created, a drill) fails with it, as after a failed run
          const job = await c.db.job.findUnique({ where: { id: msg.payload.jobId } });
          if (job) await handleJobFailure(c, job, msg.payload.error).catch(() => {});
          await addJobEvent(
            c.pool,
            msg.payload.jobId,
            "state",
            `rejected by the agent: ${msg.payload.error.message}`,
            { level: "error" },
          );
          await c.bus.publish({
            entity: "job",
            id: msg.payload.jobId,
            clusterId: job?.clusterId ?? null,
            state: "failed",
          });
        }
        return;
      case "JOB_PROGRESS":
        await setProgress(c.pool, msg.payload.jobId, msg.payload);
        if (msg.payload.message)
          await addJobEvent(c.pool, msg.payload.jobId, "progress", msg.payload.message, {
            data: msg.payload,
          });
        await c.bus.publish({ entity: "job", id: msg.payload.jobId, state: "running" });
        return;
      case "JOB_LOG":
        await addJobEvent(c.pool, msg.payload.jobId, "log", msg.payload.message, {
          level: msg.payload.level,
          data: msg.payload.data,
        });
        await c.bus.publish({ entity: "job", id: msg.payload.jobId });
        return;
      case "JOB_RESULT":
        return jobResult(msg.payload);
      case "ERROR":
        log.warn("agent reported an error", {
          agentId,
          code: msg.payload.code,
          message: msg.payload.message,
        });
        return;
    }
  }

  async function enroll(
    p: { token: string; hostname: string; name?: string },
    replyTo: string,
  ): Promise<void> {
    const { rows } = await c.pool.query<{ id: string; roles: string[] }>(
      `UPDATE enrollment_tokens SET used_at = now(), used_by_agent = $2
        WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING id, roles`,
      [hashToken(p.token), p.name ?? p.hostname],
    );
    if (!rows[0])
      return refuse(
        "ENROLLMENT_TOKEN_INVALID",
        "the enrollment token is unknown, expired or already used; create a new one with `tideline enroll-token create`",
        replyTo,
        true,
      );
    const secret = newToken("tla");
    const base =
      (p.name ?? p.hostname)
        .toLowerCase()
        .replace(/[^a-z0-9_.-]/g, "-")
        .slice(0, 50) || "agent";
    let name = base;
    for (let i = 2; ; i++) {
      const exists = await c.pool.query("SELECT 1 FROM agents WHERE name = $1", [name]);
      if (!exists.rowCount) break;
      name = `${base}-${i}`;
    }
    const agent = await c.db.agent.create({
      data: { name, hostname: p.hostname, secretHash: hashToken(secret) },
    });
    await c.pool.query("INSERT INTO audit_log (actor, action, target) VALUES ($1, 'agent.enroll', $2)", [
      `agent:${name}`,
      agent.id,
    ]);
    log.info("agent enrolled", { agentId: agent.id, name });
    send("ENROLLED", { agentId: agent.id, name, secret }, replyTo);
  }

  async function hello(
    p: Extract<TAgentMessage, { type: "HELLO" }>["payload"],
    replyTo: string,
  ): Promise<void> {
    const agent = await c.db.agent.findUnique({ where: { id: p.agentId } });
    const given = Buffer.from(hashToken(p.secret));
    if (!agent || !timingSafeEqual(Buffer.from(agent.secretHash), given)) {
      return refuse(
        "AUTH_FAILED",
        "unknown agent or wrong secret; enroll this agent again with a new token",
        replyTo,
        true,
      );
    }
    conn = { agentId: agent.id, name: agent.name, socket, connectedAt: new Date(), send };
    await c.db.agent.update({
      where: { id: agent.id },
      data: {
        hostname: p.hostname,
        version: p.version,
        roles: p.roles,
        capabilities: p.capabilities,
        discoveredClusters: p.clusters,
        address: p.address ?? remote,
        coordinatorId: c.id,
        connected: true,
        connectedAt: new Date(),
        lastSeenAt: new Date(),
      },
    });
    await saveInventory(agent.id, p.clusters, p.capabilities.pools);
    const lost = await requeueLost(c.pool, agent.id, p.runningJobs);
    for (const j of lost) {
      await addJobEvent(
        c.pool,
        j.id,
        "state",
        j.state === "failed"
          ? "the agent restarted and lost this job; no attempts left"
          : "the agent restarted and lost this job; re-queued",
        { level: "warn" },
      );
      if (j.state === "failed")
        await c.dispatcher.failed(j.id, {
          code: "AGENT_LOST_JOB",
          message: "the agent restarted while running this job",
        });
    }
    await extendLeases(c.pool, agent.id, p.runningJobs, c.config.leaseMs);
    // Only now may the dispatcher see this agent: registered earlier, a job dispatched to it
    // while the lines above ran would be taken for one it lost, and re-queued a second time.
    if (socket.readyState !== socket.OPEN) return;
    const previous = c.registry.add(conn);
    if (previous && previous.socket !== socket) previous.socket.close(4409, "replaced by a newer connection");
    log.info("agent connected", {
      agentId: agent.id,
      name: agent.name,
      roles: p.roles,
      requeued: lost.length,
    });
    send(
      "WELCOME",
      {
        coordinatorId: c.id,
        agentId: agent.id,
        heartbeatIntervalMs: c.config.heartbeatMs,
        leaseMs: c.config.leaseMs,
      },
      replyTo,
    );
    await c.bus.publish({ entity: "agent", id: agent.id, state: "connected" });
    c.dispatcher.wake(agent.id);
  }

  async function saveInventory(agentId: string, clusters: unknown, pools: TPoolInfo[]): Promise<void> {
    await c.pool.query("UPDATE agents SET discovered_clusters = $2::jsonb WHERE id = $1", [
      agentId,
      JSON.stringify(clusters),
    ]);
    for (const pool of pools) {
      await c.pool.query(
        `INSERT INTO storage_pools (id, agent_id, name, driver, mountpoint, size_bytes, free_bytes, properties, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, now())
         ON CONFLICT (agent_id, name) DO UPDATE SET driver = EXCLUDED.driver, mountpoint = EXCLUDED.mountpoint,
           size_bytes = EXCLUDED.size_bytes, free_bytes = EXCLUDED.free_bytes,
           properties = storage_pools.properties || EXCLUDED.properties, updated_at = now()`,
        [
          `pool_${agentId}_${pool.name}`.slice(0, 120),
          agentId,
          pool.name,
          pool.driver,
          pool.mountpoint,
          Math.round(pool.sizeBytes),
          Math.round(pool.freeBytes),
          JSON.stringify(pool.compressRatio ? { compressratio: `${pool.compressRatio.toFixed(2)}x` } : {}),
        ],
      );
    }
  }

  function observeDuration(
    job: { kind: string; startedAt: Date | null; dispatchedAt: Date | null },
    state: string,
  ): void {
    const from = job.startedAt ?? job.dispatchedAt;
    if (from) c.metrics.jobSeconds.observe({ kind: job.kind, state }, (Date.now() - from.getTime()) / 1000);
  }

  async function jobResult(p: Extract<TAgentMessage, { type: "JOB_RESULT" }>["payload"]): Promise<void> {
    // what the result handlers and the duration metric need, in one plain query (results come in
    // bursts; the ORM's mapping cost more than the query)
    const { rows } = await c.pool.query<{
      id: string;
      idempotencyKey: string;
      kind: string;
      clusterId: string | null;
      agentId: string;
      payload: unknown;
      startedAt: Date | null;
      dispatchedAt: Date | null;
    }>(
      `SELECT id, idempotency_key AS "idempotencyKey", kind, cluster_id AS "clusterId", agent_id AS "agentId", payload,
              started_at AT TIME ZONE 'UTC' AS "startedAt", dispatched_at AT TIME ZONE 'UTC' AS "dispatchedAt"
         FROM jobs WHERE id = $1`,
      [p.jobId],
    );
    const job = rows[0];
    if (!job || job.agentId !== conn!.agentId)
      return refuse("UNKNOWN_JOB", `job ${p.jobId} is not assigned to this agent`);
    if (p.ok) {
      let result = p.result;
      try {
        result = (await handleJobResult(c, job, p.result)) ?? p.result;
      } catch (err) {
        const e = err as Error & { code?: string };
        if (
          await failJob(c.pool, job.id, p.attempt, { code: e.code ?? "RESULT_REJECTED", message: e.message })
        ) {
          await handleJobFailure(c, job, { code: e.code ?? "RESULT_REJECTED", message: e.message }).catch(
            () => {},
          );
          await addJobEvent(c.pool, job.id, "state", `failed: ${e.message}`, { level: "error" });
          await c.bus.publish({ entity: "job", id: job.id, clusterId: job.clusterId, state: "failed" });
        }
        return;
      }
      // succeeded, its event and its notification: one statement
      if (await completeJob(c.pool, job.id, p.attempt, result)) observeDuration(job, "succeeded");
    } else {
      const cancelled = p.error.code === "CANCELLED";
      if (await failJob(c.pool, job.id, p.attempt, p.error, cancelled ? "cancelled" : "failed")) {
        observeDuration(job, cancelled ? "cancelled" : "failed");
        await handleJobFailure(c, job, p.error).catch(() => {});
        await addJobEvent(
          c.pool,
          job.id,
          "state",
          `${cancelled ? "cancelled" : "failed"}: ${p.error.message}`,
          { level: cancelled ? "warn" : "error", data: p.error },
        );
        await c.bus.publish({
          entity: "job",
          id: job.id,
          clusterId: job.clusterId,
          state: cancelled ? "cancelled" : "failed",
        });
      }
    }
  }
}

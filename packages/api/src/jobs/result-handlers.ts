// What the inventory learns from a finished job, per kind. A handler may return a reshaped
// result to store, or throw (with a code) to turn the job into a failure.
import { nextRun, parseSchedule } from "@tideline/core";
import { isJobKind, JobKinds, parseJobResult, type TJobKind, type TJobResult } from "@tideline/protocol";
import { protectionPayload } from "../clusters/add-cluster";
import { recordCloneRate } from "../clones/clone-rate";
import { recordRestorePoint } from "../restore-points/record-restore-point";
import { evaluateRetention } from "../retention/evaluate-retention";
import { createJob } from "./create-job";
import { notify } from "../notifications/notify";
import { recordDrillResult } from "../drills/start-drill";
import { audit } from "../audit/audit";
import { finishTableLoad, startTableLoad } from "../restore/table-restore";
import type { Services } from "../context";
import { AppError } from "../errors";

interface FinishedJob {
  id: string;
  idempotencyKey: string;
  kind: string;
  clusterId: string | null;
  agentId: string;
  payload: unknown;
}

/** Gets the result already checked against its kind's schema; returns what to store. */
type ResultHandler<K extends TJobKind> = (c: Services, job: FinishedJob, result: TJobResult<K>) => Promise<unknown>;

async function cluster(c: Services, job: FinishedJob) {
  if (!job.clusterId) throw new AppError("JOB_WITHOUT_CLUSTER", `${job.kind} job ${job.id} names no cluster`);
  return c.db.cluster.findUniqueOrThrow({ where: { id: job.clusterId }, include: { storagePool: true } });
}

const handlers: { [K in TJobKind]?: ResultHandler<K> } = {
  "cluster.check": async (c, job, r) => {
    const cl = await cluster(c, job);
    if (!r.ok) {
      await c.db.cluster.update({ where: { id: cl.id }, data: { state: "error", health: { status: "error", problems: r.problems } } });
      await c.bus.publish({ entity: "cluster", id: cl.id, clusterId: cl.id, state: "error" });
      throw new AppError("CLUSTER_CHECK_FAILED", r.problems.map((p) => `${p.code}: ${p.message}${p.fix ? ` (fix: ${p.fix})` : ""}`).join("; "), r.problems);
    }
    if (cl.state === "checking" && cl.storagePool && cl.storageAgentId) {
      // warnings (CHECKPOINT_NOT_ALLOWED) do not stop protection but stay visible with their fix
      await c.db.cluster.update({ where: { id: cl.id }, data: { state: "protecting", health: { status: r.problems.length ? "warning" : "ok", problems: r.problems } } });
      await createJob(c.pool, c.bus, {
        kind: "cluster.protect",
        agentId: cl.storageAgentId,
        clusterId: cl.id,
        payload: protectionPayload({ ...cl, storagePool: cl.storagePool }),
        idempotencyKey: `protect:${cl.id}`,
        createdById: null,
      });
      await c.bus.publish({ entity: "cluster", id: cl.id, clusterId: cl.id, state: "protecting" });
    }
    return r;
  },
  "cluster.protect": async (c, job, r) => {
    const cl = await cluster(c, job);
    if (r.restorePoint) await recordRestorePoint(c, cl.id, `${job.idempotencyKey}:first`, r.restorePoint);
    await c.db.cluster.update({
      where: { id: cl.id },
      data: {
        state: "protected",
        protection: { ...(cl.protection as object), datasets: r.datasets, replicaPort: r.replicaPort },
        nextSnapshotAt: nextRun(parseSchedule(cl.snapshotSchedule, cl.scheduleTimeZone), new Date()),
      },
    });
    await c.bus.publish({ entity: "cluster", id: cl.id, clusterId: cl.id, state: "protected" });
    return r;
  },
  "restore-point.create": async (c, job, rp) => {
    const cl = await cluster(c, job);
    const id = await recordRestorePoint(c, cl.id, job.idempotencyKey, rp);
    await evaluateRetention(c, cl.id, { apply: true }).catch((err: Error) => c.log.warn("retention failed", { cluster: cl.name, error: err.message }));
    return { ...rp, id };
  },
  "backup.base": async (c, job, rp) => {
    const cl = await cluster(c, job);
    return { ...rp, id: await recordRestorePoint(c, cl.id, job.idempotencyKey, rp) };
  },
  "retention.apply": async (c, job, r) => {
    if (r.destroyed.length) await c.db.restorePoint.updateMany({ where: { id: { in: r.destroyed } }, data: { prunedAt: new Date() } });
    if (job.clusterId) await c.bus.publish({ entity: "cluster", id: job.clusterId, clusterId: job.clusterId });
    return r;
  },
  "clone.copy": async (c, job, r) => {
    await c.db.clone.update({
      where: { id: r.cloneId },
      data: { state: "ready", dataset: r.dataset, host: r.host, port: r.port, seconds: r.seconds, sizeBytes: BigInt(Math.round(r.sizeBytes)), readyAt: new Date() },
    });
    await c.bus.publish({ entity: "clone", id: r.cloneId, clusterId: job.clusterId, state: "ready" });
    notify(c, "clone.ready", { cloneId: r.cloneId, clusterId: job.clusterId, reachedTime: null, seconds: r.seconds });
    return r;
  },
  "clone.create": async (c, job, r) => {
    await c.db.clone.update({
      where: { id: r.cloneId },
      data: { state: "ready", dataset: r.dataset, host: r.host, port: r.port, reachedLsn: r.reachedLsn, reachedTime: r.reachedTime ? new Date(r.reachedTime) : null, seconds: r.seconds, sizeBytes: BigInt(Math.round(r.sizeBytes)), readyAt: new Date() },
    });
    await c.bus.publish({ entity: "clone", id: r.cloneId, clusterId: job.clusterId, state: "ready" });
    await recordCloneRate(c, r.cloneId, r).catch((err: Error) => c.log.warn("could not record the clone's replay rate", { cloneId: r.cloneId, error: err.message }));
    notify(c, "clone.ready", { cloneId: r.cloneId, clusterId: job.clusterId, reachedTime: r.reachedTime, seconds: r.seconds });
    const clone = await c.db.clone.findUnique({ where: { id: r.cloneId } });
    if (clone?.followUp) await startTableLoad(c, clone);
    return r;
  },
  "table.restore": async (c, job, r) => {
    const { cloneId } = JobKinds["table.restore"].payload.pick({ cloneId: true }).parse(job.payload);
    await finishTableLoad(c, cloneId, { result: r });
    await audit(c, null, "restore.table", { clusterId: job.clusterId, target: cloneId, details: { tables: r.tables, database: r.database } });
    return r;
  },
  "clone.destroy": async (c, job, r) => {
    const { cloneId } = JobKinds["clone.destroy"].payload.parse(job.payload);
    await c.db.clone.update({ where: { id: cloneId }, data: { state: "destroyed", destroyedAt: new Date(), port: null } }).catch(() => {});
    await c.bus.publish({ entity: "clone", id: cloneId, clusterId: job.clusterId, state: "destroyed" });
    return r;
  },
  "drill.run": async (c, job, r) => {
    await recordDrillResult(c, job.id, r);
    return r;
  },
  "storage.configure": async (c, job, r) => {
    const { pool } = JobKinds["storage.configure"].payload.parse(job.payload);
    await c.db.storagePool.update({ where: { agentId_name: { agentId: job.agentId, name: pool.name } }, data: { properties: r.properties } });
    return r;
  },
  "cluster.unprotect": async (c, job, r) => {
    if (job.clusterId) {
      await c.db.cluster.delete({ where: { id: job.clusterId } }).catch(() => {});
      await c.bus.publish({ entity: "cluster", id: job.clusterId, clusterId: job.clusterId, state: "removed" });
    }
    return r;
  },
  "cluster.synchronous": async (c, job, r) => {
    const { enable } = JobKinds["cluster.synchronous"].payload.pick({ enable: true }).parse(job.payload);
    if (job.clusterId) {
      await c.db.cluster.update({ where: { id: job.clusterId }, data: { synchronous: enable } });
      await c.bus.publish({ entity: "cluster", id: job.clusterId, clusterId: job.clusterId });
    }
    return r;
  },
  "cluster.inspect": async (c, job, r) => {
    if (job.clusterId) {
      await c.db.cluster.update({
        where: { id: job.clusterId },
        data: { pgVersion: r.version, systemIdentifier: r.systemIdentifier },
      });
      await c.bus.publish({ entity: "cluster", id: job.clusterId });
    }
    return r;
  },
};

/** The coordinator's boundary for results: parsed once against the kind, then handled. */
export async function handleJobResult(c: Services, job: FinishedJob, result: unknown): Promise<unknown> {
  if (!isJobKind(job.kind)) throw new AppError("UNKNOWN_JOB_KIND", `job ${job.id} is of a kind this coordinator does not know (${job.kind})`);
  return handle(job.kind, c, job, result);
}

async function handle<K extends TJobKind>(kind: K, c: Services, job: FinishedJob, result: unknown): Promise<unknown> {
  const r = parseJobResult(kind, result);
  if (!r.success) throw new AppError("BAD_JOB_RESULT", `the agent's ${kind} result does not match the protocol: ${r.error.slice(0, 300)}`);
  const h = handlers[kind] as ResultHandler<K> | undefined;
  return h ? h(c, job, r.data) : r.data;
}

/** A job that failed leaves its cluster in a state the DBA can see. */
export async function handleJobFailure(c: Services, job: FinishedJob, error: { code: string; message: string }): Promise<void> {
  notify(c, "job.failed", { jobId: job.id, kind: job.kind, clusterId: job.clusterId, error });
  if (job.kind === "clone.create" || job.kind === "clone.copy") {
    const { cloneId } = job.payload as { cloneId: string };
    await c.db.clone.update({ where: { id: cloneId }, data: { state: "failed", error, port: null } }).catch(() => {});
    await finishTableLoad(c, cloneId, { error }).catch(() => {});
    await c.bus.publish({ entity: "clone", id: cloneId, clusterId: job.clusterId, state: "failed" });
    return;
  }
  if (job.kind === "table.restore") {
    const { cloneId } = job.payload as { cloneId: string };
    await finishTableLoad(c, cloneId, { error }).catch((err: Error) => c.log.warn("table restore cleanup failed", { cloneId, error: err.message }));
    return;
  }
  if (job.kind === "drill.run") {
    await recordDrillResult(c, job.id, { passed: false, checks: [{ name: "drill", passed: false, seconds: 0, detail: `${error.code}: ${error.message}` }], secondsToReady: 0 });
    return;
  }
  if (!job.clusterId) return;
  if (job.kind === "cluster.protect" || job.kind === "cluster.check") {
    const cl = await c.db.cluster.findUnique({ where: { id: job.clusterId } });
    if (!cl || cl.state === "protected") return;
    const health = (cl.health ?? {}) as { problems?: Array<{ code?: string }> };
    await c.db.cluster.update({
      where: { id: cl.id },
      data: { state: "error", health: { ...health, status: "error", problems: [...(health.problems ?? []).filter((p) => p.code !== error.code), { code: error.code, message: error.message }] } as object },
    });
    await c.bus.publish({ entity: "cluster", id: cl.id, clusterId: cl.id, state: "error" });
  }
}

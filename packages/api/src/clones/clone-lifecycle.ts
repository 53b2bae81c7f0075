// Clones a DBA can work with, beyond restore to time: reset (the same clone, address and password
// at another moment), copy (a clone of a clone, its changes included), and the idle policy (no
// client for a cluster's clone_idle_minutes → destroyed unless protected). A clone with live
// copies is not destroyed (CLONE_HAS_COPIES): on zfs its snapshot holds them.
import type { TRestoreTarget } from "@tideline/protocol";
import type { Caller, Services } from "../context";
import { audit } from "../audit/audit";
import { AppError } from "../errors";
import { createJob } from "../jobs/create-job";
import { cloneSpec, newCloneId, newClonePassword } from "../restore/clone-spec";
import { planForCluster } from "../restore/plan-for-cluster";
import { destroyCloneById } from "../restore/restore-to-clone";
import { parseTtl } from "./ttl";

async function liveClone(c: Services, id: string) {
  const clone = await c.db.clone.findUnique({ where: { id }, include: { cluster: true } });
  if (!clone || clone.state === "destroyed" || clone.state === "destroying" || clone.state === "failed")
    throw new AppError("CLONE_NOT_FOUND", `no live clone ${id}`);
  return clone;
}

async function liveCopies(c: Services, id: string): Promise<string[]> {
  const copies = await c.db.clone.findMany({
    where: { sourceCloneId: id, state: { notIn: ["destroyed", "failed"] } },
    select: { id: true },
  });
  return copies.map((x) => x.id);
}

/** The same clone (id, port, password) recovered again, to another moment. */
export async function resetClone(
  c: Services,
  caller: Caller,
  id: string,
  target: TRestoreTarget,
  timeline?: number,
) {
  const clone = await liveClone(c, id);
  if (clone.state !== "ready")
    throw new AppError("CLONE_NOT_READY", `clone ${id} is ${clone.state}; reset it once it is ready`);
  if (clone.sourceCloneId)
    throw new AppError(
      "CLONE_IS_A_COPY",
      `clone ${id} is a copy of clone ${clone.sourceCloneId}; it has no restore point to recover from`,
    );
  const copies = await liveCopies(c, id);
  if (copies.length)
    throw new AppError(
      "CLONE_HAS_COPIES",
      `clone ${id} has live copies (${copies.join(", ")}); destroy them first`,
    );
  const plan = await planForCluster(c, clone.clusterId, target, timeline);
  if (!clone.port || !clone.loginPassword)
    throw new AppError("CLONE_NOT_READY", `clone ${id} has no address yet`);
  const job = await createJob(c.pool, c.bus, {
    kind: "clone.create",
    agentId: clone.agentId,
    clusterId: clone.clusterId,
    payload: { ...cloneSpec(plan, { cloneId: clone.id, password: clone.loginPassword }), port: clone.port },
    idempotencyKey: `reset:${clone.id}:${Date.now()}`,
    createdById: caller.id,
    maxAttempts: 2,
  });
  await c.db.clone.update({
    where: { id: clone.id },
    data: {
      state: "creating",
      target,
      plan: {
        recoveryTarget: plan.recoveryTarget,
        timeline: plan.timeline,
        endOfWal: plan.endOfWal,
        expected: plan.expected,
        notes: plan.notes,
        walBytesToReplay: plan.walBytesToReplay,
      },
      restorePointId: plan.restorePoint.id,
      jobId: job.id,
      readyAt: null,
      reachedLsn: null,
      reachedTime: null,
      error: undefined,
    },
  });
  await audit(c, caller, "clone.reset", {
    clusterId: clone.clusterId,
    target: clone.id,
    details: { target, restorePointId: plan.restorePoint.id },
  });
  await c.bus.publish({ entity: "clone", id: clone.id, clusterId: clone.clusterId, state: "creating" });
  return { cloneId: clone.id, jobId: job.id, restorePointId: plan.restorePoint.id };
}

/** A new clone from another clone's current data, beside it on the storage host. */
export async function copyClone(c: Services, caller: Caller, id: string, ttl = "4h") {
  const source = await liveClone(c, id);
  if (source.state !== "ready")
    throw new AppError("CLONE_NOT_READY", `clone ${id} is ${source.state}; copy it once it is ready`);
  const ttlMs = parseTtl(ttl);
  const cloneId = newCloneId();
  const password = newClonePassword();
  await c.db.clone.create({
    data: {
      id: cloneId,
      clusterId: source.clusterId,
      restorePointId: source.restorePointId,
      agentId: source.agentId,
      ownerId: caller.id,
      purpose: "restore",
      target: { copyOf: source.id } as object,
      state: "creating",
      expiresAt: new Date(Date.now() + ttlMs),
      loginUser: source.loginUser,
      loginPassword: password,
      sourceCloneId: source.id,
    },
  });
  const job = await createJob(c.pool, c.bus, {
    kind: "clone.copy",
    agentId: source.agentId,
    clusterId: source.clusterId,
    payload: {
      cloneId,
      sourceCloneId: source.id,
      cluster: source.cluster.name,
      user: source.loginUser ?? "tideline",
      password,
    },
    createdById: caller.id,
    maxAttempts: 2,
  });
  await c.db.clone.update({ where: { id: cloneId }, data: { jobId: job.id } });
  await audit(c, caller, "clone.copy", {
    clusterId: source.clusterId,
    target: cloneId,
    details: { source: source.id, ttl },
  });
  await c.bus.publish({ entity: "clone", id: cloneId, clusterId: source.clusterId, state: "creating" });
  return { cloneId, jobId: job.id };
}

/** Destroying needs no live copies (their data hangs on this clone's snapshot on zfs). */
export async function assertNoCopies(c: Services, id: string): Promise<void> {
  const copies = await liveCopies(c, id);
  if (copies.length)
    throw new AppError(
      "CLONE_HAS_COPIES",
      `clone ${id} has live copies (${copies.join(", ")}); destroy them first`,
    );
}

/** Expired or idle clones, unless protected or holding copies; called by the coordinator's scheduler. */
export async function expireClones(c: Services): Promise<void> {
  const { rows } = await c.pool.query<{ id: string; why: string }>(
    `SELECT cl.id, CASE WHEN cl.expires_at < now() THEN 'its TTL expired' ELSE 'no client connected for ' || c.clone_idle_minutes || ' minutes' END AS why
       FROM clones cl JOIN clusters c ON c.id = cl.cluster_id
      WHERE cl.state = 'ready' AND NOT cl.protected
        AND (cl.expires_at < now()
             OR (c.clone_idle_minutes IS NOT NULL
                 AND COALESCE(cl.last_active_at, cl.ready_at) < now() - make_interval(mins => c.clone_idle_minutes)))
        AND NOT EXISTS (SELECT 1 FROM clones k WHERE k.source_clone_id = cl.id AND k.state NOT IN ('destroyed', 'failed'))
      LIMIT 50`,
  );
  for (const r of rows) {
    await destroyCloneById(c, null, r.id, r.why).catch((err: Error) =>
      c.log.warn("could not expire a clone", { cloneId: r.id, error: err.message }),
    );
  }
}

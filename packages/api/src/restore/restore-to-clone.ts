// Restore to time (the action) makes a clone (the thing): plan, record the clone, and send the
// storage agent a clone.create job (apps/agent/src/clones/restore-to-clone.ts runs it).
import { audit } from "../audit/audit";
import type { Caller } from "../context";
import type { Services } from "../context";
import { AppError } from "../errors";
import { createJob } from "../jobs/create-job";
import type { TRestoreTarget } from "@tideline/protocol";
import { CLONE_USER, cloneSpec, newCloneId, newClonePassword } from "./clone-spec";
import { planForCluster } from "./plan-for-cluster";
import { parseTtl } from "../clones/ttl";

export async function restoreToClone(
  c: Services,
  caller: Caller | null,
  input: { clusterId: string; target: TRestoreTarget; timeline?: number; ttl?: string; purpose?: "restore" | "drill" | "table-restore"; followUp?: object },
) {
  const plan = await planForCluster(c, input.clusterId, input.target, input.timeline);
  const cluster = plan.cluster;
  if (!cluster.storageAgentId) throw new AppError("CLUSTER_NOT_PROTECTED", `cluster ${cluster.name} has no storage agent`);
  const ttlMs = parseTtl(input.ttl ?? "4h");
  const cloneId = newCloneId();
  const password = newClonePassword();
  await c.db.clone.create({
    data: {
      id: cloneId,
      clusterId: cluster.id,
      restorePointId: plan.restorePoint.id,
      agentId: cluster.storageAgentId,
      ownerId: caller?.id ?? null,
      purpose: input.purpose ?? "restore",
      ...(input.followUp ? { followUp: input.followUp } : {}),
      target: input.target,
      plan: { recoveryTarget: plan.recoveryTarget, timeline: plan.timeline, endOfWal: plan.endOfWal, expected: plan.expected, notes: plan.notes, walBytesToReplay: plan.walBytesToReplay },
      state: "creating",
      expiresAt: new Date(Date.now() + ttlMs),
      loginUser: CLONE_USER,
      loginPassword: password,
    },
  });
  const job = await createJob(c.pool, c.bus, {
    kind: "clone.create",
    agentId: cluster.storageAgentId,
    clusterId: cluster.id,
    payload: cloneSpec(plan, { cloneId, password }),
    createdById: caller?.id ?? null,
    maxAttempts: 2,
  });
  await c.db.clone.update({ where: { id: cloneId }, data: { jobId: job.id } });
  await audit(c, caller, "restore.create", { clusterId: cluster.id, target: cloneId, details: { target: input.target, restorePointId: plan.restorePoint.id, ttl: input.ttl ?? "4h" } });
  await c.bus.publish({ entity: "clone", id: cloneId, clusterId: cluster.id, state: "creating" });
  return { cloneId, jobId: job.id, plan };
}

export async function destroyCloneById(c: Services, caller: Caller | null, cloneId: string, reason: string) {
  const clone = await c.db.clone.findUnique({ where: { id: cloneId }, include: { cluster: true } });
  if (!clone || clone.state === "destroyed") throw new AppError("CLONE_NOT_FOUND", `no clone ${cloneId}`);
  if (clone.state === "destroying") return { jobId: null };
  await c.db.clone.update({ where: { id: cloneId }, data: { state: "destroying" } });
  const job = await createJob(c.pool, c.bus, {
    kind: "clone.destroy",
    agentId: clone.agentId,
    clusterId: clone.clusterId,
    payload: { cloneId, cluster: clone.cluster.name },
    idempotencyKey: `destroy:${cloneId}`,
    createdById: caller?.id ?? null,
    maxAttempts: 5,
  });
  await audit(c, caller, "clone.destroy", { clusterId: clone.clusterId, target: cloneId, details: { reason } });
  await c.bus.publish({ entity: "clone", id: cloneId, clusterId: clone.clusterId, state: "destroying" });
  return { jobId: job.id };
}

// Restore drills: clone a recent restore point, prove it (connect, pg_amcheck, the DBA's SQL
// check), record pass/fail with timings. Scheduled per cluster, or run on demand.
import type { Services } from "../context";
import { notify } from "../notifications/notify";
import { AppError } from "../errors";
import { createJob } from "../jobs/create-job";
import { planForCluster } from "../restore/plan-for-cluster";
import { cloneSpec, newCloneId, newClonePassword } from "../restore/clone-spec";

export interface DrillConfig {
  schedule?: string;
  sql?: string | null;
  expected?: string | null;
  amcheck?: boolean;
}

export async function startDrill(c: Services, clusterId: string, opts: { restorePointId?: string; createdById?: string | null; idempotencyKey?: string } = {}) {
  const cluster = await c.db.cluster.findUniqueOrThrow({ where: { id: clusterId } });
  if (!cluster.storageAgentId || cluster.state !== "protected") throw new AppError("CLUSTER_NOT_PROTECTED", `cluster ${cluster.name} is not protected`);
  const rp = opts.restorePointId
    ? await c.db.restorePoint.findFirst({ where: { id: opts.restorePointId, clusterId, prunedAt: null } })
    : await c.db.restorePoint.findFirst({ where: { clusterId, prunedAt: null }, orderBy: { createdAt: "desc" } });
  if (!rp) throw new AppError("RESTORE_POINT_NOT_FOUND", `cluster ${cluster.name} has no such restore point`);
  // recover exactly to the point itself: the drill proves this snapshot and the WAL up to it
  const plan = await planForCluster(c, clusterId, { kind: "lsn", lsn: rp.lsn }, rp.timeline);
  const cfg = (cluster.drill ?? {}) as DrillConfig;
  const cloneId = newCloneId("d");
  const drill = await c.db.drill.create({ data: { clusterId, restorePointId: plan.restorePoint.id } });
  const job = await createJob(c.pool, c.bus, {
    kind: "drill.run",
    agentId: cluster.storageAgentId,
    clusterId,
    payload: {
      ...cloneSpec(plan, { cloneId, password: newClonePassword() }),
      sql: cfg.sql ?? null,
      expected: cfg.expected ?? null,
      amcheck: cfg.amcheck ?? true,
    },
    idempotencyKey: opts.idempotencyKey ?? `drill:${drill.id}`,
    createdById: opts.createdById ?? null,
    maxAttempts: 1,
  });
  await c.db.drill.update({ where: { id: drill.id }, data: { jobId: job.id } });
  return { drillId: drill.id, jobId: job.id, restorePointId: plan.restorePoint.id };
}

export async function recordDrillResult(c: Services, jobId: string, r: { passed: boolean; checks: unknown[]; secondsToReady: number }) {
  const drill = await c.db.drill.findFirst({ where: { jobId } });
  if (!drill) return;
  await c.db.drill.update({ where: { id: drill.id }, data: { state: "finished", passed: r.passed, checks: r.checks as object[], secondsToReady: r.secondsToReady, finishedAt: new Date() } });
  if (drill.restorePointId) await c.db.restorePoint.update({ where: { id: drill.restorePointId }, data: { drillStatus: r.passed ? "passed" : "failed" } }).catch(() => {});
  const cl = await c.db.cluster.findUnique({ where: { id: drill.clusterId } });
  if (cl) {
    const health = (cl.health ?? {}) as Record<string, unknown>;
    await c.db.cluster.update({
      where: { id: cl.id },
      data: { health: { ...health, lastDrill: { id: drill.id, passed: r.passed, at: new Date().toISOString(), secondsToReady: r.secondsToReady, restorePointId: drill.restorePointId } } },
    });
    await c.bus.publish({ entity: "cluster", id: cl.id, clusterId: cl.id });
    notify(c, "drill.finished", { cluster: cl.name, passed: r.passed, checks: r.checks, restorePointId: drill.restorePointId });
  }
}

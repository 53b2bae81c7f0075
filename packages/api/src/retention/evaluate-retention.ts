// Retention for one cluster: packages/core compiles the policy into an explicit keep-set; points
// with live clones are protected; what is pruned goes to the storage agent as one job.
import { createHash } from "node:crypto";
import { computeKeepSet, type RetentionPolicy } from "@tideline/core";
import type { Services } from "../context";
import { AppError } from "../errors";
import { clusterInputs } from "../clusters/cluster-inputs";
import { createJob } from "../jobs/create-job";

export async function evaluateRetention(c: Services, clusterId: string, opts: { policy?: RetentionPolicy; apply: boolean; createdById?: string | null }) {
  const { cluster, points, histories } = await clusterInputs(c, clusterId);
  const policy = opts.policy ?? ((cluster.retention ?? {}) as RetentionPolicy);
  const withClones = await c.db.clone.findMany({ where: { clusterId, state: { notIn: ["destroyed", "failed"] }, restorePointId: { not: null } }, select: { restorePointId: true } });
  let set: ReturnType<typeof computeKeepSet>;
  try {
    set = computeKeepSet({
      policy,
      restorePoints: points.map((p) => ({ id: p.id, lsn: p.lsn, redoLsn: p.redoLsn, timeline: p.timeline, createdAt: p.createdAt.toISOString(), dataTime: p.dataTime?.toISOString() ?? null })),
      protectedIds: new Set(withClones.map((x) => x.restorePointId!)),
      now: new Date(),
      histories,
    });
  } catch (err) {
    throw new AppError("INVALID_RETENTION_POLICY", (err as Error).message.replace(/^INVALID_RETENTION_POLICY: /, ""));
  }
  const byId = new Map(points.map((p) => [p.id, p]));
  const result = {
    policy,
    keep: set.keep.map((k) => ({ id: k.id, reasons: k.reasons as string[], createdAt: byId.get(k.id)!.createdAt, lsn: byId.get(k.id)!.lsn })),
    prune: set.prune.map((id) => ({ id, createdAt: byId.get(id)!.createdAt, lsn: byId.get(id)!.lsn })),
    walPruneBefore: Object.fromEntries(Object.entries(set.walPruneBeforeLsn).map(([k, v]) => [String(k), v])),
    jobId: null as string | null,
  };
  if (opts.apply && set.prune.length > 0 && cluster.storageAgentId) {
    const key = `retention:${clusterId}:${createHash("sha256").update(set.prune.sort().join(",")).digest("hex").slice(0, 24)}`;
    const job = await createJob(c.pool, c.bus, {
      kind: "retention.apply",
      agentId: cluster.storageAgentId,
      clusterId,
      payload: {
        clusterId,
        cluster: cluster.name,
        restorePoints: set.prune.map((id) => ({ id, dataset: byId.get(id)!.dataset, snapshot: byId.get(id)!.snapshot })),
        walPruneBefore: result.walPruneBefore,
      },
      idempotencyKey: key,
      createdById: opts.createdById ?? null,
    });
    result.jobId = job.id;
  }
  await c.db.cluster.update({ where: { id: clusterId }, data: { retentionCheckedAt: new Date() } });
  return result;
}

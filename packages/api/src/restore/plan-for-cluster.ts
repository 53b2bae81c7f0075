// Planning a restore with packages/core's planner over this cluster's inventory: the refusal
// comes back as a coded error before anything is created.
import { formatBytes, formatDuration, planRestore } from "@tideline/core";
import type { TRestoreTarget } from "@tideline/protocol";
import type { Services } from "../context";
import { AppError } from "../errors";
import { clusterInputs } from "../clusters/cluster-inputs";

export async function planForCluster(c: Services, clusterId: string, target: TRestoreTarget, timeline?: number) {
  const inputs = await clusterInputs(c, clusterId);
  if (inputs.cluster.state !== "protected") throw new AppError("CLUSTER_NOT_PROTECTED", `cluster ${inputs.cluster.name} is ${inputs.cluster.state}; it has nothing to restore yet`);
  // the rate clones on this cluster's pool achieved (clone-rate.ts); core's defaults until then
  const pool = inputs.cluster.storagePoolId ? await c.db.storagePool.findUnique({ where: { id: inputs.cluster.storagePoolId } }) : null;
  const result = planRestore({
    target: { ...target, ...(timeline ? { timeline } : {}) },
    restorePoints: inputs.restorePoints,
    namedPoints: inputs.namedPoints,
    xidHorizon: inputs.xidHorizon,
    catalog: inputs.catalog,
    histories: inputs.histories,
    now: new Date(),
    replayRate: pool ? { bytesPerSecond: pool.replayBytesPerSecond ?? 0, startSeconds: pool.cloneStartSeconds ?? undefined, measured: pool.replayBytesPerSecond !== null } : undefined,
  });
  if (!result.ok) throw new AppError(result.code, result.message.replace(`${result.code}: `, ""));
  const plan = result.plan;
  const rp = inputs.points.find((p) => p.id === plan.restorePointId)!;
  const walBytes = Number(plan.walBytesToReplay);
  const replayBytes = Number(plan.replayBytes);
  const rate = `${formatBytes(plan.estimate.bytesPerSecond)}/s ${plan.estimate.measured ? "measured on this pool" : "assumed (not measured yet)"}`;
  return {
    ...plan,
    walBytesToReplay: walBytes,
    replayBytes,
    restorePoint: { id: rp.id, kind: rp.kind, lsn: rp.lsn, redoLsn: rp.redoLsn, timeline: rp.timeline, dataTime: rp.dataTime, createdAt: rp.createdAt, dataset: rp.dataset, snapshot: rp.snapshot, backupLabel: rp.backupLabel, tablespaceMap: rp.tablespaceMap },
    summary: `from restore point ${rp.id} (${rp.dataTime?.toISOString() ?? rp.lsn}), replaying ${plan.replayBytesUpperBound ? "up to " : ""}${formatBytes(replayBytes)} of WAL from ${plan.redoLsn}, ≈ ${formatDuration(plan.estimatedSeconds)} at ${rate}`,
    cluster: inputs.cluster,
  };
}

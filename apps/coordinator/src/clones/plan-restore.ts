// Planning a restore with packages/core's planner over this cluster's inventory: the refusal
// comes back as a coded error before anything is created.
import { formatBytes, planRestore, type RestoreTarget } from "@tideline/core";
import type { Coordinator } from "../context";
import { AppError } from "../errors";
import { clusterInputs } from "../clusters/cluster-inputs";

export type TTarget = { kind: "time"; time: string } | { kind: "lsn"; lsn: string } | { kind: "name"; name: string } | { kind: "latest" };

/** Replay speed assumed for the estimate; ZFS clone and start-up cost about two seconds. */
const REPLAY_BYTES_PER_SECOND = 64 * 1024 * 1024;

export async function planForCluster(c: Coordinator, clusterId: string, target: TTarget, timeline?: number) {
  const inputs = await clusterInputs(c, clusterId);
  if (inputs.cluster.state !== "protected") throw new AppError("CLUSTER_NOT_PROTECTED", `cluster ${inputs.cluster.name} is ${inputs.cluster.state}; it has nothing to restore yet`);
  const result = planRestore({
    target: { ...target, ...(timeline ? { timeline } : {}) } as RestoreTarget,
    restorePoints: inputs.restorePoints,
    namedPoints: inputs.namedPoints,
    catalog: inputs.catalog,
    histories: inputs.histories,
    now: new Date(),
  });
  if (!result.ok) throw new AppError(result.code, result.message.replace(`${result.code}: `, ""));
  const plan = result.plan;
  const rp = inputs.points.find((p) => p.id === plan.restorePointId)!;
  const walBytes = Number(plan.walBytesToReplay);
  return {
    ...plan,
    walBytesToReplay: walBytes,
    restorePoint: { id: rp.id, kind: rp.kind, lsn: rp.lsn, timeline: rp.timeline, dataTime: rp.dataTime, createdAt: rp.createdAt, dataset: rp.dataset, snapshot: rp.snapshot, backupLabel: rp.backupLabel, tablespaceMap: rp.tablespaceMap },
    estimatedSeconds: Math.round((2 + walBytes / REPLAY_BYTES_PER_SECOND) * 10) / 10,
    summary: `from restore point ${rp.id} (${rp.dataTime?.toISOString() ?? rp.lsn}), replaying up to ${formatBytes(walBytes)} of WAL`,
    cluster: inputs.cluster,
  };
}

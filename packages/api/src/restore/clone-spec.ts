// The one builder of what a storage agent needs to make a clone: the restore point to start from,
// the recovery target and timeline the planner chose, and the clone's login. Restore to time,
// restore drills and disaster-recovery restores all send it (clone.create, drill.run, restore.dr).
import { randomBytes } from "node:crypto";
import { type TCloneSpec, ZCloneSource } from "@tideline/protocol";
import type { planForCluster } from "./plan-for-cluster";

/** The login every clone gets, with a fresh password per clone. */
export const CLONE_USER = "tideline";

export type ClusterRestorePlan = Awaited<ReturnType<typeof planForCluster>>;

export function newCloneId(prefix = "c"): string {
  return `${prefix}${randomBytes(10).toString("hex")}`;
}

export function newClonePassword(): string {
  return randomBytes(18).toString("base64url");
}

export function cloneSpec(
  plan: ClusterRestorePlan,
  clone: { cloneId: string; password: string },
): TCloneSpec {
  const rp = plan.restorePoint;
  return {
    cloneId: clone.cloneId,
    clusterId: plan.cluster.id,
    cluster: plan.cluster.name,
    // the inventory stores the kind as text: parsed here, where it leaves for the agent
    source: ZCloneSource.parse({
      restorePointId: rp.id,
      kind: rp.kind,
      dataset: rp.dataset,
      snapshot: rp.snapshot,
      backupLabel: rp.backupLabel,
      tablespaceMap: rp.tablespaceMap,
    }),
    recoveryTarget: plan.recoveryTarget,
    timeline: plan.timeline,
    user: CLONE_USER,
    password: clone.password,
    expectedLsn: plan.expected.lsn,
  };
}

// restore-point.create: one restore point of a protected cluster, on schedule or on demand.
import type { TJobPayload, TJobResult } from "@tideline/protocol";
import { takeReplicaRestorePoint, takeSharedRestorePoint } from "../protection/restore-point";
import { JobError, type JobContext } from "./job-context";

export async function createRestorePoint(ctx: JobContext, p: TJobPayload<"restore-point.create">): Promise<TJobResult<"restore-point.create">> {
  const c = ctx.agent.protection.get(p.clusterId);
  if (!c) throw new JobError("CLUSTER_NOT_PROTECTED_HERE", `cluster ${p.cluster} is not protected by this agent`);
  const driver = ctx.agent.storage(c.pool);
  const log = (m: string) => ctx.log("info", m);
  // a second restore point of the same cluster (on demand while a scheduled one runs) waits its turn
  const rp = await ctx.agent.protection.oneRestorePointAtATime(
    c.cluster,
    () => (c.mode === "replica" ? takeReplicaRestorePoint(c, driver, ctx.idempotencyKey, log) : takeSharedRestorePoint(c, driver, ctx.idempotencyKey, log)),
    () => log(`another restore point of ${c.cluster} is being taken; this one follows it`),
  );
  ctx.progress(1, { message: `restore point at ${rp.lsn}` });
  return rp;
}

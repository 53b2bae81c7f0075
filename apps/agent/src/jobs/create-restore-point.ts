// restore-point.create: one restore point of a protected cluster, on schedule or on demand.
import { JobKinds } from "@tideline/protocol";
import { takeReplicaRestorePoint, takeSharedRestorePoint } from "../protection/restore-point";
import { JobError, type JobContext } from "./job-context";

export async function createRestorePoint(ctx: JobContext, raw: unknown) {
  const p = JobKinds["restore-point.create"].payload.parse(raw);
  const c = ctx.agent.protection.get(p.clusterId);
  if (!c) throw new JobError("CLUSTER_NOT_PROTECTED_HERE", `cluster ${p.cluster} is not protected by this agent`);
  const driver = ctx.agent.storage(c.pool);
  const log = (m: string) => ctx.log("info", m);
  const rp = c.mode === "replica" ? await takeReplicaRestorePoint(c, driver, ctx.idempotencyKey, log) : await takeSharedRestorePoint(c, driver, ctx.idempotencyKey, log);
  ctx.progress(1, { message: `restore point at ${rp.lsn}` });
  return rp;
}

import { z } from "zod";
import { audit } from "../../audit/audit";
import { findCluster } from "../../clusters/cluster-inputs";
import { AppError } from "../../errors";
import { createJob } from "../../jobs/create-job";
import { operatorProcedure } from "../../trpc";

/** A restore point now (`tideline snapshot`), or a full base backup with `kind: "base-backup"`. */
export const createRestorePointRoute = operatorProcedure
  .input(z.object({ cluster: z.string().min(1), kind: z.enum(["snapshot", "base-backup"]).default("snapshot") }))
  .output(z.object({ jobId: z.string() }))
  .mutation(async ({ ctx, input }) => {
    const cl = await findCluster(ctx.c, input.cluster);
    if (cl.state !== "protected" || !cl.storageAgentId) throw new AppError("CLUSTER_NOT_PROTECTED", `cluster ${cl.name} is ${cl.state}, not protected yet`);
    const job = await createJob(ctx.c.pool, ctx.c.bus, {
      kind: input.kind === "snapshot" ? "restore-point.create" : "backup.base",
      agentId: cl.storageAgentId,
      clusterId: cl.id,
      payload: input.kind === "snapshot" ? { clusterId: cl.id, cluster: cl.name, reason: "on-demand" } : { clusterId: cl.id, cluster: cl.name },
      createdById: ctx.caller.id,
      maxAttempts: input.kind === "snapshot" ? 2 : 1,
    });
    await audit(ctx.c, ctx.caller, input.kind === "snapshot" ? "restore-point.create" : "backup.create", { clusterId: cl.id, target: job.id });
    return { jobId: job.id };
  });

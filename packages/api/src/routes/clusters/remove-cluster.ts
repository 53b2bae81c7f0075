import { z } from "zod";
import { audit } from "../../audit/audit";
import { findCluster } from "../../clusters/cluster-inputs";
import { createJob } from "../../jobs/create-job";
import { adminProcedure } from "../../trpc";

/** Stop protecting a cluster; with destroyData its WAL archive, replica and snapshots go too. */
export const removeClusterRoute = adminProcedure
  .input(z.object({ cluster: z.string().min(1), destroyData: z.boolean().default(false) }))
  .output(z.object({ jobId: z.string().nullable() }))
  .mutation(async ({ ctx, input }) => {
    const cl = await findCluster(ctx.c, input.cluster);
    await audit(ctx.c, ctx.caller, "cluster.remove", { clusterId: cl.id, target: cl.name, details: { destroyData: input.destroyData } });
    if (!cl.storageAgentId) {
      await ctx.c.db.cluster.delete({ where: { id: cl.id } });
      return { jobId: null };
    }
    await ctx.c.db.cluster.update({ where: { id: cl.id }, data: { state: "removing", nextSnapshotAt: null } });
    const job = await createJob(ctx.c.pool, ctx.c.bus, {
      kind: "cluster.unprotect",
      agentId: cl.storageAgentId,
      clusterId: cl.id,
      payload: { clusterId: cl.id, cluster: cl.name, destroyData: input.destroyData },
      createdById: ctx.caller.id,
    });
    return { jobId: job.id };
  });

import { z } from "zod";
import { audit } from "../../audit/audit";
import { createJob } from "../../jobs/create-job";
import { AppError } from "../../errors";
import { operatorProcedure } from "../../trpc";

export const ZInspectClusterInput = z.union([
  z.object({ cluster: z.string().min(1) }),
  z.object({ agent: z.string().min(1), pgdata: z.string().min(1), port: z.number().int().min(1).max(65535) }),
]);

/** Queue a `cluster.inspect` job: the agent reads pg_controldata and live settings. */
export const inspectClusterRoute = operatorProcedure
  .input(ZInspectClusterInput)
  .output(z.object({ jobId: z.string() }))
  .mutation(async ({ ctx, input }) => {
    let agentId: string;
    let clusterId: string | null = null;
    let payload: { pgdata: string; port: number };
    if ("cluster" in input) {
      const cl = await ctx.c.db.cluster.findFirst({ where: { OR: [{ id: input.cluster }, { name: input.cluster }] } });
      if (!cl) throw new AppError("CLUSTER_NOT_FOUND", `no cluster named ${input.cluster}`);
      agentId = cl.agentId;
      clusterId = cl.id;
      payload = { pgdata: cl.pgdata, port: cl.port };
    } else {
      const agent = await ctx.c.db.agent.findFirst({ where: { OR: [{ id: input.agent }, { name: input.agent }] } });
      if (!agent) throw new AppError("AGENT_NOT_FOUND", `no agent named ${input.agent}`);
      agentId = agent.id;
      payload = { pgdata: input.pgdata, port: input.port };
    }
    const job = await createJob(ctx.c.pool, ctx.c.bus, { kind: "cluster.inspect", agentId, clusterId, payload, createdById: ctx.caller.id });
    await audit(ctx.c, ctx.caller, "cluster.inspect", { clusterId, target: job.id });
    return { jobId: job.id };
  });

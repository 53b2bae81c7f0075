import { z } from "zod";
import { viewerProcedure } from "../../trpc";
import { toJobOutput, ZJobOutput } from "./job-output";

export const ZListJobsInput = z
  .object({
    state: z.enum(["queued", "dispatched", "running", "succeeded", "failed", "cancelled"]).optional(),
    agentId: z.string().optional(),
    clusterId: z.string().optional(),
    kind: z.string().optional(),
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .default({ limit: 100 });

export const listJobsRoute = viewerProcedure
  .input(ZListJobsInput)
  .output(z.array(ZJobOutput))
  .query(async ({ ctx, input }) => {
    const jobs = await ctx.c.db.job.findMany({
      where: { state: input.state, agentId: input.agentId, clusterId: input.clusterId, kind: input.kind },
      orderBy: { createdAt: "desc" },
      take: input.limit,
      include: { agent: { select: { name: true } } },
    });
    return jobs.map(toJobOutput);
  });

import { z } from "zod";
import { AppError } from "../../errors";
import { viewerProcedure } from "../../trpc";
import { toJobOutput, ZJobEventOutput, ZJobOutput } from "./job-output";

export const getJobRoute = viewerProcedure
  .input(z.object({ id: z.string().min(1), afterEventId: z.string().optional() }))
  .output(ZJobOutput.extend({ events: z.array(ZJobEventOutput) }))
  .query(async ({ ctx, input }) => {
    const job = await ctx.c.db.job.findUnique({ where: { id: input.id }, include: { agent: { select: { name: true } } } });
    if (!job) throw new AppError("JOB_NOT_FOUND", `no job ${input.id}`);
    const events = await ctx.c.db.jobEvent.findMany({
      where: { jobId: job.id, ...(input.afterEventId ? { id: { gt: BigInt(input.afterEventId) } } : {}) },
      orderBy: { id: "asc" },
      take: 2000,
    });
    return { ...toJobOutput(job), events: events.map((e) => ({ id: e.id.toString(), at: e.at, type: e.type, level: e.level, message: e.message, data: e.data })) };
  });

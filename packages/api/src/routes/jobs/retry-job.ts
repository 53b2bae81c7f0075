import { isJobKind, openJobSecrets, parseJobPayload } from "@tideline/protocol";
import { z } from "zod";
import { audit } from "../../audit/audit";
import { AppError } from "../../errors";
import { createJob } from "../../jobs/create-job";
import { operatorProcedure } from "../../trpc";

/** A failed or cancelled job runs again as a new job with the same payload. */
export const retryJobRoute = operatorProcedure
  .input(z.object({ id: z.string().min(1) }))
  .output(z.object({ jobId: z.string() }))
  .mutation(async ({ ctx, input }) => {
    const job = await ctx.c.db.job.findUnique({ where: { id: input.id }, include: { secret: true } });
    if (!job) throw new AppError("JOB_NOT_FOUND", `no job ${input.id}`);
    if (job.state !== "failed" && job.state !== "cancelled") throw new AppError("JOB_NOT_RETRYABLE", `job ${job.id} is ${job.state}; only failed or cancelled jobs can be retried`);
    if (!isJobKind(job.kind)) throw new AppError("UNKNOWN_JOB_KIND", `job ${job.id} is of a kind this coordinator does not know (${job.kind})`);
    const payload = parseJobPayload(job.kind, openJobSecrets(job.payload, job.secret?.secrets as Record<string, string> | undefined));
    if (!payload.success) throw new AppError("JOB_NOT_RETRYABLE", `job ${job.id}'s payload no longer matches its kind (${payload.error}); start it again instead`);
    const next = await createJob(ctx.c.pool, ctx.c.bus, { kind: job.kind, agentId: job.agentId, clusterId: job.clusterId, payload: payload.data, createdById: ctx.caller.id, maxAttempts: job.maxAttempts });
    await audit(ctx.c, ctx.caller, "job.retry", { clusterId: job.clusterId, target: job.id, details: { newJobId: next.id } });
    return { jobId: next.id };
  });

import { parseJobPayload, ZJobKind } from "@tideline/protocol";
import { z } from "zod";
import { audit } from "../../audit/audit";
import { AppError } from "../../errors";
import { createJob } from "../../jobs/create-job";
import { adminProcedure } from "../../trpc";

export const ZCreateJobInput = z.object({
  kind: ZJobKind,
  agent: z.string().min(1),
  payload: z.unknown(),
  idempotencyKey: z.string().min(1).max(200).optional(),
  maxAttempts: z.number().int().min(1).max(20).optional(),
});

/** Low-level: queue any job kind on an agent (admins, scripts, tests). */
export const createJobRoute = adminProcedure
  .input(ZCreateJobInput)
  .output(z.object({ jobId: z.string(), created: z.boolean() }))
  .mutation(async ({ ctx, input }) => {
    const { rows } = await ctx.c.pool.query<{ id: string }>(
      "SELECT id FROM agents WHERE id = $1 OR name = $1 LIMIT 1",
      [input.agent],
    );
    const agent = rows[0];
    if (!agent) throw new AppError("AGENT_NOT_FOUND", `no agent named ${input.agent}`);
    const payload = parseJobPayload(input.kind, input.payload);
    if (!payload.success) throw new AppError("BAD_JOB_PAYLOAD", `${input.kind}: ${payload.error}`);
    const job = await createJob(ctx.c.pool, ctx.c.bus, {
      kind: input.kind,
      agentId: agent.id,
      payload: payload.data,
      idempotencyKey: input.idempotencyKey,
      maxAttempts: input.maxAttempts,
      createdById: ctx.caller.id,
    });
    if (job.created)
      await audit(ctx.c, ctx.caller, "job.create", { target: job.id, details: { kind: input.kind } });
    return { jobId: job.id, created: job.created };
  });

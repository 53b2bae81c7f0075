import { z } from "zod";
import { audit } from "../../audit/audit";
import { findCluster } from "../../clusters/cluster-inputs";
import { CLONE_USER, cloneSpec, newCloneId, newClonePassword } from "../../restore/clone-spec";
import { planForCluster } from "../../restore/plan-for-cluster";
import { AppError } from "../../errors";
import { createJob } from "../../jobs/create-job";
import { operatorProcedure } from "../../trpc";
import { ZRestoreInput } from "./restore-input";

/** Disaster recovery: the target restored into an empty data directory, promoted or paused there. */
export const createDrRestoreRoute = operatorProcedure
  .input(ZRestoreInput.extend({ agent: z.string().min(1), targetDir: z.string().min(2).startsWith("/"), port: z.number().int().min(1024).max(65535), action: z.enum(["promote", "pause"]).default("promote") }))
  .output(z.object({ jobId: z.string(), password: z.string(), user: z.string() }))
  .mutation(async ({ ctx, input }) => {
    const cl = await findCluster(ctx.c, input.cluster);
    const agent = await ctx.c.db.agent.findFirst({ where: { OR: [{ id: input.agent }, { name: input.agent }] } });
    if (!agent) throw new AppError("AGENT_NOT_FOUND", `no agent named ${input.agent}`);
    if (agent.id !== cl.storageAgentId) {
      throw new AppError("DR_TARGET_NOT_STORAGE_HOST", `this version restores onto the storage host (${cl.storageAgentId ? "its agent" : "none"}) only; restore there and move the directory, or run pg_basebackup from a clone`);
    }
    const plan = await planForCluster(ctx.c, cl.id, input.target, input.timeline);
    const password = newClonePassword();
    const job = await createJob(ctx.c.pool, ctx.c.bus, {
      kind: "restore.dr",
      agentId: agent.id,
      clusterId: cl.id,
      payload: {
        ...cloneSpec(plan, { cloneId: newCloneId("r"), password }),
        targetDir: input.targetDir,
        port: input.port,
        action: input.action,
      },
      createdById: ctx.caller.id,
      maxAttempts: 1,
    });
    await audit(ctx.c, ctx.caller, "restore.disaster-recovery", { clusterId: cl.id, target: input.targetDir, details: { target: input.target, agent: agent.name, port: input.port } });
    return { jobId: job.id, password, user: CLONE_USER };
  });

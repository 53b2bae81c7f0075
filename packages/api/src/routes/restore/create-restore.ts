import { z } from "zod";
import { findCluster } from "../../clusters/cluster-inputs";
import { restoreToClone } from "../../restore/restore-to-clone";
import { operatorProcedure } from "../../trpc";
import { ZRestoreInput } from "./restore-input";

/** Restore to time: a running clone of the cluster as of the target. */
export const createRestoreRoute = operatorProcedure
  .input(ZRestoreInput.extend({ ttl: z.string().max(10).optional() }))
  .output(z.object({ cloneId: z.string(), jobId: z.string(), restorePointId: z.string(), endOfWal: z.boolean(), notes: z.array(z.string()) }))
  .mutation(async ({ ctx, input }) => {
    const cl = await findCluster(ctx.c, input.cluster);
    const r = await restoreToClone(ctx.c, ctx.caller, { clusterId: cl.id, target: input.target, timeline: input.timeline, ttl: input.ttl });
    return { cloneId: r.cloneId, jobId: r.jobId, restorePointId: r.plan.restorePoint.id, endOfWal: r.plan.endOfWal, notes: r.plan.notes };
  });

import { z } from "zod";
import { findCluster } from "../../clusters/cluster-inputs";
import { planForCluster } from "../../clones/plan-restore";
import { viewerProcedure } from "../trpc";
import { ZRestoreInput } from "./restore-target";

export const ZPlanOutput = z.object({
  restorePointId: z.string(),
  restorePoint: z.object({ id: z.string(), kind: z.string(), lsn: z.string(), timeline: z.number(), dataTime: z.date().nullable(), createdAt: z.date() }),
  timeline: z.number(),
  recoveryTarget: z.object({ time: z.string().optional(), lsn: z.string().optional(), name: z.string().optional(), latest: z.literal(true).optional() }),
  walBytesToReplay: z.number(),
  expected: z.object({ lsn: z.string().nullable(), time: z.string().nullable() }),
  endOfWal: z.boolean(),
  notes: z.array(z.string()),
  estimatedSeconds: z.number(),
  summary: z.string(),
});

/** What a restore would do, or the planner's coded refusal: nothing is created. */
export const planRestore = viewerProcedure
  .input(ZRestoreInput)
  .output(ZPlanOutput)
  .query(async ({ ctx, input }) => {
    const cl = await findCluster(ctx.c, input.cluster);
    const p = await planForCluster(ctx.c, cl.id, input.target, input.timeline);
    return { ...p, restorePoint: { id: p.restorePoint.id, kind: p.restorePoint.kind, lsn: p.restorePoint.lsn, timeline: p.restorePoint.timeline, dataTime: p.restorePoint.dataTime, createdAt: p.restorePoint.createdAt } };
  });

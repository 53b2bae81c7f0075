import { ZRecoveryTarget } from "@tideline/protocol";
import { z } from "zod";
import { findCluster } from "../../clusters/cluster-inputs";
import { planForCluster } from "../../restore/plan-for-cluster";
import { viewerProcedure } from "../../trpc";
import { ZRestoreInput } from "./restore-input";

export const ZPlanOutput = z.object({
  restorePointId: z.string(),
  restorePoint: z.object({ id: z.string(), kind: z.string(), lsn: z.string(), redoLsn: z.string().nullable(), timeline: z.number(), dataTime: z.date().nullable(), createdAt: z.date() }),
  timeline: z.number(),
  recoveryTarget: ZRecoveryTarget,
  /** WAL from the restore point's LSN to where recovery stops. */
  walBytesToReplay: z.number(),
  /** Where the clone's replay starts: the restore point's redo pointer (its LSN when unknown). */
  redoLsn: z.string(),
  /** WAL the clone replays, from `redoLsn` on; at most this much for a time target (`replayBytesUpperBound`). */
  replayBytes: z.number(),
  replayBytesUpperBound: z.boolean(),
  expected: z.object({ lsn: z.string().nullable(), time: z.string().nullable() }),
  endOfWal: z.boolean(),
  notes: z.array(z.string()),
  /** Clone start-up plus `replayBytes` at `estimate.bytesPerSecond`. */
  estimatedSeconds: z.number(),
  /** The rate behind the estimate: measured on the cluster's pool by earlier clones, or the default. */
  estimate: z.object({ bytesPerSecond: z.number(), startSeconds: z.number(), measured: z.boolean() }),
  summary: z.string(),
});

/** What a restore would do, or the planner's coded refusal: nothing is created. */
export const planRestoreRoute = viewerProcedure
  .input(ZRestoreInput)
  .output(ZPlanOutput)
  .query(async ({ ctx, input }) => {
    const cl = await findCluster(ctx.c, input.cluster);
    const p = await planForCluster(ctx.c, cl.id, input.target, input.timeline);
    return { ...p, restorePoint: { id: p.restorePoint.id, kind: p.restorePoint.kind, lsn: p.restorePoint.lsn, redoLsn: p.restorePoint.redoLsn, timeline: p.restorePoint.timeline, dataTime: p.restorePoint.dataTime, createdAt: p.restorePoint.createdAt } };
  });

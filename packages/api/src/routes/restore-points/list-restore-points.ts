import { compareRestorePoints } from "@tideline/core";
import { z } from "zod";
import { findCluster } from "../../clusters/cluster-inputs";
import { viewerProcedure } from "../../trpc";

export const ZRestorePointOutput = z.object({
  id: z.string(),
  kind: z.string(),
  lsn: z.string(),
  /** Where a clone of this point starts replay (its checkpoint's redo pointer); null for points taken before it was recorded. */
  redoLsn: z.string().nullable(),
  timeline: z.number(),
  dataTime: z.date().nullable(),
  sizeBytes: z.number(),
  dataset: z.string(),
  snapshot: z.string(),
  hasBackupLabel: z.boolean(),
  drillStatus: z.string(),
  createdAt: z.date(),
  clones: z.number(),
});

export const listRestorePointsRoute = viewerProcedure
  .input(z.object({ cluster: z.string().min(1), limit: z.number().int().min(1).max(100_000).default(10_000) }))
  .output(z.array(ZRestorePointOutput))
  .query(async ({ ctx, input }) => {
    const cl = await findCluster(ctx.c, input.cluster);
    const rows = await ctx.c.db.restorePoint.findMany({
      where: { clusterId: cl.id, prunedAt: null },
      orderBy: { createdAt: "asc" },
      take: input.limit,
      include: { _count: { select: { clones: { where: { state: { notIn: ["destroyed", "failed"] } } } } } },
    });
    return rows.sort(compareRestorePoints).map((r) => ({
      id: r.id,
      kind: r.kind,
      lsn: r.lsn,
      redoLsn: r.redoLsn,
      timeline: r.timeline,
      dataTime: r.dataTime,
      sizeBytes: Number(r.sizeBytes),
      dataset: r.dataset,
      snapshot: r.snapshot,
      hasBackupLabel: r.backupLabel !== null,
      drillStatus: r.drillStatus,
      createdAt: r.createdAt,
      clones: r._count.clones,
    }));
  });

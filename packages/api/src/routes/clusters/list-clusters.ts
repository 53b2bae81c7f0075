import { z } from "zod";
import { listFleetClusters } from "../../clusters/fleet-overview";
import { viewerProcedure } from "../../trpc";

export const ZClusterOutput = z.object({
  id: z.string(),
  name: z.string(),
  agentId: z.string(),
  agentName: z.string(),
  pgdata: z.string(),
  port: z.number(),
  pgVersion: z.number().nullable(),
  systemIdentifier: z.string().nullable(),
  mode: z.string(),
  state: z.string(),
  snapshotSchedule: z.string(),
  /** A restore point also every this many bytes of WAL; 0: off. */
  snapshotWalBytes: z.number(),
  retention: z.record(z.string(), z.number()),
  health: z.unknown(),
  restorePointCount: z.number(),
  lastRestorePointAt: z.date().nullable(),
  createdAt: z.date(),
});

/** The fleet overview: one query over clusters and their summaries (clusters/fleet-overview.ts). */
export const listClustersRoute = viewerProcedure
  .output(z.array(ZClusterOutput))
  .query(({ ctx }) => listFleetClusters(ctx.c.pool));

import { z } from "zod";
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

/**
 * The fleet overview. Restore point counts and ages come from cluster_summaries, kept on write by
 * triggers on restore_points, so one call costs the same with 200 or 200,000 restore points; the
 * WAL catalog and other large columns the overview does not show are not read.
 */
export const listClustersRoute = viewerProcedure.output(z.array(ZClusterOutput)).query(async ({ ctx }) => {
  const rows = await ctx.c.db.cluster.findMany({
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      agentId: true,
      pgdata: true,
      port: true,
      pgVersion: true,
      systemIdentifier: true,
      mode: true,
      state: true,
      snapshotSchedule: true,
      snapshotWalBytes: true,
      retention: true,
      health: true,
      createdAt: true,
      agent: { select: { name: true } },
      summary: { select: { restorePointCount: true, lastRestorePointAt: true } },
    },
  });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    agentId: r.agentId,
    agentName: r.agent.name,
    pgdata: r.pgdata,
    port: r.port,
    pgVersion: r.pgVersion,
    systemIdentifier: r.systemIdentifier,
    mode: r.mode,
    state: r.state,
    snapshotSchedule: r.snapshotSchedule,
    snapshotWalBytes: Number(r.snapshotWalBytes),
    retention: (r.retention ?? {}) as Record<string, number>,
    health: r.health,
    restorePointCount: r.summary?.restorePointCount ?? 0,
    lastRestorePointAt: r.summary?.lastRestorePointAt ?? null,
    createdAt: r.createdAt,
  }));
});

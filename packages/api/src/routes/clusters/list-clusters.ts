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

export const listClustersRoute = viewerProcedure
  .output(z.array(ZClusterOutput))
  .query(async ({ ctx }) => {
    const rows = await ctx.c.db.cluster.findMany({
      orderBy: { name: "asc" },
      include: { agent: { select: { name: true } }, _count: { select: { restorePoints: { where: { prunedAt: null } } } } },
    });
    const last = await ctx.c.pool.query<{ cluster_id: string; at: Date }>(
      "SELECT cluster_id, max(created_at) AS at FROM restore_points WHERE pruned_at IS NULL GROUP BY cluster_id",
    );
    const lastBy = new Map(last.rows.map((r) => [r.cluster_id, r.at]));
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
      restorePointCount: r._count.restorePoints,
      lastRestorePointAt: lastBy.get(r.id) ?? null,
      createdAt: r.createdAt,
    }));
  });

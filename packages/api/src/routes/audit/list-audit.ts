import { z } from "zod";
import { adminProcedure } from "../../trpc";

export const listAuditRoute = adminProcedure
  .input(z.object({ clusterId: z.string().optional(), limit: z.number().int().min(1).max(1000).default(200) }).default({ limit: 200 }))
  .output(z.array(z.object({ id: z.string(), at: z.date(), actor: z.string(), action: z.string(), clusterId: z.string().nullable(), target: z.string().nullable(), details: z.unknown() })))
  .query(async ({ ctx, input }) => {
    const rows = await ctx.c.db.auditLog.findMany({ where: { clusterId: input.clusterId }, orderBy: { id: "desc" }, take: input.limit });
    return rows.map((r) => ({ id: r.id.toString(), at: r.at, actor: r.actor, action: r.action, clusterId: r.clusterId, target: r.target, details: r.details }));
  });

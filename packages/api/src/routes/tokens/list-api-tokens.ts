import { z } from "zod";
import { viewerProcedure } from "../../trpc";

export const listApiTokensRoute = viewerProcedure
  .output(z.array(z.object({ id: z.string(), name: z.string(), owner: z.string(), createdAt: z.date(), lastUsedAt: z.date().nullable(), revokedAt: z.date().nullable() })))
  .query(async ({ ctx }) => {
    const mine = ctx.caller.role === "admin" ? {} : { userId: ctx.caller.id };
    const rows = await ctx.c.db.apiToken.findMany({ where: mine, include: { user: true }, orderBy: { createdAt: "desc" } });
    return rows.map((t) => ({ id: t.id, name: t.name, owner: t.user.email, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt, revokedAt: t.revokedAt }));
  });

import { z } from "zod";
import { audit } from "../../audit/audit";
import { AppError } from "../../errors";
import { viewerProcedure } from "../../trpc";

export const revokeApiTokenRoute = viewerProcedure
  .input(z.object({ id: z.string() }))
  .output(z.object({ ok: z.boolean() }))
  .mutation(async ({ ctx, input }) => {
    const t = await ctx.c.db.apiToken.findUnique({ where: { id: input.id } });
    if (!t || (t.userId !== ctx.caller.id && ctx.caller.role !== "admin")) throw new AppError("TOKEN_NOT_FOUND", "no such API token of yours");
    await ctx.c.db.apiToken.update({ where: { id: t.id }, data: { revokedAt: new Date() } });
    await audit(ctx.c, ctx.caller, "api-token.revoke", { target: t.id });
    return { ok: true };
  });

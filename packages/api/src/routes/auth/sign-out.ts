import { z } from "zod";
import { hashToken } from "../../auth/secrets";
import { viewerProcedure } from "../../trpc";

export const signOutRoute = viewerProcedure
  .input(z.object({ token: z.string() }))
  .output(z.object({ ok: z.boolean() }))
  .mutation(async ({ ctx, input }) => {
    await ctx.c.db.session.deleteMany({ where: { tokenHash: hashToken(input.token), userId: ctx.caller.id } });
    return { ok: true };
  });

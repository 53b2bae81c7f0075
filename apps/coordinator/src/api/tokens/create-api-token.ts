import { z } from "zod";
import { audit } from "../../audit/audit";
import { hashToken, newToken } from "../../auth/secrets";
import { viewerProcedure } from "../trpc";

/** An API token acts as the user who created it, with that user's role. Shown once. */
export const createApiToken = viewerProcedure
  .input(z.object({ name: z.string().min(1).max(100) }))
  .output(z.object({ id: z.string(), name: z.string(), token: z.string() }))
  .mutation(async ({ ctx, input }) => {
    const token = newToken("tlt");
    const row = await ctx.c.db.apiToken.create({ data: { name: input.name, tokenHash: hashToken(token), userId: ctx.caller.id } });
    await audit(ctx.c, ctx.caller, "api-token.create", { target: row.id, details: { name: input.name } });
    return { id: row.id, name: row.name, token };
  });

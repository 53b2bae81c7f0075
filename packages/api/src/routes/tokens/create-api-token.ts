import { z } from "zod";
import { audit } from "../../audit/audit";
import { hashToken, newToken } from "../../auth/secrets";
import { AppError } from "../../errors";
import { viewerProcedure } from "../../trpc";

/**
 * An API token acts as the user it belongs to, with that user's role. Shown once. Anyone may
 * create one for themselves; an admin may create one for another user (`user`: email or name),
 * which is how scripts get a viewer's or operator's token.
 */
export const createApiTokenRoute = viewerProcedure
  .input(z.object({ name: z.string().min(1).max(100), user: z.string().min(1).max(200).optional() }))
  .output(z.object({ id: z.string(), name: z.string(), token: z.string(), user: z.string() }))
  .mutation(async ({ ctx, input }) => {
    let owner = { id: ctx.caller.id, email: ctx.caller.email };
    if (input.user !== undefined) {
      const wanted = input.user.toLowerCase();
      const found = await ctx.c.db.user.findFirst({
        where: { OR: [{ email: wanted }, { name: input.user }] },
        select: { id: true, email: true, disabledAt: true },
      });
      if (!found || found.disabledAt) throw new AppError("USER_NOT_FOUND", `no active user ${input.user}`);
      if (found.id !== ctx.caller.id && ctx.caller.role !== "admin") {
        throw new AppError("FORBIDDEN", "only an admin may create a token for another user");
      }
      owner = found;
    }
    const token = newToken("tlt");
    const row = await ctx.c.db.apiToken.create({ data: { name: input.name, tokenHash: hashToken(token), userId: owner.id } });
    await audit(ctx.c, ctx.caller, "api-token.create", { target: row.id, details: { name: input.name, user: owner.email } });
    return { id: row.id, name: row.name, token, user: owner.email };
  });

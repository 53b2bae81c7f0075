import { z } from "zod";
import { hashToken, newToken, verifyPassword } from "../../auth/secrets";
import { AppError } from "../../errors";
import { publicProcedure } from "../trpc";

export const ZSignInInput = z.object({ email: z.string().email(), password: z.string().min(1).max(200) });
export const ZSignInOutput = z.object({
  token: z.string(),
  expiresAt: z.date(),
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(["viewer", "operator", "admin"]) }),
});

export const signIn = publicProcedure
  .input(ZSignInInput)
  .output(ZSignInOutput)
  .mutation(async ({ ctx, input }) => {
    const user = await ctx.c.db.user.findUnique({ where: { email: input.email.toLowerCase() } });
    if (!user || user.disabledAt || !(await verifyPassword(input.password, user.passwordHash))) {
      ctx.c.log.warn("sign-in refused", { email: input.email, ip: ctx.ip });
      throw new AppError("INVALID_CREDENTIALS", "wrong email or password");
    }
    const token = newToken("tls");
    const expiresAt = new Date(Date.now() + ctx.c.config.sessionTtlMs);
    await ctx.c.db.session.create({ data: { tokenHash: hashToken(token), userId: user.id, expiresAt } });
    return { token, expiresAt, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
  });

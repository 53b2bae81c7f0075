import { z } from "zod";
import { hashPassword, hashToken, newPassword, newToken, verifyPassword } from "../../auth/secrets";
import { AppError } from "../../errors";
import { publicProcedure } from "../../trpc";

export const ZSignInInput = z.object({ email: z.string().email(), password: z.string().min(1).max(200) });
export const ZSignInOutput = z.object({
  token: z.string(),
  expiresAt: z.date(),
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(["viewer", "operator", "admin"]) }),
});

/** scrypt of a random password nobody knows, compared against when the account does not exist. */
const DUMMY_HASH = await hashPassword(newPassword());

export const signInRoute = publicProcedure
  .input(ZSignInInput)
  .output(ZSignInOutput)
  .mutation(async ({ ctx, input }) => {
    const email = input.email.toLowerCase();
    await ctx.c.loginLimits.check(email, ctx.ip);
    const user = await ctx.c.db.user.findUnique({ where: { email } });
    // an unknown account costs the same scrypt as a known one: no timing tells which emails exist
    const ok = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || user.disabledAt || !ok) {
      await ctx.c.loginLimits.failed(email, ctx.ip);
      ctx.c.log.warn("sign-in refused", { email, ip: ctx.ip });
      throw new AppError("INVALID_CREDENTIALS", "wrong email or password");
    }
    await ctx.c.loginLimits.succeeded(email);
    const token = newToken("tls");
    const expiresAt = new Date(Date.now() + ctx.c.config.sessionTtlMs);
    await ctx.c.db.session.create({ data: { tokenHash: hashToken(token), userId: user.id, expiresAt } });
    return { token, expiresAt, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
  });

import { z } from "zod";
import { audit } from "../../audit/audit";
import { hashPassword } from "../../auth/secrets";
import { AppError } from "../../errors";
import { adminProcedure } from "../../trpc";
import { ZUserOutput } from "./list-users";

export const ZCreateUserInput = z.object({
  email: z.string().email(),
  name: z.string().min(1).max(100),
  role: z.enum(["viewer", "operator", "admin"]),
  password: z.string().min(10, "at least 10 characters").max(200),
});

export const createUserRoute = adminProcedure
  .input(ZCreateUserInput)
  .output(ZUserOutput)
  .mutation(async ({ ctx, input }) => {
    const email = input.email.toLowerCase();
    if (await ctx.c.db.user.findUnique({ where: { email } })) throw new AppError("USER_EXISTS", `a user ${email} exists already`);
    const u = await ctx.c.db.user.create({ data: { email, name: input.name, role: input.role, passwordHash: await hashPassword(input.password) } });
    await audit(ctx.c, ctx.caller, "user.create", { target: u.id, details: { email, role: input.role } });
    return { id: u.id, email: u.email, name: u.name, role: u.role, createdAt: u.createdAt, disabled: false };
  });

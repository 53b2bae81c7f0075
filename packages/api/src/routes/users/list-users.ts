import { z } from "zod";
import { adminProcedure } from "../../trpc";

export const ZUserOutput = z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(["viewer", "operator", "admin"]), createdAt: z.date(), disabled: z.boolean() });

export const listUsersRoute = adminProcedure.output(z.array(ZUserOutput)).query(async ({ ctx }) => {
  const users = await ctx.c.db.user.findMany({ orderBy: { email: "asc" } });
  return users.map((u) => ({ id: u.id, email: u.email, name: u.name, role: u.role, createdAt: u.createdAt, disabled: u.disabledAt !== null }));
});

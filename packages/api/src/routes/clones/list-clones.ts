import { z } from "zod";
import type { Services } from "../../context";
import { toCloneOutput, ZCloneOutput } from "../../clones/clone-output";
import { findCluster } from "../../clusters/cluster-inputs";
import { AppError } from "../../errors";
import { viewerProcedure } from "../../trpc";

/** Owner ids → emails, for the clones' "owner" column. */
async function owners(c: Services) {
  return new Map((await c.db.user.findMany({ select: { id: true, email: true } })).map((u) => [u.id, u.email]));
}

export const listClonesRoute = viewerProcedure
  .input(z.object({ cluster: z.string().optional(), includeDestroyed: z.boolean().default(false) }).default({ includeDestroyed: false }))
  .output(z.array(ZCloneOutput))
  .query(async ({ ctx, input }) => {
    const clusterId = input.cluster ? (await findCluster(ctx.c, input.cluster)).id : undefined;
    const rows = await ctx.c.db.clone.findMany({
      where: { clusterId, ...(input.includeDestroyed ? {} : { state: { not: "destroyed" } }) },
      include: { cluster: { select: { name: true } } },
      orderBy: { createdAt: "desc" },
      take: 1000,
    });
    const o = await owners(ctx.c);
    return rows.map((r) => toCloneOutput(r, ctx.caller, o));
  });

export const getCloneRoute = viewerProcedure
  .input(z.object({ id: z.string().min(1) }))
  .output(ZCloneOutput)
  .query(async ({ ctx, input }) => {
    const r = await ctx.c.db.clone.findUnique({ where: { id: input.id }, include: { cluster: { select: { name: true } } } });
    if (!r) throw new AppError("CLONE_NOT_FOUND", `no clone ${input.id}`);
    return toCloneOutput(r, ctx.caller, await owners(ctx.c));
  });

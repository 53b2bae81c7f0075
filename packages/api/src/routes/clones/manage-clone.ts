import { z } from "zod";
import { audit } from "../../audit/audit";
import { destroyCloneById } from "../../restore/restore-to-clone";
import { parseTtl } from "../../clones/ttl";
import { assertNoCopies, copyClone, resetClone } from "../../clones/clone-lifecycle";
import { ZCheckedRestoreTarget } from "../restore/restore-input";
import { AppError } from "../../errors";
import { operatorProcedure } from "../../trpc";

export const destroyCloneRoute = operatorProcedure
  .input(z.object({ id: z.string().min(1) }))
  .output(z.object({ jobId: z.string().nullable() }))
  .mutation(async ({ ctx, input }) => {
    const clone = await ctx.c.db.clone.findUnique({ where: { id: input.id } });
    if (clone?.protected) throw new AppError("CLONE_PROTECTED", `clone ${input.id} is protected; unprotect it first`);
    await assertNoCopies(ctx.c, input.id);
    return destroyCloneById(ctx.c, ctx.caller, input.id, "destroyed by a user");
  });

/** The same clone (id, address, password) at another moment. */
export const resetCloneRoute = operatorProcedure
  .input(z.object({ id: z.string().min(1), target: ZCheckedRestoreTarget, timeline: z.number().int().positive().optional() }))
  .output(z.object({ cloneId: z.string(), jobId: z.string(), restorePointId: z.string() }))
  .mutation(({ ctx, input }) => resetClone(ctx.c, ctx.caller, input.id, input.target, input.timeline));

/** A clone of a clone: its current data, changes included, as a new clone. */
export const copyCloneRoute = operatorProcedure
  .input(z.object({ id: z.string().min(1), ttl: z.string().min(2).max(10).optional() }))
  .output(z.object({ cloneId: z.string(), jobId: z.string() }))
  .mutation(({ ctx, input }) => copyClone(ctx.c, ctx.caller, input.id, input.ttl));

export const extendCloneRoute = operatorProcedure
  .input(z.object({ id: z.string().min(1), ttl: z.string().min(2).max(10) }))
  .output(z.object({ expiresAt: z.date() }))
  .mutation(async ({ ctx, input }) => {
    const clone = await ctx.c.db.clone.findUnique({ where: { id: input.id } });
    if (!clone || clone.state === "destroyed" || clone.state === "destroying") throw new AppError("CLONE_NOT_FOUND", `no live clone ${input.id}`);
    const expiresAt = new Date(Date.now() + parseTtl(input.ttl));
    await ctx.c.db.clone.update({ where: { id: clone.id }, data: { expiresAt } });
    await audit(ctx.c, ctx.caller, "clone.extend", { clusterId: clone.clusterId, target: clone.id, details: { ttl: input.ttl } });
    await ctx.c.bus.publish({ entity: "clone", id: clone.id, clusterId: clone.clusterId });
    return { expiresAt };
  });

export const protectCloneRoute = operatorProcedure
  .input(z.object({ id: z.string().min(1), protected: z.boolean() }))
  .output(z.object({ protected: z.boolean() }))
  .mutation(async ({ ctx, input }) => {
    const clone = await ctx.c.db.clone.findUnique({ where: { id: input.id } });
    if (!clone || clone.state === "destroyed") throw new AppError("CLONE_NOT_FOUND", `no clone ${input.id}`);
    await ctx.c.db.clone.update({ where: { id: clone.id }, data: { protected: input.protected } });
    await audit(ctx.c, ctx.caller, input.protected ? "clone.protect" : "clone.unprotect", { clusterId: clone.clusterId, target: clone.id });
    await ctx.c.bus.publish({ entity: "clone", id: clone.id, clusterId: clone.clusterId });
    return { protected: input.protected };
  });

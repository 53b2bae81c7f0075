import { nextRun, parseSchedule } from "@tideline/core";
import { z } from "zod";
import { audit } from "../../audit/audit";
import { findCluster } from "../../clusters/cluster-inputs";
import { startDrill } from "../../drills/start-drill";
import { AppError } from "../../errors";
import { operatorProcedure, viewerProcedure } from "../../trpc";

export const runDrillRoute = operatorProcedure
  .input(z.object({ cluster: z.string().min(1), restorePointId: z.string().optional() }))
  .output(z.object({ drillId: z.string(), jobId: z.string(), restorePointId: z.string() }))
  .mutation(async ({ ctx, input }) => {
    const cl = await findCluster(ctx.c, input.cluster);
    const r = await startDrill(ctx.c, cl.id, { restorePointId: input.restorePointId, createdById: ctx.caller.id });
    await audit(ctx.c, ctx.caller, "drill.run", { clusterId: cl.id, target: r.drillId });
    return r;
  });

export const configureDrillRoute = operatorProcedure
  .input(z.object({ cluster: z.string().min(1), schedule: z.string().min(1).nullable(), sql: z.string().max(10_000).nullable(), expected: z.string().max(10_000).nullable(), amcheck: z.boolean().default(true) }))
  .output(z.object({ nextDrillAt: z.date().nullable() }))
  .mutation(async ({ ctx, input }) => {
    const cl = await findCluster(ctx.c, input.cluster);
    let nextDrillAt: Date | null = null;
    if (input.schedule) {
      try {
        nextDrillAt = nextRun(parseSchedule(input.schedule, cl.scheduleTimeZone), new Date());
      } catch (err) {
        throw new AppError("INVALID_SCHEDULE", (err as Error).message.replace(/^INVALID_SCHEDULE: /, ""));
      }
    }
    await ctx.c.db.cluster.update({ where: { id: cl.id }, data: { drill: { schedule: input.schedule, sql: input.sql, expected: input.expected, amcheck: input.amcheck }, nextDrillAt } });
    await audit(ctx.c, ctx.caller, "drill.configure", { clusterId: cl.id, details: input });
    return { nextDrillAt };
  });

export const listDrillsRoute = viewerProcedure
  .input(z.object({ cluster: z.string().min(1), limit: z.number().int().min(1).max(500).default(50) }))
  .output(z.array(z.object({ id: z.string(), restorePointId: z.string().nullable(), jobId: z.string().nullable(), state: z.string(), passed: z.boolean().nullable(), checks: z.unknown(), secondsToReady: z.number().nullable(), startedAt: z.date(), finishedAt: z.date().nullable() })))
  .query(async ({ ctx, input }) => {
    const cl = await findCluster(ctx.c, input.cluster);
    const rows = await ctx.c.db.drill.findMany({ where: { clusterId: cl.id }, orderBy: { startedAt: "desc" }, take: input.limit });
    return rows.map((d) => ({ id: d.id, restorePointId: d.restorePointId, jobId: d.jobId, state: d.state, passed: d.passed, checks: d.checks, secondsToReady: d.secondsToReady, startedAt: d.startedAt, finishedAt: d.finishedAt }));
  });

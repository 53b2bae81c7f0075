import { assertRetentionPolicy, nextRun, parseSchedule } from "@tideline/core";
import { slotNames } from "@tideline/protocol";
import { z } from "zod";
import { audit } from "../../audit/audit";
import { findCluster } from "../../clusters/cluster-inputs";
import { snapshotWalBytes } from "../../clusters/snapshot-wal";
import { parseTtl } from "../../clones/ttl";
import { createJob } from "../../jobs/create-job";
import { AppError } from "../../errors";
import { operatorProcedure } from "../../trpc";

export const ZRetentionPolicy = z.object({
  keepLast: z.number().int().min(0).optional(),
  hourly: z.number().int().min(0).optional(),
  daily: z.number().int().min(0).optional(),
  weekly: z.number().int().min(0).optional(),
  monthly: z.number().int().min(0).optional(),
  windowDays: z.number().min(0).optional(),
});

/** Schedule (time and WAL volume) and retention settings of a cluster. */
export const updateClusterRoute = operatorProcedure
  .input(z.object({ cluster: z.string().min(1), snapshotEvery: z.string().min(1).optional(), snapshotWal: z.string().min(1).max(40).optional(), timeZone: z.string().min(1).max(64).optional(), retention: ZRetentionPolicy.optional(), cloneIdle: z.string().min(2).max(10).optional(), synchronous: z.boolean().optional() }))
  .output(z.object({ ok: z.boolean(), nextSnapshotAt: z.date().nullable(), synchronousJobId: z.string().nullable() }))
  .mutation(async ({ ctx, input }) => {
    const cl = await findCluster(ctx.c, input.cluster);
    let nextSnapshotAt = cl.nextSnapshotAt;
    if (input.snapshotEvery || input.timeZone) {
      try {
        const schedule = parseSchedule(input.snapshotEvery ?? cl.snapshotSchedule, input.timeZone ?? cl.scheduleTimeZone);
        nextSnapshotAt = cl.state === "protected" ? nextRun(schedule, new Date()) : null;
      } catch (err) {
        const e = err as Error & { code?: string };
        const code = e.code === "INVALID_TIME_ZONE" ? "INVALID_TIME_ZONE" : "INVALID_SCHEDULE";
        throw new AppError(code, e.message.replace(/^INVALID_(SCHEDULE|TIME_ZONE): /, ""));
      }
    }
    const walBytes = input.snapshotWal === undefined ? undefined : snapshotWalBytes(input.snapshotWal);
    // clones without a client for this long are destroyed; "off" turns it off
    const cloneIdleMinutes = input.cloneIdle === undefined ? undefined : input.cloneIdle === "off" ? null : Math.round(parseTtl(input.cloneIdle) / 60_000);
    if (input.retention) {
      try {
        assertRetentionPolicy(input.retention);
      } catch (err) {
        throw new AppError("INVALID_RETENTION_POLICY", (err as Error).message.replace(/^INVALID_RETENTION_POLICY: /, ""));
      }
    }
    await ctx.c.db.cluster.update({
      where: { id: cl.id },
      data: {
        snapshotSchedule: input.snapshotEvery ?? undefined,
        scheduleTimeZone: input.timeZone ?? undefined,
        snapshotWalBytes: walBytes === undefined ? undefined : BigInt(walBytes),
        nextSnapshotAt, retention: input.retention ?? undefined,
        cloneIdleMinutes },
    });
    // zero-loss mode: the database agent changes the primary's synchronous_standby_names
    let synchronousJobId: string | null = null;
    if (input.synchronous !== undefined) {
      if (cl.state !== "protected") throw new AppError("CLUSTER_NOT_PROTECTED", `cluster ${cl.name} is ${cl.state}; zero-loss mode needs its WAL receiver running`);
      const job = await createJob(ctx.c.pool, ctx.c.bus, {
        kind: "cluster.synchronous",
        agentId: cl.agentId,
        clusterId: cl.id,
        payload: { clusterId: cl.id, cluster: cl.name, primary: { pgdata: cl.pgdata, port: cl.port, version: cl.pgVersion ?? null }, applicationName: slotNames(cl.name).wal, enable: input.synchronous },
        createdById: ctx.caller.id,
        maxAttempts: 1,
      });
      synchronousJobId = job.id;
    }
    await audit(ctx.c, ctx.caller, "cluster.update", { clusterId: cl.id, target: cl.name, details: { snapshotEvery: input.snapshotEvery, timeZone: input.timeZone, snapshotWalBytes: walBytes, retention: input.retention, cloneIdleMinutes, synchronous: input.synchronous } });
    await ctx.c.bus.publish({ entity: "cluster", id: cl.id, clusterId: cl.id });
    return { ok: true, nextSnapshotAt, synchronousJobId };
  });

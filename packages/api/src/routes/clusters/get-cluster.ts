import { nextRuns, parseSchedule } from "@tideline/core";
import { redactConninfo } from "@tideline/protocol";
import { z } from "zod";
import { findCluster } from "../../clusters/cluster-inputs";
import { viewerProcedure } from "../../trpc";

export const getClusterRoute = viewerProcedure
  .input(z.object({ cluster: z.string().min(1) }))
  .output(
    z.object({
      id: z.string(),
      name: z.string(),
      state: z.string(),
      mode: z.string(),
      agent: z.string(),
      storageAgent: z.string().nullable(),
      pool: z.string().nullable(),
      pgdata: z.string(),
      port: z.number(),
      pgVersion: z.number().nullable(),
      systemIdentifier: z.string().nullable(),
      replicationConninfo: z.string().nullable(),
      snapshotSchedule: z.string(),
      /** IANA zone the cron schedules are read in. */
      scheduleTimeZone: z.string(),
      /** The schedule's next runs, to show a DBA what it means in their zone. */
      nextScheduledRuns: z.array(z.date()),
      /** A restore point also every this many bytes of WAL; 0: off. */
      snapshotWalBytes: z.number(),
      /** Zero-loss mode: commits wait for Tideline's WAL receiver. */
      synchronous: z.boolean(),
      /** Clones without a client for this many minutes are destroyed (null: never). */
      cloneIdleMinutes: z.number().nullable(),
      nextSnapshotAt: z.date().nullable(),
      retention: z.record(z.string(), z.number()),
      health: z.unknown(),
      protection: z.unknown(),
      drill: z.unknown(),
      statusAt: z.date().nullable(),
      createdAt: z.date(),
    }),
  )
  .query(async ({ ctx, input }) => {
    const found = await findCluster(ctx.c, input.cluster);
    const cl = await ctx.c.db.cluster.findUniqueOrThrow({ where: { id: found.id }, include: { agent: true, storageAgent: true, storagePool: true } });
    return {
      id: cl.id,
      name: cl.name,
      state: cl.state,
      mode: cl.mode,
      agent: cl.agent.name,
      storageAgent: cl.storageAgent?.name ?? null,
      pool: cl.storagePool ? `${cl.storageAgent?.name}/${cl.storagePool.name}` : null,
      pgdata: cl.pgdata,
      port: cl.port,
      pgVersion: cl.pgVersion,
      systemIdentifier: cl.systemIdentifier,
      replicationConninfo: cl.replicationConninfo && redactConninfo(cl.replicationConninfo), // passwords never leave the coordinator
      snapshotSchedule: cl.snapshotSchedule,
      scheduleTimeZone: cl.scheduleTimeZone,
      nextScheduledRuns: upcoming(cl.snapshotSchedule, cl.scheduleTimeZone),
      snapshotWalBytes: Number(cl.snapshotWalBytes),
      synchronous: cl.synchronous,
      cloneIdleMinutes: cl.cloneIdleMinutes,
      nextSnapshotAt: cl.nextSnapshotAt,
      retention: (cl.retention ?? {}) as Record<string, number>,
      health: cl.health,
      protection: cl.protection,
      drill: cl.drill,
      statusAt: cl.statusAt,
      createdAt: cl.createdAt,
    };
  });

function upcoming(schedule: string, timeZone: string): Date[] {
  try {
    return nextRuns(parseSchedule(schedule, timeZone), new Date(), 3);
  } catch {
    return []; // a schedule stored before its rules tightened: the cluster page shows it as it is
  }
}

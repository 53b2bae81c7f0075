// `tideline events` / the console's "Find the moment": what the archived WAL says happened between
// two times, read by the cluster's storage agent (job `wal.events`). The caller waits for the job;
// its result holds the events.
import { formatTimestamp, isTimestampParseable, parseTimestamp } from "@tideline/core";
import { z } from "zod";
import { findCluster } from "../../clusters/cluster-inputs";
import { AppError } from "../../errors";
import { createJob } from "../../jobs/create-job";
import { viewerProcedure } from "../../trpc";

/** A time with an explicit zone (core's codec), refused as a field error with code INVALID_TIME_RANGE. */
const ZTime = z.string().superRefine((t, ctx) => {
  if (!isTimestampParseable(t)) {
    ctx.addIssue({
      code: "custom",
      params: { code: "INVALID_TIME_RANGE" },
      message: "a time with an explicit zone, e.g. 2026-11-21 10:00:00Z or 2026-11-21T10:00:00+02:00",
    });
  }
});

export const ZSearchWalEventsInput = z.object({
  cluster: z.string().min(1),
  from: ZTime,
  to: ZTime,
  /** At most this many events, oldest first; the result says when more matched. */
  limit: z.number().int().min(1).max(10_000).default(1000),
  /** Only drops, truncates, rewrites and restore points. */
  destructiveOnly: z.boolean().default(false),
});

/** Reading WAL changes nothing, so a viewer may look for the moment; restoring to it needs an operator. */
export const searchWalEventsRoute = viewerProcedure
  .input(ZSearchWalEventsInput)
  .output(z.object({ jobId: z.string() }))
  .mutation(async ({ ctx, input }) => {
    const from = parseTimestamp(input.from);
    const to = parseTimestamp(input.to);
    if (from > to)
      throw new AppError(
        "INVALID_TIME_RANGE",
        `the range ends (${formatTimestamp(to)}) before it starts (${formatTimestamp(from)})`,
      );
    const cl = await findCluster(ctx.c, input.cluster);
    if (cl.state !== "protected" || !cl.storageAgentId)
      throw new AppError("CLUSTER_NOT_PROTECTED", `cluster ${cl.name} is ${cl.state}, not protected yet`);
    const job = await createJob(ctx.c.pool, ctx.c.bus, {
      kind: "wal.events",
      agentId: cl.storageAgentId,
      clusterId: cl.id,
      payload: {
        clusterId: cl.id,
        cluster: cl.name,
        from: formatTimestamp(from),
        to: formatTimestamp(to),
        limit: input.limit,
        destructiveOnly: input.destructiveOnly,
      },
      createdById: ctx.caller.id,
      maxAttempts: 1,
    });
    return { jobId: job.id };
  });

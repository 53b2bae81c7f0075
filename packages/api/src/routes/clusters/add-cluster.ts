import { z } from "zod";
import { addCluster } from "../../clusters/add-cluster";
import { operatorProcedure } from "../../trpc";

export const ZAddClusterInput = z.object({
  name: z.string().min(1).max(63),
  agent: z.string().min(1),
  pgdata: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  storage: z.string().min(3),
  replicationConninfo: z.string().max(2000).optional(),
  mode: z.enum(["replica", "shared"]).default("replica"),
  snapshotEvery: z.string().min(1).default("15m"),
  timeZone: z.string().min(1).max(64).optional(),
  /** A restore point also every so much WAL ("256MB", "1GiB", "off"); default 256 MiB. */
  snapshotWal: z.string().min(1).max(40).optional(),
  sharedDataset: z.string().optional(),
  retention: z.record(z.string(), z.number().nonnegative()).optional(),
  compression: z.string().regex(/^(on|off|lzjb|lz4|zstd|gzip(-[1-9])?)$/).optional(),
  dedup: z.boolean().optional(),
  recordsize: z.string().regex(/^\d+[KM]?$/).optional(),
});

export const addClusterRoute = operatorProcedure
  .input(ZAddClusterInput)
  .output(z.object({ clusterId: z.string(), jobId: z.string() }))
  .mutation(({ ctx, input }) => addCluster(ctx.c, ctx.caller, input));

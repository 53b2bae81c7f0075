import { ZPoolRef } from "@tideline/protocol";
import { z } from "zod";
import { audit } from "../../audit/audit";
import { AppError } from "../../errors";
import { createJob } from "../../jobs/create-job";
import { adminProcedure } from "../../trpc";

/**
 * Pool-wide dataset properties (inherited by every cluster stored there). Dedup costs RAM: ZFS
 * keeps its dedup table in memory (about 5 GB per TB stored) and writes slow down once it spills.
 */
export const configureStorageRoute = adminProcedure
  .input(
    z.object({
      pool: z.string().min(3),
      compression: z.string().regex(/^(on|off|lzjb|lz4|zstd|gzip(-[1-9])?)$/, "one of on, off, lzjb, lz4, zstd, gzip, gzip-1 … gzip-9").optional(),
      dedup: z.boolean().optional(),
      recordsize: z.string().regex(/^\d+[KM]?$/, "e.g. 8K, 128K, 1M").optional(),
    }),
  )
  .output(z.object({ jobId: z.string() }))
  .mutation(async ({ ctx, input }) => {
    const [agentName, poolName] = input.pool.split("/");
    const agent = await ctx.c.db.agent.findFirst({ where: { OR: [{ id: agentName }, { name: agentName }] } });
    const pool = agent && poolName ? await ctx.c.db.storagePool.findUnique({ where: { agentId_name: { agentId: agent.id, name: poolName } } }) : null;
    if (!agent || !pool) throw new AppError("POOL_NOT_FOUND", `no pool ${input.pool}; see \`tideline storage list\``);
    const job = await createJob(ctx.c.pool, ctx.c.bus, {
      kind: "storage.configure",
      agentId: agent.id,
      payload: { pool: ZPoolRef.parse({ name: pool.name, driver: pool.driver }), compression: input.compression, dedup: input.dedup, recordsize: input.recordsize },
      createdById: ctx.caller.id,
      maxAttempts: 1,
    });
    await audit(ctx.c, ctx.caller, "storage.configure", { target: input.pool, details: { compression: input.compression, dedup: input.dedup, recordsize: input.recordsize } });
    return { jobId: job.id };
  });

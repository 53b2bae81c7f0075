import { z } from "zod";
import { audit } from "../../audit/audit";
import { findCluster } from "../../clusters/cluster-inputs";
import { restoreTables } from "../../restore/table-restore";
import { operatorProcedure } from "../../trpc";
import { ZRestoreInput } from "./restore-input";

/**
 * Tables (or a whole database) as they were at the target, loaded into the running primary under
 * new names: a clone at the target, then a load job on the database agent; the clone goes after.
 */
export const restoreTableRoute = operatorProcedure
  .input(
    ZRestoreInput.extend({
      /** The database the tables are in. */
      database: z.string().min(1).max(63).default("postgres"),
      tables: z
        .array(z.object({ table: z.string().min(1).max(130), into: z.string().min(1).max(130).optional() }))
        .max(100)
        .default([]),
      /** Restore the whole `database` instead of tables. */
      wholeDatabase: z.boolean().default(false),
      intoDatabase: z.string().min(1).max(63).optional(),
      replace: z.boolean().default(false),
    }),
  )
  .output(
    z.object({
      cloneId: z.string(),
      jobId: z.string(),
      tables: z.array(z.object({ from: z.string(), into: z.string() })),
      intoDatabase: z.string(),
    }),
  )
  .mutation(async ({ ctx, input }) => {
    const cl = await findCluster(ctx.c, input.cluster);
    const r = await restoreTables(ctx.c, ctx.caller, {
      clusterId: cl.id,
      target: input.target,
      timeline: input.timeline,
      database: input.database,
      tables: input.tables,
      wholeDatabase: input.wholeDatabase,
      intoDatabase: input.intoDatabase,
      replace: input.replace,
    });
    await audit(ctx.c, ctx.caller, "restore.table.create", {
      clusterId: cl.id,
      target: r.cloneId,
      details: {
        target: input.target,
        tables: r.tables,
        intoDatabase: r.intoDatabase,
        wholeDatabase: input.wholeDatabase,
      },
    });
    return { cloneId: r.cloneId, jobId: r.jobId, tables: r.tables, intoDatabase: r.intoDatabase };
  });

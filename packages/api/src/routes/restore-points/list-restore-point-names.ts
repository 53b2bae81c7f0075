import { z } from "zod";
import { findCluster } from "../../clusters/cluster-inputs";
import { viewerProcedure } from "../../trpc";

/** Restore point names created with pg_create_restore_point, as found in the archived WAL. */
export const listRestorePointNamesRoute = viewerProcedure
  .input(z.object({ cluster: z.string().min(1) }))
  .output(z.array(z.object({ name: z.string(), lsn: z.string(), timeline: z.number(), time: z.string().nullable() })))
  .query(async ({ ctx, input }) => {
    const cl = await findCluster(ctx.c, input.cluster);
    return ((cl.namedPoints ?? []) as Array<{ name: string; lsn: string; timeline: number; time: string | null }>).map((p) => ({ name: p.name, lsn: p.lsn, timeline: p.timeline, time: p.time }));
  });

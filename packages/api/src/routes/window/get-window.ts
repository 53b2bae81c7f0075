import { computeWindow } from "@tideline/core";
import { z } from "zod";
import { clusterInputs, findCluster } from "../../clusters/cluster-inputs";
import { viewerProcedure } from "../../trpc";

const ZGap = z.object({ from: z.string().nullable(), to: z.string().nullable(), fromLsn: z.string(), toLsn: z.string() });

export const ZWindowOutput = z.object({
  cluster: z.string(),
  timelines: z.array(z.object({ timeline: z.number(), from: z.string().nullable(), to: z.string().nullable(), fromLsn: z.string().nullable(), toLsn: z.string().nullable(), gaps: z.array(ZGap) })),
  forks: z.array(z.object({ timeline: z.number(), parent: z.number(), switchLsn: z.string() })),
  statusAt: z.date().nullable(),
});

/** The recoverable window per timeline, from packages/core: the same truth the planner uses. */
export const getWindowRoute = viewerProcedure
  .input(z.object({ cluster: z.string().min(1) }))
  .output(ZWindowOutput)
  .query(async ({ ctx, input }) => {
    const cl = await findCluster(ctx.c, input.cluster);
    const { restorePoints, catalog, histories, cluster } = await clusterInputs(ctx.c, cl.id);
    const w = computeWindow({ restorePoints, catalog, histories });
    const forks = catalog.filter((t) => t.parent).map((t) => ({ timeline: t.timeline, parent: t.parent!.timeline, switchLsn: t.parent!.switchLsn }));
    return {
      cluster: cluster.name,
      timelines: w.timelines.map((t) => ({ timeline: t.timeline, from: t.from, to: t.to, fromLsn: t.fromLsn, toLsn: t.toLsn, gaps: t.gaps })),
      forks,
      statusAt: cluster.statusAt,
    };
  });

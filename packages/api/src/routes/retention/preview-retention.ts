import { z } from "zod";
import { audit } from "../../audit/audit";
import { findCluster } from "../../clusters/cluster-inputs";
import { evaluateRetention } from "../../retention/evaluate-retention";
import { ZRetentionPolicy } from "../clusters/update-cluster";
import { operatorProcedure, viewerProcedure } from "../../trpc";

const ZRetentionOutput = z.object({
  policy: ZRetentionPolicy,
  keep: z.array(z.object({ id: z.string(), reasons: z.array(z.string()), createdAt: z.date(), lsn: z.string() })),
  prune: z.array(z.object({ id: z.string(), createdAt: z.date(), lsn: z.string() })),
  walPruneBefore: z.record(z.string(), z.string()),
  jobId: z.string().nullable(),
});

/** What a policy (the cluster's, or one being edited) would keep and prune: nothing is changed. */
export const previewRetentionRoute = viewerProcedure
  .input(z.object({ cluster: z.string().min(1), policy: ZRetentionPolicy.optional() }))
  .output(ZRetentionOutput)
  .query(async ({ ctx, input }) => {
    const cl = await findCluster(ctx.c, input.cluster);
    return evaluateRetention(ctx.c, cl.id, { policy: input.policy, apply: false });
  });

export const applyRetentionRoute = operatorProcedure
  .input(z.object({ cluster: z.string().min(1) }))
  .output(ZRetentionOutput)
  .mutation(async ({ ctx, input }) => {
    const cl = await findCluster(ctx.c, input.cluster);
    const r = await evaluateRetention(ctx.c, cl.id, { apply: true, createdById: ctx.caller.id });
    await audit(ctx.c, ctx.caller, "retention.apply", { clusterId: cl.id, target: r.jobId ?? undefined, details: { prune: r.prune.length } });
    return r;
  });

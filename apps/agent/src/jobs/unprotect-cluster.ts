// cluster.unprotect: stop streaming and the replica, drop our replication slots, and (when asked)
// destroy the cluster's datasets.
import type { TJobPayload, TJobResult } from "@tideline/protocol";
import { psqlExec, sqlLiteral } from "../pg/psql";
import { forgetProtected } from "../protection/config";
import type { JobContext } from "./job-context";

export async function unprotectCluster(ctx: JobContext, p: TJobPayload<"cluster.unprotect">): Promise<TJobResult<"cluster.unprotect">> {
  const c = await ctx.agent.protection.untrack(p.cluster);
  const destroyed: string[] = [];
  if (c) {
    for (const slot of [c.slotWal, c.slotReplica]) {
      await psqlExec({ conninfo: c.primary.conninfo }, `SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ${sqlLiteral(slot)} AND NOT active`).catch((err: Error) =>
        ctx.log("warn", `could not drop slot ${slot}: ${err.message}`),
      );
    }
    if (p.destroyData) {
      await ctx.agent.storage(c.pool).destroyDataset(c.datasets.root, { recursive: true });
      destroyed.push(c.datasets.root);
    }
    await forgetProtected(ctx.agent.dataDir, c.cluster);
  }
  return { stopped: Boolean(c), destroyed };
}

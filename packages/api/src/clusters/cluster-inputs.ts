// Loading what packages/core needs about one cluster (restore points, WAL catalog, timeline
// histories, named points) from the inventory, in core's shapes. One truth for window and planner.
import { compareRestorePoints, parseTimelineHistory, type TimelineHistories } from "@tideline/core";
import { ZWalCatalog } from "@tideline/protocol";
import type { Services } from "../context";
import { AppError } from "../errors";

export async function findCluster(c: Services, nameOrId: string) {
  const cl = await c.db.cluster.findFirst({ where: { OR: [{ id: nameOrId }, { name: nameOrId }] } });
  if (!cl) throw new AppError("CLUSTER_NOT_FOUND", `no cluster named ${nameOrId}`);
  return cl;
}

export async function clusterInputs(c: Services, clusterId: string) {
  const cl = await c.db.cluster.findUniqueOrThrow({ where: { id: clusterId } });
  const points = await c.db.restorePoint.findMany({ where: { clusterId, prunedAt: null }, orderBy: { createdAt: "asc" } });
  points.sort(compareRestorePoints);
  const histories: TimelineHistories = new Map(
    Object.entries((cl.walHistories ?? {}) as Record<string, string>).map(([tl, text]) => [Number(tl), parseTimelineHistory(text, Number(tl))]),
  );
  return {
    cluster: cl,
    points,
    restorePoints: points.map((p) => ({ id: p.id, lsn: p.lsn, redoLsn: p.redoLsn, timeline: p.timeline, dataTime: p.dataTime?.toISOString() ?? null, nextXid: p.nextXid })),
    xidHorizon: cl.nextXid,
    // the inventory keeps it as JSON: parsed here, where it comes back in
    catalog: ZWalCatalog.parse(cl.walCatalog ?? []),
    histories,
    namedPoints: (cl.namedPoints ?? []) as Array<{ name: string; lsn: string; timeline: number; time: string | null }>,
  };
}

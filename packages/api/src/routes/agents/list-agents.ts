import { z } from "zod";
import { viewerProcedure } from "../../trpc";
import { ZAgentOutput } from "./list-agents.types";

export const listAgentsRoute = viewerProcedure
  .output(z.array(ZAgentOutput))
  .query(async ({ ctx }) => {
    const agents = await ctx.c.db.agent.findMany({ orderBy: { name: "asc" }, include: { pools: true } });
    return agents.map((a) => ({
      id: a.id,
      name: a.name,
      hostname: a.hostname,
      roles: a.roles,
      connected: a.connected,
      coordinatorId: a.coordinatorId,
      version: a.version,
      address: a.address,
      lastSeenAt: a.lastSeenAt,
      connectedAt: a.connectedAt,
      capabilities: a.capabilities,
      discoveredClusters: a.discoveredClusters,
      pools: a.pools.map((p) => ({ name: p.name, driver: p.driver, mountpoint: p.mountpoint, sizeBytes: Number(p.sizeBytes), freeBytes: Number(p.freeBytes) })),
    }));
  });

import { z } from "zod";
import { viewerProcedure } from "../../trpc";

export const ZStoragePoolOutput = z.object({ id: z.string(), agent: z.string(), name: z.string(), ref: z.string(), driver: z.string(), mountpoint: z.string(), sizeBytes: z.number(), freeBytes: z.number(), connected: z.boolean(), updatedAt: z.date(), properties: z.record(z.string(), z.string()) });

export const listStorageRoute = viewerProcedure.output(z.array(ZStoragePoolOutput)).query(async ({ ctx }) => {
  const pools = await ctx.c.db.storagePool.findMany({ include: { agent: true }, orderBy: [{ agent: { name: "asc" } }, { name: "asc" }] });
  return pools.map((p) => ({ id: p.id, agent: p.agent.name, name: p.name, ref: `${p.agent.name}/${p.name}`, driver: p.driver, mountpoint: p.mountpoint, sizeBytes: Number(p.sizeBytes), freeBytes: Number(p.freeBytes), connected: p.agent.connected, updatedAt: p.updatedAt, properties: (p.properties ?? {}) as Record<string, string> }));
});

import { z } from "zod";

export const ZAgentOutput = z.object({
  id: z.string(),
  name: z.string(),
  hostname: z.string(),
  roles: z.array(z.string()),
  connected: z.boolean(),
  coordinatorId: z.string().nullable(),
  version: z.string().nullable(),
  address: z.string().nullable(),
  lastSeenAt: z.date().nullable(),
  connectedAt: z.date().nullable(),
  capabilities: z.unknown(),
  discoveredClusters: z.unknown(),
  pools: z.array(z.object({ name: z.string(), driver: z.string(), mountpoint: z.string(), sizeBytes: z.number(), freeBytes: z.number() })),
});
export type TAgentOutput = z.infer<typeof ZAgentOutput>;

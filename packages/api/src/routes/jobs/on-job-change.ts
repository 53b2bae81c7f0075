import { on } from "node:events";
import { z } from "zod";
import type { ChangeEvent } from "../../events/bus";
import { viewerProcedure } from "../../trpc";

/** Live changes (jobs, clusters, clones, agents) for the console: pushed over SSE, no polling. */
export const onChangeRoute = viewerProcedure
  .input(z.object({ entity: z.enum(["job", "cluster", "agent", "clone", "restore-point"]).optional(), id: z.string().optional(), clusterId: z.string().optional() }).default({}))
  .subscription(async function* ({ ctx, input, signal }) {
    for await (const [event] of on(ctx.c.bus, "change", { signal }) as AsyncIterable<[ChangeEvent]>) {
      if (input.entity && event.entity !== input.entity) continue;
      if (input.id && event.id !== input.id) continue;
      if (input.clusterId && event.clusterId && event.clusterId !== input.clusterId) continue;
      yield event;
    }
  });

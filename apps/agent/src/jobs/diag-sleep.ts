// diag.sleep: waits, reporting progress; exercises leases, heartbeats and cancellation.
import { setTimeout as sleep } from "node:timers/promises";
import type { TJobPayload, TJobResult } from "@tideline/protocol";
import { JobError, type JobContext } from "./job-context";

export async function diagSleep(ctx: JobContext, p: TJobPayload<"diag.sleep">): Promise<TJobResult<"diag.sleep">> {
  const steps = Math.max(1, Math.ceil(p.seconds * 4));
  for (let i = 0; i < steps; i++) {
    try {
      await sleep((p.seconds * 1000) / steps, undefined, { signal: ctx.signal });
    } catch {
      throw new JobError("CANCELLED", "cancelled while sleeping");
    }
    ctx.progress((i + 1) / steps);
  }
  return { sleptSeconds: p.seconds, marker: p.marker };
}

// What the inventory learns from a finished job, per kind. A handler may return a reshaped
// result to store, or throw (with a code) to turn the job into a failure.
import { JobKinds } from "@tideline/protocol";
import type { Coordinator } from "../context";
import { AppError } from "../errors";

interface FinishedJob {
  id: string;
  kind: string;
  clusterId: string | null;
  agentId: string;
  payload: unknown;
}

type Handler = (c: Coordinator, job: FinishedJob, result: unknown) => Promise<unknown>;

const handlers: Record<string, Handler> = {
  "cluster.inspect": async (c, job, result) => {
    const r = JobKinds["cluster.inspect"].result.parse(result);
    if (job.clusterId) {
      await c.db.cluster.update({
        where: { id: job.clusterId },
        data: { pgVersion: r.version, systemIdentifier: r.systemIdentifier },
      });
      await c.bus.publish({ entity: "cluster", id: job.clusterId });
    }
    return r;
  },
};

export async function handleJobResult(c: Coordinator, job: FinishedJob, result: unknown): Promise<unknown> {
  const spec = (JobKinds as Record<string, { result: { safeParse: (v: unknown) => { success: boolean; error?: { message: string } } } }>)[job.kind];
  if (spec) {
    const check = spec.result.safeParse(result);
    if (!check.success) throw new AppError("BAD_JOB_RESULT", `the agent's ${job.kind} result does not match the protocol: ${check.error?.message.slice(0, 300)}`);
  }
  const h = handlers[job.kind];
  return h ? h(c, job, result) : result;
}

export function registerResultHandler(kind: string, handler: Handler): void {
  handlers[kind] = handler;
}

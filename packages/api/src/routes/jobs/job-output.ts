// The shape a job has on the API, shared by the job procedures. The payload is the stored one,
// whose secrets were taken out when the job was created (job_secrets); `facts` is what a DBA
// reads on the job page and in `tideline jobs show`.
import { describeJob } from "@tideline/core";
import { z } from "zod";

const ZFact = z.object({ label: z.string(), value: z.string() });

export const ZJobOutput = z.object({
  id: z.string(),
  kind: z.string(),
  agentId: z.string(),
  agentName: z.string(),
  clusterId: z.string().nullable(),
  state: z.enum(["queued", "dispatched", "running", "succeeded", "failed", "cancelled"]),
  attempts: z.number(),
  maxAttempts: z.number(),
  progress: z.number(),
  bytesDone: z.number(),
  bytesTotal: z.number().nullable(),
  payload: z.unknown(),
  result: z.unknown(),
  facts: z.object({ request: z.array(ZFact), outcome: z.array(ZFact) }),
  error: z.object({ code: z.string(), message: z.string() }).passthrough().nullable(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  updatedAt: z.date(),
});
export type TJobOutput = z.infer<typeof ZJobOutput>;

export const ZJobEventOutput = z.object({ id: z.string(), at: z.date(), type: z.string(), level: z.string(), message: z.string(), data: z.unknown() });

interface JobRecord {
  id: string;
  kind: string;
  agentId: string;
  agent: { name: string };
  clusterId: string | null;
  state: string;
  attempts: number;
  maxAttempts: number;
  progress: number;
  bytesDone: bigint;
  bytesTotal: bigint | null;
  payload: unknown;
  result: unknown;
  error: unknown;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
}

export function toJobOutput(j: JobRecord): TJobOutput {
  return {
    id: j.id,
    kind: j.kind,
    agentId: j.agentId,
    agentName: j.agent.name,
    clusterId: j.clusterId,
    state: j.state as TJobOutput["state"],
    attempts: j.attempts,
    maxAttempts: j.maxAttempts,
    progress: j.progress,
    bytesDone: Number(j.bytesDone),
    bytesTotal: j.bytesTotal === null ? null : Number(j.bytesTotal),
    payload: j.payload,
    result: j.result,
    facts: describeJob(j.kind, j.payload, j.state === "succeeded" ? j.result : null),
    error: (j.error as TJobOutput["error"]) ?? null,
    createdAt: j.createdAt,
    startedAt: j.startedAt,
    finishedAt: j.finishedAt,
    updatedAt: j.updatedAt,
  };
}

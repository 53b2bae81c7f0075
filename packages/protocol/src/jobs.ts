// Job kinds: the payload each kind carries to the agent and the result it reports back.
// The coordinator validates a payload when the job is created, the agent again when it runs it.
import { z } from "zod";

const ZIdent = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "lowercase letters, digits, - and _ only");

export const ZClusterTarget = z.object({
  pgdata: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  host: z.string().optional(),
});

export const ZClusterInspectResult = z.object({
  pgdata: z.string(),
  port: z.number(),
  version: z.number().int(),
  serverVersion: z.string(),
  systemIdentifier: z.string(),
  inRecovery: z.boolean(),
  timeline: z.number().int(),
  currentLsn: z.string(),
  walLevel: z.string(),
  maxWalSenders: z.number().int(),
  maxReplicationSlots: z.number().int(),
  archiveMode: z.string(),
  dataChecksums: z.boolean(),
  databaseSizeBytes: z.number(),
  databases: z.array(z.string()),
  controlData: z.record(z.string(), z.string()),
});
export type TClusterInspectResult = z.infer<typeof ZClusterInspectResult>;

export const JobKinds = {
  "cluster.inspect": { payload: ZClusterTarget, result: ZClusterInspectResult },
  /** Waits; used to exercise leases and cancellation without touching a cluster. */
  "diag.sleep": {
    payload: z.object({ seconds: z.number().min(0).max(3600), marker: z.string().optional() }),
    result: z.object({ sleptSeconds: z.number(), marker: z.string().optional() }),
  },
} as const satisfies Record<string, { payload: z.ZodType; result: z.ZodType }>;

export type TJobKind = keyof typeof JobKinds;
export const JOB_KIND_NAMES = Object.keys(JobKinds) as TJobKind[];
export const ZJobKind = z.enum(JOB_KIND_NAMES as [TJobKind, ...TJobKind[]]);
export type TJobPayload<K extends TJobKind> = z.infer<(typeof JobKinds)[K]["payload"]>;
export type TJobResult<K extends TJobKind> = z.infer<(typeof JobKinds)[K]["result"]>;

export function parseJobPayload(kind: string, payload: unknown) {
  const spec = (JobKinds as Record<string, { payload: z.ZodType }>)[kind];
  if (!spec) return { success: false as const, error: `unknown job kind ${kind}` };
  const r = spec.payload.safeParse(payload);
  return r.success
    ? { success: true as const, data: r.data }
    : { success: false as const, error: r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
}

export { ZIdent };

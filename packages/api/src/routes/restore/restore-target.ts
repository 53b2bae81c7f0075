// The restore target as the API takes it: a time (explicit time zone), an LSN, a restore point
// name created with pg_create_restore_point, or the latest WAL.
import { z } from "zod";

export const ZRestoreTarget = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("time"), time: z.string().min(1).max(64) }),
  z.object({ kind: z.literal("lsn"), lsn: z.string().regex(/^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/, "an LSN looks like 16/B374D848") }),
  z.object({ kind: z.literal("name"), name: z.string().min(1).max(63) }),
  z.object({ kind: z.literal("latest") }),
]);

export const ZRestoreInput = z.object({ cluster: z.string().min(1), target: ZRestoreTarget, timeline: z.number().int().positive().optional() });

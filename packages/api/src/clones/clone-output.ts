// The shape of a clone on the API. The connection string carries the clone's own password only
// for operators, admins and the clone's owner.
import { z } from "zod";
import type { Caller } from "../context";
import { ZTableRestoreFollowUp } from "../restore/table-restore";

export const ZCloneOutput = z.object({
  id: z.string(),
  cluster: z.string(),
  clusterId: z.string(),
  state: z.string(),
  owner: z.string().nullable(),
  purpose: z.string(),
  target: z.unknown(),
  plan: z.unknown(),
  restorePointId: z.string().nullable(),
  host: z.string().nullable(),
  port: z.number().nullable(),
  connectionString: z.string().nullable(),
  reachedLsn: z.string().nullable(),
  reachedTime: z.date().nullable(),
  seconds: z.number().nullable(),
  expiresAt: z.date().nullable(),
  protected: z.boolean(),
  sizeBytes: z.number(),
  createdAt: z.date(),
  readyAt: z.date().nullable(),
  jobId: z.string().nullable(),
  error: z.unknown(),
  /** A table restore riding on this clone: its tables, the job that loads them, and how it ended. */
  followUp: ZTableRestoreFollowUp.nullable(),
  /** A copy of this clone (clone of a clone). */
  sourceCloneId: z.string().nullable(),
  /** The last time the storage agent saw a client connected. */
  lastActiveAt: z.date().nullable(),
});
export type TCloneOutput = z.infer<typeof ZCloneOutput>;

export interface CloneRow {
  id: string;
  clusterId: string;
  cluster: { name: string };
  state: string;
  ownerId: string | null;
  purpose: string;
  target: unknown;
  plan: unknown;
  restorePointId: string | null;
  host: string | null;
  port: number | null;
  loginUser: string | null;
  loginPassword: string | null;
  reachedLsn: string | null;
  reachedTime: Date | null;
  seconds: number | null;
  expiresAt: Date | null;
  protected: boolean;
  sizeBytes: bigint;
  createdAt: Date;
  readyAt: Date | null;
  jobId: string | null;
  error: unknown;
  followUp: unknown;
  sourceCloneId: string | null;
  lastActiveAt: Date | null;
}

export function toCloneOutput(c: CloneRow, caller: Caller, owners: Map<string, string>): TCloneOutput {
  const maySeePassword = caller.role !== "viewer" || caller.id === c.ownerId;
  const password = maySeePassword && c.loginPassword ? `:${encodeURIComponent(c.loginPassword)}` : "";
  const connectionString =
    c.state === "ready" && c.host && c.port ? `postgresql://${c.loginUser ?? "tideline"}${password}@${c.host}:${c.port}/postgres` : null;
  return {
    id: c.id,
    cluster: c.cluster.name,
    clusterId: c.clusterId,
    state: c.state,
    owner: c.ownerId ? (owners.get(c.ownerId) ?? null) : null,
    purpose: c.purpose,
    target: c.target,
    plan: c.plan,
    restorePointId: c.restorePointId,
    host: c.host,
    port: c.port,
    connectionString,
    reachedLsn: c.reachedLsn,
    reachedTime: c.reachedTime,
    seconds: c.seconds,
    expiresAt: c.expiresAt,
    protected: c.protected,
    sizeBytes: Number(c.sizeBytes),
    createdAt: c.createdAt,
    readyAt: c.readyAt,
    jobId: c.jobId,
    error: c.error,
    followUp: c.followUp ? ZTableRestoreFollowUp.parse(c.followUp) : null,
    sourceCloneId: c.sourceCloneId,
    lastActiveAt: c.lastActiveAt,
  };
}

// Message catalogs by direction. Both the coordinator and the agent import these and validate
// every frame against them. Adding a field is backwards compatible (zod strips unknown keys);
// changing a meaning needs a new message type or a PROTOCOL_VERSION bump.
import { z } from "zod";
import { ZFullXid } from "./restore-target";
import { ZWalCatalog } from "./wal-catalog";

export const ZErrorBody = z.object({
  code: z.string().min(1).max(64),
  message: z.string().max(4000),
  details: z.unknown().optional(),
});
export type TErrorBody = z.infer<typeof ZErrorBody>;

export const ZRole = z.enum(["database", "storage"]);

export const ZDiscoveredCluster = z.object({
  pgdata: z.string(),
  port: z.number().int().nullable(),
  version: z.number().int().nullable(),
  systemIdentifier: z.string().nullable(),
  role: z.enum(["primary", "standby", "unknown"]),
  running: z.boolean(),
  socketDir: z.string().nullable().optional(),
});
export type TDiscoveredCluster = z.infer<typeof ZDiscoveredCluster>;

export const ZPoolInfo = z.object({
  name: z.string(),
  driver: z.enum(["zfs", "directory", "btrfs"]),
  mountpoint: z.string(),
  sizeBytes: z.number(),
  freeBytes: z.number(),
  health: z.string().optional(),
  /** What compression achieved on the pool's tideline datasets (logical / stored), where the driver can tell. */
  compressRatio: z.number().positive().optional(),
});
export type TPoolInfo = z.infer<typeof ZPoolInfo>;

export const ZCapabilities = z.object({
  postgresVersions: z.array(z.number().int()),
  postgresBinDirs: z.record(z.string(), z.string()).default({}),
  zfs: z.boolean(),
  zpool: z.boolean(),
  pools: z.array(ZPoolInfo).default([]),
  serviceUser: z.string().nullable().default(null),
  platform: z.string(),
  arch: z.string(),
});
export type TCapabilities = z.infer<typeof ZCapabilities>;

const ZJobId = z.string().min(1).max(64);

/** Frames the agent sends. */
export const AgentToCoordinator = {
  ENROLL: z.object({ token: z.string().min(16).max(200), hostname: z.string().min(1).max(253), name: z.string().min(1).max(63).optional() }),
  HELLO: z.object({
    agentId: z.string().min(1).max(64),
    secret: z.string().min(16).max(200),
    hostname: z.string().min(1).max(253),
    version: z.string().max(64),
    roles: z.array(ZRole),
    capabilities: ZCapabilities,
    clusters: z.array(ZDiscoveredCluster),
    runningJobs: z.array(ZJobId),
    address: z.string().max(253).optional(),
  }),
  HEARTBEAT: z.object({ runningJobs: z.array(ZJobId), at: z.string() }),
  INVENTORY: z.object({ clusters: z.array(ZDiscoveredCluster), pools: z.array(ZPoolInfo) }),
  /** Storage agent, every few seconds per protected cluster: streaming, replica, WAL catalog, space. */
  CLUSTER_STATUS: z.object({
    clusterId: z.string().min(1),
    at: z.string(),
    wal: z.object({
      state: z.enum(["streaming", "starting", "restarting", "error", "stopped"]),
      error: ZErrorBody.nullable(),
      flushLsn: z.string().nullable(),
      primaryLsn: z.string().nullable(),
      lagBytes: z.number().nullable(),
      lagSeconds: z.number().nullable(),
      slot: z.object({ name: z.string(), active: z.boolean().nullable(), restartLsn: z.string().nullable() }).nullable(),
      restarts: z.number().int(),
    }),
    replica: z
      .object({
        running: z.boolean(),
        port: z.number().int().nullable(),
        replayLsn: z.string().nullable(),
        replayTime: z.string().nullable(),
        lagBytes: z.number().nullable(),
        /** The first transaction id the replica has not seen complete (xid8 as text): the archive's xid horizon. */
        nextXid: ZFullXid.nullable().optional(),
      })
      .nullable(),
    /** Per timeline, the archived range and its gaps (packages/core computes it). */
    catalog: ZWalCatalog,
    histories: z.record(z.string(), z.string()),
    namedPoints: z.array(z.object({ name: z.string(), lsn: z.string(), timeline: z.number().int(), time: z.string().nullable() })),
    spaceUsedBytes: z.number().nullable(),
    problems: z.array(z.object({ code: z.string(), message: z.string(), fix: z.string().optional() })),
    /** The cluster's running clones: space each holds (it grows as the clone is written) and its client connections now. */
    clones: z.array(z.object({ cloneId: z.string(), usedBytes: z.number(), connections: z.number().int() })).optional(),
    /** Space each restore point's snapshot holds alone; it grows as the replica moves on. */
    snapshotSizes: z.array(z.object({ dataset: z.string(), snapshot: z.string(), usedBytes: z.number() })).optional(),
  }),
  JOB_ACCEPTED: z.object({ jobId: ZJobId, attempt: z.number().int().positive() }),
  JOB_REJECTED: z.object({ jobId: ZJobId, attempt: z.number().int().positive(), error: ZErrorBody }),
  JOB_PROGRESS: z.object({
    jobId: ZJobId,
    progress: z.number().min(0).max(1),
    bytesDone: z.number().nonnegative().optional(),
    bytesTotal: z.number().nonnegative().optional(),
    message: z.string().max(500).optional(),
  }),
  JOB_LOG: z.object({
    jobId: ZJobId,
    level: z.enum(["debug", "info", "warn", "error"]),
    message: z.string().max(8000),
    data: z.unknown().optional(),
  }),
  JOB_RESULT: z.discriminatedUnion("ok", [
    z.object({ jobId: ZJobId, attempt: z.number().int().positive(), ok: z.literal(true), result: z.unknown() }),
    z.object({ jobId: ZJobId, attempt: z.number().int().positive(), ok: z.literal(false), error: ZErrorBody }),
  ]),
  ERROR: ZErrorBody,
} as const;

/** Frames the coordinator sends. */
export const CoordinatorToAgent = {
  ENROLLED: z.object({ agentId: z.string(), name: z.string(), secret: z.string().min(16) }),
  WELCOME: z.object({ coordinatorId: z.string(), agentId: z.string(), heartbeatIntervalMs: z.number().int().positive(), leaseMs: z.number().int().positive() }),
  JOB_DISPATCH: z.object({
    jobId: ZJobId,
    attempt: z.number().int().positive(),
    kind: z.string(),
    payload: z.unknown(),
    idempotencyKey: z.string(),
    leaseMs: z.number().int().positive(),
  }),
  JOB_CANCEL: z.object({ jobId: ZJobId, reason: z.string().max(500) }),
  ERROR: ZErrorBody,
} as const;

export type TAgentMessage = import("./envelope").MessageOf<typeof AgentToCoordinator>;
export type TCoordinatorMessage = import("./envelope").MessageOf<typeof CoordinatorToAgent>;

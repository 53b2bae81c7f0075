// Job kinds: the payload each kind carries to the agent and the result it reports back.
// The coordinator validates a payload when the job is created, the agent again when it runs it.
import { z } from "zod";
import { ZFullXid, ZRecoveryTarget } from "./restore-target";
import { ZWalEventsPayload, ZWalEventsResult } from "./wal-events";

const ZIdent = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "lowercase letters, digits, - and _ only");

/** A PostgreSQL identifier Tideline writes into SQL and command lines: letters, digits, _ and $, at most 63 bytes. */
export const ZSqlName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/, "a plain SQL name: letters, digits, _ and $ (no quotes, dots or ;)");

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

/** Where a protected cluster's primary is, as the storage agent reaches it. */
export const ZPrimary = z.object({
  /** libpq connection string for replication (pg_receivewal, pg_basebackup) and queries. */
  conninfo: z.string().min(1).max(2000),
  port: z.number().int().min(1).max(65535),
  pgdata: z.string().min(1),
  version: z.number().int().nullable(),
});

export const ZPoolRef = z.object({ name: z.string().min(1).max(200), driver: z.enum(["zfs", "directory", "btrfs"]) });

export const ZProtection = z.object({
  clusterId: z.string().min(1),
  cluster: ZIdent,
  mode: z.enum(["replica", "shared"]),
  primary: ZPrimary,
  pool: ZPoolRef,
  /** Mode shared: the dataset holding the cluster's data directory, and where PGDATA sits inside it. */
  sharedDataset: z.string().optional(),
  compression: z.string().optional(),
  dedup: z.boolean().optional(),
  recordsize: z.string().optional(),
});
export type TProtection = z.infer<typeof ZProtection>;

export const ZRestorePointRecord = z.object({
  kind: z.enum(["snapshot", "base-backup", "shared"]),
  lsn: z.string(),
  /** Where a clone's replay starts: the redo pointer of the checkpoint it recovers from. Null for old points. */
  redoLsn: z.string().nullable().optional(),
  timeline: z.number().int().positive(),
  dataTime: z.string().nullable(),
  sizeBytes: z.number().nonnegative(),
  dataset: z.string(),
  snapshot: z.string(),
  backupLabel: z.string().nullable().optional(),
  tablespaceMap: z.string().nullable().optional(),
  createdAt: z.string(),
  /**
   * The first transaction id (64-bit, with its epoch, as decimal text) that had not completed at
   * this point: a transaction with this id or above commits after it, so recovery from this point
   * meets its commit. Null when not known (old points, base backups).
   */
  nextXid: ZFullXid.nullable().optional(),
});
export type TRestorePointRecord = z.infer<typeof ZRestorePointRecord>;

/** A problem with its fix; a `warning` does not stop protection (absent means error). */
export const ZProblem = z.object({ code: z.string(), message: z.string(), fix: z.string().optional(), severity: z.enum(["error", "warning"]).optional() });
export type TProblem = z.infer<typeof ZProblem>;

/** Which restore point a clone starts from, as the storage agent finds it. */
export const ZCloneSource = z.object({
  restorePointId: z.string(),
  kind: z.enum(["snapshot", "base-backup", "shared"]),
  dataset: z.string(),
  snapshot: z.string(),
  backupLabel: z.string().nullable().optional(),
  tablespaceMap: z.string().nullable().optional(),
});

export const ZCloneSpec = z.object({
  cloneId: z.string().regex(/^[a-z0-9]{6,40}$/),
  clusterId: z.string(),
  cluster: ZIdent,
  source: ZCloneSource,
  recoveryTarget: ZRecoveryTarget,
  timeline: z.number().int().positive(),
  /** The clone's own login: created after promotion. */
  user: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/),
  password: z.string().min(12).max(200),
  /** Expected end of replay, for progress. */
  expectedLsn: z.string().nullable().optional(),
  /** Listen on this port (a clone reset to another moment keeps its address); otherwise one is allocated. */
  port: z.number().int().min(1).max(65535).optional(),
});
export type TCloneSpec = z.infer<typeof ZCloneSpec>;

export const ZCloneResult = z.object({
  cloneId: z.string(),
  dataset: z.string(),
  dataDir: z.string(),
  host: z.string(),
  port: z.number().int(),
  reachedLsn: z.string().nullable(),
  reachedTime: z.string().nullable(),
  seconds: z.number(),
  sizeBytes: z.number(),
});

/**
 * Replication slot names on the primary: one for WAL streaming (also the WAL receiver's
 * application_name, which zero-loss mode puts in synchronous_standby_names), one for the replica.
 */
export function slotNames(cluster: string): { wal: string; replica: string } {
  const c = cluster.replaceAll("-", "_");
  return { wal: `tideline_wal_${c}`, replica: `tideline_replica_${c}` };
}

export const JobKinds = {
  "cluster.inspect": { payload: ZClusterTarget, result: ZClusterInspectResult },
  /** Like `barman check`: every setting that stops Tideline from protecting the cluster, with its fix. */
  "cluster.check": {
    payload: z.object({ primary: ZPrimary, mode: z.enum(["replica", "shared"]) }),
    result: z.object({ ok: z.boolean(), problems: z.array(ZProblem), facts: z.record(z.string(), z.unknown()) }),
  },
  /** Storage agent: datasets, WAL streaming, the shadow replica (or shared-mode setup), first restore point. */
  "cluster.protect": {
    payload: ZProtection,
    result: z.object({ datasets: z.record(z.string(), z.string()), replicaPort: z.number().int().nullable(), restorePoint: ZRestorePointRecord.nullable() }),
  },
  "cluster.unprotect": {
    payload: z.object({ clusterId: z.string(), cluster: ZIdent, destroyData: z.boolean() }),
    result: z.object({ stopped: z.boolean(), destroyed: z.array(z.string()) }),
  },
  /** Storage agent: pause replay, restartpoint, snapshot, resume (or the shared-mode bracket). */
  "restore-point.create": {
    payload: z.object({ clusterId: z.string(), cluster: ZIdent, reason: z.enum(["schedule", "on-demand", "protect", "wal-volume"]) }),
    result: ZRestorePointRecord,
  },
  "backup.base": {
    payload: z.object({ clusterId: z.string(), cluster: ZIdent }),
    result: ZRestorePointRecord,
  },
  /** Storage agent: destroy pruned restore points' snapshots and WAL below the retention bound. */
  "retention.apply": {
    payload: z.object({
      clusterId: z.string(),
      cluster: ZIdent,
      restorePoints: z.array(z.object({ id: z.string(), dataset: z.string(), snapshot: z.string() })),
      walPruneBefore: z.record(z.string(), z.string()),
    }),
    result: z.object({ destroyed: z.array(z.string()), kept: z.array(z.object({ id: z.string(), reason: z.string() })), walFilesRemoved: z.number().int() }),
  },
  /** Storage agent: ZFS clone of a restore point, recovered to the target and promoted. */
  "clone.create": { payload: ZCloneSpec, result: ZCloneResult },
  /** Storage agent: a new clone from another clone's current data (its own changes included). */
  "clone.copy": {
    payload: z.object({
      cloneId: z.string().regex(/^[a-z0-9]{6,40}$/),
      sourceCloneId: z.string().regex(/^[a-z0-9]{6,40}$/),
      cluster: ZIdent,
      user: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/),
      password: z.string().min(12).max(200),
    }),
    result: ZCloneResult,
  },
  "clone.destroy": {
    payload: z.object({ cloneId: z.string().regex(/^[a-z0-9]{6,40}$/), cluster: ZIdent }),
    result: z.object({ destroyed: z.boolean() }),
  },
  /** Restore drill: clone a recent point, prove it (connect, pg_amcheck, a SQL check), destroy it. */
  "drill.run": {
    payload: ZCloneSpec.extend({
      sql: z.string().max(10_000).nullable(),
      expected: z.string().max(10_000).nullable(),
      amcheck: z.boolean(),
    }),
    result: z.object({
      passed: z.boolean(),
      checks: z.array(z.object({ name: z.string(), passed: z.boolean(), seconds: z.number(), detail: z.string() })),
      secondsToReady: z.number(),
      reachedLsn: z.string().nullable(),
      reachedTime: z.string().nullable(),
    }),
  },
  /** Disaster recovery: a full copy of a restore point into an empty data directory, recovered to the target. */
  "restore.dr": {
    payload: ZCloneSpec.extend({
      targetDir: z.string().min(2),
      port: z.number().int().min(1).max(65535),
      action: z.enum(["promote", "pause"]),
    }),
    result: z.object({ dataDir: z.string(), port: z.number().int(), reachedLsn: z.string().nullable(), reachedTime: z.string().nullable(), seconds: z.number(), bytesCopied: z.number() }),
  },
  /**
   * Database agent: tables (or a whole database) from a clone at the target, loaded into the
   * running primary under new names; never over an existing table or database unless `replace`.
   */
  "table.restore": {
    payload: z.object({
      cloneId: z.string(),
      clusterId: z.string(),
      cluster: ZIdent,
      /** The primary, on this agent's host (local socket, as the service user). */
      primary: z.object({ pgdata: z.string(), port: z.number().int(), version: z.number().int().nullable() }),
      /** The clone, reached over the network with its own login (the password is a job secret). */
      source: z.object({ host: z.string(), port: z.number().int(), user: z.string(), password: z.string().min(12).max(200) }),
      /** The database the tables are in (and are loaded into, unless `intoDatabase`). */
      database: ZSqlName,
      tables: z.array(z.object({ schema: ZSqlName, name: ZSqlName, intoSchema: ZSqlName, intoName: ZSqlName })).max(100),
      /** A whole database instead of tables: restored as `intoDatabase`. */
      wholeDatabase: z.boolean(),
      intoDatabase: ZSqlName,
      replace: z.boolean(),
    }),
    result: z.object({
      tables: z.array(z.object({ from: z.string(), into: z.string(), rows: z.number().int() })),
      database: z.string(),
      bytes: z.number(),
      seconds: z.number(),
    }),
  },
  /**
   * Database agent: zero-loss mode on or off — Tideline's WAL receiver (its application_name) in
   * the primary's synchronous_standby_names, or out of it.
   */
  "cluster.synchronous": {
    payload: z.object({
      clusterId: z.string(),
      cluster: ZIdent,
      primary: z.object({ pgdata: z.string(), port: z.number().int(), version: z.number().int().nullable() }),
      applicationName: ZSqlName,
      enable: z.boolean(),
    }),
    result: z.object({ before: z.string(), after: z.string(), changed: z.boolean() }),
  },
  /** Storage agent: dataset properties of a pool's tideline root, inherited by every cluster's datasets. */
  "storage.configure": {
    payload: z.object({
      pool: ZPoolRef,
      compression: z.string().regex(/^(on|off|lzjb|lz4|zstd|gzip(-[1-9])?)$/).optional(),
      dedup: z.boolean().optional(),
      recordsize: z.string().regex(/^\d+[KM]?$/).optional(),
    }),
    result: z.object({ dataset: z.string(), properties: z.record(z.string(), z.string()) }),
  },
  /** Storage agent: what the archived WAL says happened in a time range (pg_waldump), to restore to just before it. */
  "wal.events": { payload: ZWalEventsPayload, result: ZWalEventsResult },
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

export function isJobKind(kind: string): kind is TJobKind {
  return Object.hasOwn(JobKinds, kind);
}

export type Parsed<T> = { success: true; data: T } | { success: false; error: string };

// TypeScript cannot follow `JobKinds[kind]` for a generic K; the schema is that kind's, so its
// output is that kind's type.
function parsed<T>(schema: z.ZodType, value: unknown): Parsed<T> {
  const r = schema.safeParse(value);
  return r.success
    ? { success: true, data: r.data as T }
    : { success: false, error: r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
}

/** A job's payload, checked against its kind: where a job is created, and where an agent receives it. */
export function parseJobPayload<K extends TJobKind>(kind: K, payload: unknown): Parsed<TJobPayload<K>> {
  return parsed(JobKinds[kind].payload, payload);
}

/** A job's result, checked against its kind where the coordinator receives it. */
export function parseJobResult<K extends TJobKind>(kind: K, result: unknown): Parsed<TJobResult<K>> {
  return parsed(JobKinds[kind].result, result);
}

export { ZIdent };

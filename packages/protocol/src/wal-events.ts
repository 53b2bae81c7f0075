// What the archived WAL says happened ("find the moment"): one event per finished transaction or
// named restore point, so a DBA can restore to just before a DROP. The storage agent reads them
// with pg_waldump (job `wal.events`); the API, the CLI and the console show them as they are.
import { z } from "zod";

/**
 * - `commit` / `abort`: a transaction ended (COMMIT, ABORT, COMMIT_PREPARED, ABORT_PREPARED).
 * - `drop-relation`: its commit removed a relation's files and statistics (DROP TABLE, DROP INDEX, …).
 * - `truncate`: a TRUNCATE (a Heap TRUNCATE record, written with wal_level = logical).
 * - `rewrite-relation`: its commit removed relation files it had replaced with new ones: TRUNCATE
 *   under wal_level = replica, or a rewrite (VACUUM FULL, CLUSTER, ALTER TABLE … TYPE).
 * - `create-database` / `drop-database`: CREATE DATABASE / DROP DATABASE committed.
 * - `restore-point`: pg_create_restore_point(name); its WAL record carries no time.
 */
export const WAL_EVENT_KINDS = [
  "commit",
  "abort",
  "drop-relation",
  "truncate",
  "rewrite-relation",
  "create-database",
  "drop-database",
  "restore-point",
] as const;
export const ZWalEventKind = z.enum(WAL_EVENT_KINDS);
export type TWalEventKind = z.infer<typeof ZWalEventKind>;

/** The kinds a DBA looks for when something went wrong: highlighted, and kept by `destructiveOnly`. */
export const DESTRUCTIVE_WAL_EVENT_KINDS: readonly TWalEventKind[] = [
  "drop-relation",
  "truncate",
  "rewrite-relation",
  "drop-database",
];

export const ZWalEvent = z.object({
  /** Where the record starts (the commit record for a transaction). */
  lsn: z.string(),
  timeline: z.number().int().positive(),
  /** Commit or abort time (ISO, microseconds); null for a restore point, whose record has none. */
  time: z.string().nullable(),
  /** The 32-bit transaction id in decimal, as pg_waldump and recovery_target_xid take it; null for a restore point. */
  xid: z.string().nullable(),
  kind: ZWalEventKind,
  /** A sentence a DBA reads, e.g. "relation files base/5/16390 removed at commit". */
  detail: z.string(),
  /** Relation files (base/DBOID/RELFILENODE) the commit removed. */
  relations: z.array(z.string()).optional(),
  /** OIDs of the tables the commit dropped or truncated, when the WAL names them. */
  relationOids: z.array(z.string()).optional(),
  /** The database a create-database or drop-database is about (its OID). */
  databaseOid: z.string().optional(),
  /** A restore point's name. */
  name: z.string().optional(),
});
export type TWalEvent = z.infer<typeof ZWalEvent>;

export const ZWalEventsPayload = z.object({
  clusterId: z.string(),
  cluster: z.string(),
  /** ISO times with a zone; the range is inclusive at both ends. */
  from: z.string(),
  to: z.string(),
  limit: z.number().int().min(1).max(10_000),
  /** Only destructive events and restore points (no plain commits and aborts). */
  destructiveOnly: z.boolean(),
});

export const ZWalEventsResult = z.object({
  events: z.array(ZWalEvent),
  /** More events matched than `limit`: the first `limit` (oldest first) are returned. */
  truncated: z.boolean(),
  /** What matched in the WAL read, also what `destructiveOnly` left out; once `truncated`, reading stopped there. */
  counts: z.object({
    commits: z.number().int(),
    aborts: z.number().int(),
    destructive: z.number().int(),
    restorePoints: z.number().int(),
  }),
  /** WAL files read with pg_waldump. */
  filesRead: z.number().int(),
  /** The archive holds no WAL after this time: a later `to` finds nothing more yet. */
  archiveEnd: z.string().nullable(),
});
export type TWalEventsResult = z.infer<typeof ZWalEventsResult>;

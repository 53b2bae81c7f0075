// cluster.inspect: what pg_controldata and the running server say about a cluster.
import type { TJobPayload, TJobResult } from "@tideline/protocol";
import { controlData, readPgVersion, readPostmasterPid } from "../pg/postmaster";
import { psqlRows, QueryError } from "../pg/psql";
import { JobError, type JobContext } from "./job-context";

export async function inspectCluster(ctx: JobContext, p: TJobPayload<"cluster.inspect">): Promise<TJobResult<"cluster.inspect">> {
  const version = await readPgVersion(p.pgdata);
  if (!version) throw new JobError("NOT_A_DATA_DIRECTORY", `${p.pgdata} is not a PostgreSQL data directory (no PG_VERSION)`);
  ctx.progress(0.2, { message: "reading pg_controldata" });
  const control = await controlData(p.pgdata, version);
  const pm = await readPostmasterPid(p.pgdata);
  if (!pm) throw new JobError("CLUSTER_NOT_RUNNING", `the cluster in ${p.pgdata} is not running (no live postmaster.pid)`);
  if (pm.port !== p.port) ctx.log("warn", `the cluster listens on port ${pm.port}, not ${p.port}; using ${pm.port}`);
  ctx.progress(0.5, { message: "querying the server" });
  try {
    const [facts] = await psqlRows<{
      server_version: string;
      in_recovery: boolean;
      lsn: string;
      wal_level: string;
      max_wal_senders: string;
      max_replication_slots: string;
      archive_mode: string;
      checksums: string;
      size: string;
      databases: string[];
    }>({ port: pm.port, host: p.host ?? pm.socketDir ?? undefined, binDir: undefined }, `
      SELECT current_setting('server_version') AS server_version, pg_is_in_recovery() AS in_recovery,
             (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END)::text AS lsn,
             current_setting('wal_level') AS wal_level, current_setting('max_wal_senders') AS max_wal_senders,
             current_setting('max_replication_slots') AS max_replication_slots, current_setting('archive_mode') AS archive_mode,
             current_setting('data_checksums') AS checksums,
             (SELECT sum(pg_database_size(oid)) FROM pg_database)::text AS size,
             (SELECT array_agg(datname ORDER BY datname) FROM pg_database WHERE datallowconn) AS databases`);
    if (!facts) throw new JobError("QUERY_FAILED", "the server returned no facts");
    ctx.progress(1, { message: "done" });
    return {
      pgdata: p.pgdata,
      port: pm.port,
      version,
      serverVersion: facts.server_version,
      systemIdentifier: control["Database system identifier"] ?? "",
      inRecovery: facts.in_recovery,
      timeline: Number(control["Latest checkpoint's TimeLineID"] ?? 0),
      currentLsn: facts.lsn ?? "0/0",
      walLevel: facts.wal_level,
      maxWalSenders: Number(facts.max_wal_senders),
      maxReplicationSlots: Number(facts.max_replication_slots),
      archiveMode: facts.archive_mode,
      dataChecksums: facts.checksums === "on",
      databaseSizeBytes: Number(facts.size),
      databases: facts.databases,
      controlData: control,
    };
  } catch (err) {
    if (err instanceof QueryError) throw new JobError(err.code, err.message);
    throw err;
  }
}

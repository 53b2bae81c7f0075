// cluster.check, run by the storage agent because it is the one that connects: every setting that
// would stop WAL streaming or the shadow replica, each with the exact change to make (barman check).
import type { TJobPayload, TJobResult, TProblem } from "@tideline/protocol";
import { findBinDirs } from "@tideline/postgres";
import { psqlRows, type QueryError } from "../pg/psql";
import { CAN_CHECKPOINT_SQL, type CheckpointRight, checkpointProblem } from "../protection/checkpoint";
import { withParam } from "../protection/config";
import type { JobContext } from "./job-context";

export async function checkCluster(ctx: JobContext, p: TJobPayload<"cluster.check">): Promise<TJobResult<"cluster.check">> {
  const problems: TProblem[] = [];
  const facts: Record<string, unknown> = {};
  let s: Record<string, string> = {};
  try {
    const rows = await psqlRows<{ name: string; setting: string }>(
      { conninfo: p.primary.conninfo },
      "SELECT name, setting FROM pg_settings WHERE name IN ('wal_level','max_wal_senders','max_replication_slots','server_version_num','full_page_writes','wal_segment_size','hot_standby')",
      { timeoutMs: 15_000 },
    );
    s = Object.fromEntries(rows.map((r) => [r.name, r.setting]));
    const [usage] = await psqlRows<{ senders: number; slots: number; recovery: boolean }>(
      { conninfo: p.primary.conninfo },
      "SELECT (SELECT count(*) FROM pg_stat_replication)::int AS senders, (SELECT count(*) FROM pg_replication_slots)::int AS slots, pg_is_in_recovery() AS recovery",
    );
    Object.assign(facts, s, usage);
    if (!["replica", "logical"].includes(s.wal_level ?? "")) {
      problems.push({ code: "WAL_LEVEL", message: `wal_level is ${s.wal_level}; WAL streaming needs replica or logical`, fix: "ALTER SYSTEM SET wal_level = 'replica'; then restart PostgreSQL" });
    }
    const senders = Number(s.max_wal_senders ?? 0);
    if (senders - (usage?.senders ?? 0) < 2) {
      problems.push({ code: "MAX_WAL_SENDERS", message: `max_wal_senders is ${senders} with ${usage?.senders ?? 0} in use; Tideline needs 2 more (WAL stream and replica)`, fix: `ALTER SYSTEM SET max_wal_senders = ${(usage?.senders ?? 0) + 4}; then restart PostgreSQL` });
    }
    const slots = Number(s.max_replication_slots ?? 0);
    if (slots - (usage?.slots ?? 0) < 2) {
      problems.push({ code: "MAX_REPLICATION_SLOTS", message: `max_replication_slots is ${slots} with ${usage?.slots ?? 0} in use; Tideline needs 2`, fix: `ALTER SYSTEM SET max_replication_slots = ${(usage?.slots ?? 0) + 4}; then restart PostgreSQL` });
    }
    if (p.mode === "replica") {
      // restore points ask the primary for an immediate checkpoint; without the right they still
      // work, but every clone replays from the primary's last timed checkpoint (a warning)
      const [right] = await psqlRows<CheckpointRight>({ conninfo: p.primary.conninfo }, CAN_CHECKPOINT_SQL);
      if (right) facts.canCheckpoint = right.can;
      if (right && !right.can) problems.push(checkpointProblem(right));
    }
    if (s.full_page_writes === "off") problems.push({ code: "FULL_PAGE_WRITES", message: "full_page_writes is off: restores from snapshots may be torn", fix: "ALTER SYSTEM SET full_page_writes = on; SELECT pg_reload_conf();" });
    const major = Math.floor(Number(s.server_version_num ?? 0) / 10000);
    if (major && !findBinDirs()[major]) {
      problems.push({ code: "POSTGRES_VERSION_MISSING", message: `the primary runs PostgreSQL ${major} but this storage host has no PostgreSQL ${major} binaries`, fix: `apt-get install postgresql-${major} on the storage host` });
    }
  } catch (err) {
    const e = err as QueryError;
    problems.push({
      code: e.code === "AUTH_FAILED" ? "AUTH_FAILED" : "PRIMARY_UNREACHABLE",
      message: `cannot connect to the primary with the given conninfo: ${e.message}`,
      fix: e.code === "AUTH_FAILED" ? "check the user and password in --replication-conninfo, and pg_hba.conf" : "check host/port in --replication-conninfo and that the primary accepts TCP connections from the storage host",
    });
  }
  // a replication connection, exactly as pg_receivewal will make it
  if (!problems.some((x) => x.code === "PRIMARY_UNREACHABLE" || x.code === "AUTH_FAILED")) {
    try {
      await psqlRows({ conninfo: withParam(p.primary.conninfo, "replication", "database") }, "SELECT 1 AS ok", { timeoutMs: 15_000 });
    } catch (err) {
      problems.push({
        code: "REPLICATION_ACCESS",
        message: `the primary refuses replication connections for this user: ${(err as Error).message.slice(0, 300)}`,
        fix: "add `host replication <user> <storage host>/32 scram-sha-256` to pg_hba.conf (or `local replication` for a local socket), give the user REPLICATION, then SELECT pg_reload_conf();",
      });
    }
  }
  const blocking = problems.filter((x) => x.severity !== "warning");
  ctx.progress(1, { message: problems.length ? `${blocking.length} problem(s), ${problems.length - blocking.length} warning(s)` : "all checks passed" });
  for (const x of problems) ctx.log("warn", `${x.code}: ${x.message}${x.fix ? ` — fix: ${x.fix}` : ""}`);
  return { ok: blocking.length === 0, problems, facts };
}

// cluster.synchronous (database agent): zero-loss mode. Tideline's WAL receiver runs
// pg_receivewal --synchronous under its own application_name; with that name in the primary's
// synchronous_standby_names, a commit returns only once its WAL is fsynced on the storage host.
// A setting that already names other standbys is the DBA's to combine: refused, with the setting
// to use. Applied with ALTER SYSTEM and a reload, as the service user over the local socket.
import type { TJobPayload, TJobResult } from "@tideline/protocol";
import { findBinDir } from "@tideline/postgres";
import { readPostmasterPid } from "../pg/postmaster";
import { psqlExec, psqlRows, QueryError, sqlLiteral } from "../pg/psql";
import { JobError, type JobContext } from "./job-context";

/** The standby names a synchronous_standby_names value lists ("FIRST 1 (a, b)", "ANY 2 (a,b,c)", "a, b", "*"). */
export function standbyNames(setting: string): string[] {
  const inner = /\(([^)]*)\)/.exec(setting)?.[1] ?? setting;
  return inner
    .split(",")
    .map((n) => n.trim().replace(/^"(.*)"$/, "$1"))
    .filter(Boolean);
}

/** What synchronous_standby_names becomes, or why Tideline leaves it to the DBA. */
export function nextStandbyNames(
  current: string,
  app: string,
  enable: boolean,
): { value: string } | { refuse: string } {
  const names = standbyNames(current);
  const ours = names.includes(app);
  if (enable) {
    if (ours) return { value: current };
    if (names.length === 0) return { value: app };
    return {
      refuse: `synchronous_standby_names is ${JSON.stringify(current)}; add Tideline's receiver yourself, e.g. ALTER SYSTEM SET synchronous_standby_names = 'ANY 1 (${[...names, app].join(", ")})'; SELECT pg_reload_conf();`,
    };
  }
  if (!ours) return { value: current };
  if (names.length === 1) return { value: "" };
  const rest = names.filter((n) => n !== app);
  return {
    refuse: `synchronous_standby_names is ${JSON.stringify(current)}; take Tideline's receiver out yourself, e.g. ALTER SYSTEM SET synchronous_standby_names = '${rest.join(", ")}'; SELECT pg_reload_conf();`,
  };
}

export async function setSynchronous(
  ctx: JobContext,
  p: TJobPayload<"cluster.synchronous">,
): Promise<TJobResult<"cluster.synchronous">> {
  const pm = await readPostmasterPid(p.primary.pgdata);
  if (!pm) throw new JobError("CLUSTER_NOT_RUNNING", `the primary in ${p.primary.pgdata} is not running`);
  const t = {
    port: pm.port,
    host: pm.socketDir ?? undefined,
    binDir: findBinDir(p.primary.version ?? undefined),
  };
  const [row] = await psqlRows<{ v: string }>(t, "SELECT current_setting('synchronous_standby_names') AS v");
  const before = row?.v ?? "";
  const next = nextStandbyNames(before, p.applicationName, p.enable);
  if ("refuse" in next) throw new JobError("SYNCHRONOUS_NAMES_IN_USE", next.refuse);
  if (next.value === before) return { before, after: before, changed: false };
  try {
    await psqlExec(t, `ALTER SYSTEM SET synchronous_standby_names = ${sqlLiteral(next.value)}`);
    await psqlExec(t, "SELECT pg_reload_conf()");
  } catch (err) {
    const why = err instanceof QueryError ? err.message : (err as Error).message;
    throw new JobError(
      "SYNCHRONOUS_NOT_ALLOWED",
      `Tideline could not change synchronous_standby_names (${why}); set it yourself: ALTER SYSTEM SET synchronous_standby_names = ${sqlLiteral(next.value)}; SELECT pg_reload_conf();`,
    );
  }
  ctx.log("info", `synchronous_standby_names: ${JSON.stringify(before)} → ${JSON.stringify(next.value)}`);
  return { before, after: next.value, changed: true };
}

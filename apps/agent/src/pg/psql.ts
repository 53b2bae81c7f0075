// Queries against a local cluster through `psql` run as the service user: this works with
// Debian's default `peer` authentication, which a root process connecting itself could not pass.
// Rows come back as JSON, one per line.
import path from "node:path";
import { asServiceUser, findBinDir, resolveServiceUser, run } from "@tideline/postgres";

export interface LocalTarget {
  /** A libpq connection string; when given, port/host/user/database are not used. */
  conninfo?: string;
  port?: number;
  host?: string; // a socket directory or a host name
  binDir?: string;
  database?: string;
  user?: string;
  /** Given to libpq through PGPASSWORD, never on a command line. */
  password?: string;
}

/** A client program's environment (`base`, the service user's): plus PGPASSWORD when the target has a password. */
export function clientEnv(t: Pick<LocalTarget, "password">, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return t.password ? { ...base, PGPASSWORD: t.password } : base;
}

/** How client programs run: as the service user (peer authentication), with the target's password if any. */
function asClient(t: LocalTarget) {
  const svc = asServiceUser(resolveServiceUser());
  return { ...svc, env: clientEnv(t, svc.env) };
}

export class QueryError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export async function psqlRows<T = Record<string, unknown>>(t: LocalTarget, sql: string, opts: { timeoutMs?: number } = {}): Promise<T[]> {
  const bin = path.join(t.binDir ?? findBinDir(), "psql");
  const wrapped = `SELECT row_to_json(q)::text FROM (${sql.trim().replace(/;$/, "")}) q`;
  const args = ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", ...connArgs(t), "-c", wrapped];
  const r = await run(bin, args, { ...asClient(t), timeoutMs: opts.timeoutMs ?? 60_000, allowFail: true });
  if (r.code !== 0) throw classify(r.stderr);
  return r.stdout
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

/**
 * Statements that return nothing useful (CHECKPOINT, SET …). `secret`: the statement holds a
 * password, so it goes to psql on standard input, never on a command line that `ps` shows.
 */
export async function psqlExec(t: LocalTarget, sql: string, opts: { timeoutMs?: number; secret?: boolean } = {}): Promise<void> {
  const bin = path.join(t.binDir ?? findBinDir(), "psql");
  const args = ["-X", "-q", "-v", "ON_ERROR_STOP=1", ...connArgs(t), ...(opts.secret ? ["-f", "-"] : ["-c", sql])];
  const r = await run(bin, args, {
    ...asClient(t),
    timeoutMs: opts.timeoutMs ?? 300_000,
    allowFail: true,
    ...(opts.secret ? { input: sql } : {}),
  });
  if (r.code !== 0) throw classify(r.stderr);
}

export function connArgs(t: LocalTarget): string[] {
  if (t.conninfo) return ["-d", t.conninfo];
  const args = ["-p", String(t.port ?? 5432), "-d", t.database ?? "postgres", "-U", t.user ?? "postgres"];
  if (t.password) args.push("-w"); // never prompt: the password comes from PGPASSWORD
  if (t.host) args.push("-h", t.host);
  return args;
}

/** A quoted SQL literal, for the few values (slot names, labels) we must inline. */
export function sqlLiteral(v: string): string {
  return `'${v.replaceAll("'", "''")}'`;
}

export function classify(stderr: string): QueryError {
  const msg = stderr.trim().split("\n").slice(-3).join(" ").slice(0, 1000);
  if (/password authentication failed|no password supplied|Peer authentication failed|no pg_hba.conf entry/i.test(msg)) return new QueryError("AUTH_FAILED", msg);
  if (/could not connect|No such file or directory|Connection refused|is the server running/i.test(msg)) return new QueryError("CLUSTER_UNREACHABLE", msg);
  return new QueryError("QUERY_FAILED", msg);
}

// Local PostgreSQL clusters: initdb, start, stop, connect. Used by `tideline start` for its
// inventory, by agents for replicas and clones, and by tests for the clusters they protect.
import { existsSync } from "node:fs";
import { appendFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { findBinDir } from "./bin";
import { run } from "./exec";
import { asServiceUser, chownToServiceUser, resolveServiceUser, type ServiceUser } from "./service-user";

export interface LocalCluster {
  pgdata: string;
  port: number;
  socketDir: string;
  binDir: string;
  user: ServiceUser | null;
}

export interface InitOptions {
  pgdata: string;
  port: number;
  socketDir?: string;
  binDir?: string;
  /** Extra postgresql.conf lines (key → value, values quoted as needed by the caller). */
  settings?: Record<string, string | number>;
  /** `trust` for local test clusters; `scram-sha-256` with a password for the inventory. */
  auth?: { method: "trust" } | { method: "scram-sha-256"; superPassword: string };
  listenAddresses?: string;
  superuser?: string;
}

export async function initCluster(opts: InitOptions): Promise<LocalCluster> {
  const user = resolveServiceUser();
  const binDir = opts.binDir ?? findBinDir();
  const socketDir = opts.socketDir ?? opts.pgdata;
  const parent = path.dirname(opts.pgdata);
  await mkdir(parent, { recursive: true });
  await mkdir(opts.pgdata, { recursive: true, mode: 0o700 });
  await chownToServiceUser(opts.pgdata, user);
  if (socketDir !== opts.pgdata) {
    await mkdir(socketDir, { recursive: true });
    await chownToServiceUser(socketDir, user);
  }
  const args = ["-D", opts.pgdata, "--no-instructions", "-E", "UTF8", "--locale=C", "-U", opts.superuser ?? "postgres"];
  const auth = opts.auth ?? { method: "trust" };
  let pwfile: string | null = null;
  if (auth.method === "scram-sha-256") {
    pwfile = path.join(opts.pgdata, "..", `.pwfile-${process.pid}`);
    await writeFile(pwfile, `${auth.superPassword}\n`, { mode: 0o600 });
    await chownToServiceUser(pwfile, user);
    args.push("--auth-local=scram-sha-256", "--auth-host=scram-sha-256", `--pwfile=${pwfile}`);
  } else {
    args.push("-A", "trust");
  }
  try {
    await run(path.join(binDir, "initdb"), args, { ...asServiceUser(user) });
  } finally {
    if (pwfile) await rm(pwfile, { force: true });
  }
  const conf: Record<string, string | number> = {
    port: opts.port,
    listen_addresses: `'${opts.listenAddresses ?? "127.0.0.1"}'`,
    unix_socket_directories: `'${socketDir}'`,
    ...opts.settings,
  };
  await appendFile(
    path.join(opts.pgdata, "postgresql.conf"),
    `\n# written by Tideline\n${Object.entries(conf).map(([k, v]) => `${k} = ${v}`).join("\n")}\n`,
  );
  return { pgdata: opts.pgdata, port: opts.port, socketDir, binDir, user };
}

/** Describe an existing data directory (port read from postgresql.conf/auto.conf). */
export async function openCluster(pgdata: string, opts: { binDir?: string; port?: number; socketDir?: string } = {}): Promise<LocalCluster> {
  const user = resolveServiceUser();
  let port = opts.port;
  let socketDir = opts.socketDir;
  for (const f of ["postgresql.conf", "postgresql.auto.conf"]) {
    const p = path.join(pgdata, f);
    if (!existsSync(p)) continue;
    const text = await readFile(p, "utf8");
    for (const m of text.matchAll(/^\s*port\s*=\s*'?(\d+)'?/gm)) if (!opts.port) port = Number(m[1]);
    for (const m of text.matchAll(/^\s*unix_socket_directories\s*=\s*'([^',]+)/gm)) if (!opts.socketDir) socketDir = m[1];
  }
  return { pgdata, port: port ?? 5432, socketDir: socketDir ?? "/var/run/postgresql", binDir: opts.binDir ?? findBinDir(), user };
}

export async function startCluster(c: LocalCluster, opts: { logFile?: string; timeoutSec?: number } = {}): Promise<void> {
  const logFile = opts.logFile ?? path.join(c.pgdata, "..", `${path.basename(c.pgdata)}.log`);
  if (!existsSync(logFile)) {
    await writeFile(logFile, "");
    await chownToServiceUser(logFile, c.user);
  }
  await run(path.join(c.binDir, "pg_ctl"), ["-D", c.pgdata, "-l", logFile, "-w", "-t", String(opts.timeoutSec ?? 60), "start"], {
    ...asServiceUser(c.user),
  });
}

export async function stopCluster(c: Pick<LocalCluster, "pgdata" | "binDir" | "user">, mode: "smart" | "fast" | "immediate" = "fast"): Promise<void> {
  if (!existsSync(path.join(c.pgdata, "postmaster.pid"))) return;
  await run(path.join(c.binDir, "pg_ctl"), ["-D", c.pgdata, "-m", mode, "-w", "-t", "60", "stop"], {
    ...asServiceUser(c.user),
    allowFail: true,
  });
}

export async function isClusterRunning(c: Pick<LocalCluster, "pgdata" | "binDir" | "user">): Promise<boolean> {
  const r = await run(path.join(c.binDir, "pg_ctl"), ["-D", c.pgdata, "status"], { ...asServiceUser(c.user), allowFail: true });
  return r.code === 0;
}

/** A pg client over the cluster's unix socket as the superuser (trust/peer-less local clusters). */
export function localClient(c: Pick<LocalCluster, "socketDir" | "port">, opts: { database?: string; user?: string; password?: string } = {}): pg.Client {
  return new pg.Client({ host: c.socketDir, port: c.port, user: opts.user ?? "postgres", database: opts.database ?? "postgres", password: opts.password });
}

export async function query<T extends pg.QueryResultRow = pg.QueryResultRow>(
  c: Pick<LocalCluster, "socketDir" | "port">,
  sql: string,
  params: unknown[] = [],
  opts: { database?: string } = {},
): Promise<T[]> {
  const client = localClient(c, opts);
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

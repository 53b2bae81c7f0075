// `tideline start`: the embedded default. Without DATABASE_URL it runs a private inventory
// PostgreSQL in the data folder (as the service user when we are root), applies migrations,
// starts the coordinator (in this process), the console and a local agent (child processes),
// prints where to sign in, and stops everything cleanly on Ctrl-C. A second start reuses it all.
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createCliToken, createEnrollmentTokenDirect, createLogger, ensureAdmin } from "@tideline/api";
import { startCoordinator } from "@tideline/coordinator";
import { createDb, migrate } from "@tideline/db";
import { asServiceUser, chownToServiceUser, freePort, initCluster, isPortFree, openCluster, query, resolveServiceUser, run, startCluster, stopCluster, type LocalCluster } from "@tideline/postgres";
import { instanceFile, type LocalInstance, readInstance } from "../connection";
import { btrfsUnavailable, LOCAL_BTRFS_LABEL, mountLocalBtrfs } from "./local-btrfs";
import { CliError } from "../output";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");

export interface StartOptions {
  dataDir?: string;
  consolePort?: number;
  coordinatorPort?: number;
  console?: boolean;
  /** A small PostgreSQL cluster with steady writes, for trying Tideline (default on). */
  demo?: boolean;
  /** The local pool on a loop-mounted btrfs file where the kernel has btrfs (default on, as root). */
  btrfs?: boolean;
  /** Serve the coordinator over HTTPS and wss:// with this certificate and key (PEM files). */
  tls?: { certFile: string; keyFile: string };
}

/**
 * The demo cluster: a PostgreSQL cluster in the data folder, ready to be protected (wal_level
 * replica, senders and slots), with a row written every two seconds so the recoverable window
 * visibly moves. The local agent discovers it; the console offers it under "Add cluster".
 */
async function startDemo(dataDir: string, say: (s: string) => void): Promise<{ cluster: LocalCluster; stop: () => Promise<void> }> {
  const pgdata = path.join(dataDir, "demo");
  let cluster: LocalCluster;
  const fresh = !existsSync(path.join(pgdata, "PG_VERSION"));
  if (fresh) {
    say(`creating the demo cluster in ${pgdata}`);
    await rm(pgdata, { recursive: true, force: true });
    cluster = await initCluster({ pgdata, port: await freePort(), socketDir: pgdata, settings: { wal_level: "replica", max_wal_senders: 10, max_replication_slots: 10 } });
  } else {
    cluster = await openCluster(pgdata, { socketDir: pgdata });
    if (existsSync(path.join(pgdata, "postmaster.pid"))) await stopCluster(cluster, "fast");
  }
  if (!(await isPortFree(cluster.port))) cluster = { ...cluster, port: await freePort() };
  await setPort(cluster, cluster.port);
  await startCluster(cluster, { logFile: path.join(dataDir, "logs", "demo.log") });
  if (fresh) {
    await query(cluster, "CREATE TABLE orders (id bigserial PRIMARY KEY, placed_at timestamptz NOT NULL DEFAULT clock_timestamp(), amount numeric(10,2) NOT NULL)");
  }
  const timer = setInterval(() => {
    void query(cluster, "INSERT INTO orders (amount) VALUES (round((random() * 500)::numeric, 2))").catch(() => {});
  }, 2000);
  return {
    cluster,
    stop: async () => {
      clearInterval(timer);
      await stopCluster(cluster, "fast");
    },
  };
}

async function pickPort(wanted: number | undefined, fallback: number): Promise<number> {
  if (wanted !== undefined) {
    if (wanted !== 0 && !(await isPortFree(wanted))) throw new CliError("PORT_IN_USE", `port ${wanted} is in use; pick another one`);
    return wanted || freePort();
  }
  return (await isPortFree(fallback)) ? fallback : freePort();
}

interface InventoryConfig {
  port: number;
  password: string;
}

async function startInventory(dataDir: string, log: (s: string) => void): Promise<{ url: string; cluster: LocalCluster }> {
  const pgdata = path.join(dataDir, "inventory");
  const cfgFile = path.join(dataDir, "inventory.json");
  const user = resolveServiceUser();
  if (user) {
    // the service user must be able to reach the data folder
    const probe = await run("test", ["-x", dataDir], { ...asServiceUser(user), allowFail: true });
    if (probe.code !== 0) throw new CliError("DATA_DIR_UNREACHABLE", `the service user ${user.name} cannot reach ${dataDir}; choose a --data-dir outside a private home folder`);
  }
  let cfg: InventoryConfig;
  let cluster: LocalCluster;
  if (!existsSync(path.join(pgdata, "PG_VERSION"))) {
    cfg = { port: await freePort(), password: randomBytes(18).toString("base64url") };
    log(`creating the inventory database in ${pgdata}`);
    await rm(pgdata, { recursive: true, force: true });
    cluster = await initCluster({ pgdata, port: cfg.port, socketDir: pgdata, auth: { method: "scram-sha-256", superPassword: cfg.password } });
    await writeFile(cfgFile, JSON.stringify(cfg, null, 2), { mode: 0o600 });
  } else {
    cfg = JSON.parse(await readFile(cfgFile, "utf8")) as InventoryConfig;
    cluster = await openCluster(pgdata, { socketDir: pgdata });
    if (existsSync(path.join(pgdata, "postmaster.pid"))) await stopCluster(cluster, "fast"); // a previous start that was killed
    if (!(await isPortFree(cfg.port))) {
      cfg.port = await freePort();
      await writeFile(cfgFile, JSON.stringify(cfg, null, 2), { mode: 0o600 });
    }
    cluster = { ...cluster, port: cfg.port };
  }
  await setPort(cluster, cfg.port);
  await startCluster(cluster, { logFile: path.join(dataDir, "logs", "inventory.log") });
  return { url: `postgresql://postgres:${encodeURIComponent(cfg.password)}@127.0.0.1:${cfg.port}/postgres`, cluster };
}

export async function startTideline(opts: StartOptions): Promise<void> {
  const dataDir = path.resolve(opts.dataDir ?? process.env.TIDELINE_DATA_DIR ?? ".tideline");
  await mkdir(path.join(dataDir, "logs"), { recursive: true });
  await chmod(dataDir, 0o755);
  const say = (s: string) => process.stdout.write(`tideline: ${s}\n`);
  const previous = readInstance(dataDir);
  if (previous?.pid && previous.pid !== process.pid && isAlive(previous.pid)) {
    throw new CliError("ALREADY_RUNNING", `Tideline is already running from ${dataDir} (pid ${previous.pid}); console at ${previous.consoleUrl}`);
  }

  // Stopped in reverse order of starting; the child processes (console, agent) first and together.
  const stops: Array<() => Promise<void>> = [];
  const children: Array<() => Promise<void>> = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return; // Ctrl-C reaches us and the children at once; a second one changes nothing
    stopping = true;
    say("stopping…");
    await Promise.all(children.map((stop) => stop().catch(() => {})));
    for (const stop of stops.reverse()) await stop().catch(() => {});
    say("stopped");
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  try {
    let databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) {
      const inv = await startInventory(dataDir, say);
      databaseUrl = inv.url;
      stops.push(() => stopCluster(inv.cluster, "fast"));
    }
    await migrate(databaseUrl, { log: say });
    let demo: LocalCluster | null = null;
    if (opts.demo !== false) {
      const d = await startDemo(dataDir, say);
      demo = d.cluster;
      stops.push(d.stop);
    }
    const db = createDb(databaseUrl, { max: 2 });
    const admin = await ensureAdmin(db);
    const credsFile = path.join(dataDir, "admin-credentials.txt");
    if (admin.password) await writeFile(credsFile, `email: ${admin.email}\npassword: ${admin.password}\n`, { mode: 0o600 });
    let token = previous?.token;
    if (!token || !(await db.apiToken.findFirst({ where: { tokenHash: createHash("sha256").update(token).digest("hex"), revokedAt: null } }))) {
      token = await createCliToken(db, admin.email, `local CLI (${dataDir})`);
    }

    // thin restore points and instant clones where the kernel can: the local agent offers the
    // mounted filesystem as pool local/local-btrfs; the directory pool (full copies) stays beside it
    let noBtrfs = opts.btrfs === false ? "--no-btrfs" : await btrfsUnavailable();
    // a pool that cannot be mounted (no loop device left, a damaged image) must not stop Tideline
    // from starting: the directory pool is always there
    const pool = noBtrfs ? null : await mountLocalBtrfs(dataDir, say).catch((err: Error) => {
      noBtrfs = `it could not be mounted (${err.message.split("\n")[0]})`;
      return null;
    });
    let storageLine: string;
    if (!pool) {
      storageLine = `local/dir, a directory pool: every restore point is a full copy (reflinks where the filesystem has them); no btrfs pool: ${noBtrfs}`;
    } else {
      stops.push(() => pool.unmount());
      const grow = setInterval(() => void pool.growIfNeeded().catch((err: Error) => say(`could not grow the local btrfs pool: ${err.message}`)), 30_000);
      stops.push(async () => clearInterval(grow));
      storageLine = `local/${LOCAL_BTRFS_LABEL}, btrfs on ${pool.image} (thin snapshots and clones; use it in "Add cluster")`;
    }

    const coordinatorPort = await pickPort(opts.coordinatorPort, 7400);
    const logStream = createWriteStream(path.join(dataDir, "logs", "coordinator.log"), { flags: "a" });
    const coordinator = await startCoordinator({
      databaseUrl,
      port: coordinatorPort,
      migrate: false,
      log: createLogger({}, "info", (line) => logStream.write(line)),
      ...(opts.tls ? { tls: { certFile: path.resolve(opts.tls.certFile), keyFile: path.resolve(opts.tls.keyFile) } } : {}),
    });
    // over TLS everything local verifies the coordinator against its own certificate
    const caFile = opts.tls ? path.resolve(opts.tls.certFile) : undefined;
    stops.push(() => coordinator.close());

    // the local agent: both roles, enrolled automatically on first start
    const agentDir = path.join(dataDir, "agent");
    const agentArgs = ["--coordinator", coordinator.wsUrl, "--data-dir", agentDir, "--name", "local", "--roles", "database,storage", "--exclude", path.join(dataDir, "inventory")];
    if (demo) agentArgs.push("--pgdata", demo.pgdata);
    if (caFile) agentArgs.push("--ca", caFile);
    if (!existsSync(path.join(agentDir, "agent.json"))) agentArgs.push("--enroll-token", await createEnrollmentTokenDirect(db));
    // supervised: an agent that dies (killed, crashed) is started again after a short pause,
    // faster than a DBA would notice; it adopts the pg_receivewal and servers it left running
    const enrollFlag = agentArgs.indexOf("--enroll-token");
    let agent: ChildProcess;
    let restarts = 0;
    const startAgent = () => {
      agent = spawnLogged(process.execPath, ["--import", "tsx", path.join(REPO, "apps/agent/src/main.ts"), ...agentArgs], path.join(dataDir, "logs", "agent.log"), {});
      agent.once("exit", (code, signal) => {
        if (stopping) return;
        // enrolled by now: the one-time token is spent
        if (agentArgs[enrollFlag] === "--enroll-token" && existsSync(path.join(agentDir, "agent.json"))) agentArgs.splice(enrollFlag, 2);
        restarts++;
        const delay = Math.min(30_000, 1000 * 2 ** Math.min(restarts - 1, 5));
        say(`the local agent stopped (${signal ?? `exit ${code}`}); starting it again in ${delay / 1000} s`);
        setTimeout(() => !stopping && startAgent(), delay);
      });
    };
    startAgent();
    // the agent stops its replicas and clones (pg_ctl fast) before it exits
    children.push(() => stopChild(agent, 20_000));

    let consoleUrl: string | null = null;
    if (opts.console !== false) {
      const consolePort = await pickPort(opts.consolePort, 7401);
      const consoleDir = path.join(REPO, "apps/console");
      if (!existsSync(path.join(consoleDir, ".next", "BUILD_ID"))) {
        say("building the console (first start only, about a minute)…");
        const r = await run("pnpm", ["--filter", "@tideline/console", "build"], { cwd: REPO, allowFail: true, timeoutMs: 15 * 60_000 });
        if (r.code !== 0) throw new CliError("CONSOLE_BUILD_FAILED", `the console did not build:\n${r.stdout.slice(-3000)}${r.stderr.slice(-3000)}`);
      }
      const next = path.join(consoleDir, "node_modules", "next", "dist", "bin", "next");
      const consoleProc = spawnLogged(process.execPath, [next, "start", "-p", String(consolePort), "-H", "127.0.0.1"], path.join(dataDir, "logs", "console.log"), {
        TIDELINE_COORDINATOR_URL: coordinator.url,
        PORT: String(consolePort),
        ...(caFile ? { NODE_EXTRA_CA_CERTS: caFile } : {}),
      }, consoleDir);
      // `next start` waits for open connections (a browser's live subscription never ends): it holds
      // no state, so it gets a moment to finish requests in flight and is then killed
      children.push(() => stopChild(consoleProc, 2_000));
      consoleUrl = `http://127.0.0.1:${consolePort}`;
      await waitUntil(async () => (await fetch(consoleUrl!).catch(() => null)) !== null, 60_000, "the console to answer");
    }

    const instance: LocalInstance = { coordinatorUrl: coordinator.url, consoleUrl, token, pid: process.pid, admin: { email: admin.email }, ...(caFile ? { caFile } : {}) };
    await writeFile(instanceFile(dataDir), JSON.stringify(instance, null, 2), { mode: 0o600 });
    stops.push(async () => {
      await writeFile(instanceFile(dataDir), JSON.stringify({ ...instance, pid: null }, null, 2), { mode: 0o600 });
    });
    await db.$disconnect();

    say("ready");
    process.stdout.write(
      [
        "",
        `  console:      ${consoleUrl ?? "(not started)"}`,
        `  coordinator:  ${coordinator.url}   (agents connect to ${coordinator.wsUrl})`,
        `  sign in as:   ${admin.email}`,
        admin.password ? `  password:     ${admin.password}   (also in ${credsFile})` : `  password:     see ${credsFile}`,
        `  data folder:  ${dataDir}   (logs in ${path.join(dataDir, "logs")})`,
        `  storage:      ${storageLine}`,
        demo ? `  demo cluster: PostgreSQL on port ${demo.port} (${demo.pgdata}); protect it with "Add cluster" in the console` : "",
        "",
        "  The CLI in this folder finds this instance by itself: `pnpm tideline agents list`.",
        "  Ctrl-C stops everything.",
        "",
      ].join("\n"),
    );
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    throw err;
  }
}

/** The inventory's port lives in postgresql.auto.conf so a later start can move it. */
async function setPort(c: LocalCluster, port: number): Promise<void> {
  const f = path.join(c.pgdata, "postgresql.auto.conf");
  const text = existsSync(f) ? await readFile(f, "utf8") : "";
  await writeFile(f, `${text.replace(/^port = .*\n/gm, "")}port = ${port}\n`);
  await chownToServiceUser(f, c.user);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function spawnLogged(cmd: string, args: string[], logFile: string, env: NodeJS.ProcessEnv, cwd = REPO): ChildProcess {
  const out = createWriteStream(logFile, { flags: "a" });
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  return child;
}

function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

async function waitUntil(fn: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new CliError("START_TIMEOUT", `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

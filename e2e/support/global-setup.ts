// Starts the real stack once for the whole run: a fresh inventory PostgreSQL (migrated, with
// an admin), a coordinator process, a zfs-fuse pool on a sparse file, a PostgreSQL primary to
// protect (with a `marks` table the restore specs write to), an agent (database and storage
// roles) enrolled with a real enrollment token, and the console built by `next build` and
// served by `next start` on a free port. Returns the teardown that stops all of it.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  findBinDir,
  resolveServiceUser,
  startTestCluster,
  stopCluster,
  type TestCluster,
} from "@tideline/postgres";
import {
  type Proc,
  REPO_ROOT,
  spawnAgent,
  spawnCoordinator,
  spawnLogged,
  startInventory,
  waitFor,
} from "@tideline/testkit";
import { createTestPool, ensureZfs, type TestPool } from "../../apps/agent/src/storage/testing";
import { publishStack } from "./stack";

const here = path.dirname(fileURLToPath(import.meta.url));
const CONSOLE_DIR = path.join(REPO_ROOT, "apps/console");
const ARTIFACTS = path.resolve(here, "../artifacts");
const AGENT_NAME = "e2e-db1";
/** Fast status reports and scheduler ticks, so health and restore points show up within seconds. */
const FAST = { TIDELINE_STATUS_MS: "1000", TIDELINE_SCHEDULER_MS: "500", TIDELINE_SWEEP_MS: "300" };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The newest modification time under the console's sources (not node_modules, not .next). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === ".next" || entry.name === "next-env.d.ts") continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function buildConsoleIfNeeded(): void {
  const buildId = path.join(CONSOLE_DIR, ".next/BUILD_ID");
  if (existsSync(buildId) && statSync(buildId).mtimeMs >= newestSource(CONSOLE_DIR)) return;
  process.stderr.write("[e2e] building the console (next build)…\n");
  const started = Date.now();
  const r = spawnSync("pnpm", ["--filter", "@tideline/console", "build"], {
    cwd: REPO_ROOT,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status})`);
  process.stderr.write(`[e2e] console built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

function startConsole(coordinatorUrl: string, port: number): Proc {
  const nextBin = path.join(CONSOLE_DIR, "node_modules/next/dist/bin/next");
  return spawnLogged(process.execPath, [nextBin, "start", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: CONSOLE_DIR,
    env: { TIDELINE_COORDINATOR_URL: coordinatorUrl, PORT: String(port), NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
}

/** Data directories with a running postmaster below `root` (clones the agent started). */
function postmastersBelow(root: string, depth = 6): string[] {
  if (depth < 0 || !existsSync(root)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(root, entry.name);
    if (existsSync(path.join(dir, "postmaster.pid"))) out.push(dir);
    else out.push(...postmastersBelow(dir, depth - 1));
  }
  return out;
}

/** Stops PostgreSQL servers whose data lives in the pool, so the pool can be destroyed. */
async function stopServersIn(mountpoint: string): Promise<void> {
  const user = resolveServiceUser();
  const binDir = findBinDir();
  for (const pgdata of postmastersBelow(mountpoint)) {
    await stopCluster({ pgdata, binDir, user }, "immediate").catch(() => {});
  }
}

export default async function globalSetup() {
  mkdirSync(ARTIFACTS, { recursive: true });
  const procs: Proc[] = [];
  const dirs: string[] = [];
  let pool: TestPool | null = null;
  let primary: TestCluster | null = null;
  const inv = await startInventory();
  const teardown = async () => {
    // console, agent (which stops the replica and WAL receiver it runs), coordinator
    for (const p of procs.reverse()) await p.kill("SIGTERM");
    if (pool) {
      // clones the agent started live in the pool: they must let go of it first
      await stopServersIn(pool.mountpoint);
      await pool.destroy().catch((err) => process.stderr.write(`[e2e] ${(err as Error).message}\n`));
    }
    await primary?.destroy();
    await inv.destroy();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  };
  try {
    buildConsoleIfNeeded();
    if (await ensureZfs()) pool = await createTestPool({ sizeMiB: 2048 });
    else process.stderr.write("[e2e] no ZFS here: restore points go to the agent's directory pool\n");
    primary = await startTestCluster({ name: "e2e-primary" });
    await primary.query("CREATE TABLE marks (id int PRIMARY KEY, t timestamptz DEFAULT clock_timestamp())");

    const coord = await spawnCoordinator({ databaseUrl: inv.databaseUrl, env: FAST });
    procs.push(coord);
    const api = inv.client(coord.url);

    const { token } = await api.agents.createEnrollmentToken.mutate({ ttlMinutes: 10 });
    const agentDir = await mkdtemp(path.join(os.tmpdir(), "tl-e2e-agent-"));
    dirs.push(agentDir);
    const agent = spawnAgent({
      wsUrl: coord.wsUrl,
      dataDir: agentDir,
      enrollToken: token,
      name: AGENT_NAME,
      roles: "database,storage",
      pgdata: [primary.pgdata],
      env: FAST,
    });
    procs.push(agent);
    const poolName = pool?.name ?? "dir";
    await waitFor(
      `agent ${AGENT_NAME} to connect and offer pool ${poolName}`,
      async () => {
        if (agent.proc.exitCode !== null) throw new Error(`agent exited: ${agent.output().slice(-2000)}`);
        const connected = (await api.agents.list.query()).some((a) => a.name === AGENT_NAME && a.connected);
        return (
          connected && (await api.storage.list.query()).some((p) => p.ref === `${AGENT_NAME}/${poolName}`)
        );
      },
      60_000,
    );

    const port = await freePort();
    const web = startConsole(coord.url, port);
    procs.push(web);
    const consoleUrl = `http://127.0.0.1:${port}`;
    await waitFor(
      "the console to answer",
      async () => {
        if (web.proc.exitCode !== null) throw new Error(`next start exited: ${web.output().slice(-2000)}`);
        const res = await fetch(`${consoleUrl}/sign-in`);
        return res.ok;
      },
      60_000,
      250,
    );

    publishStack({
      consoleUrl,
      coordinatorUrl: coord.url,
      coordinatorWsUrl: coord.wsUrl,
      databaseUrl: inv.databaseUrl,
      adminEmail: inv.adminEmail,
      adminPassword: inv.adminPassword,
      adminToken: inv.adminToken,
      agentName: AGENT_NAME,
      primary: { pgdata: primary.pgdata, port: primary.port, socketDir: primary.socketDir },
      storage: `${AGENT_NAME}/${poolName}`,
      poolMountpoint: pool?.mountpoint ?? null,
    });
    process.env.TIDELINE_E2E_CONSOLE_URL = consoleUrl;
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}

// Starts the real stack once for the whole run: a fresh inventory PostgreSQL (migrated, with
// an admin), a coordinator process, an agent enrolled with a real enrollment token, and the
// console built by `next build` and served by `next start` on a free port. Returns the
// teardown that stops all of it.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Proc,
  REPO_ROOT,
  spawnAgent,
  spawnCoordinator,
  startInventory,
  waitFor,
} from "@tideline/testkit";
import { publishStack } from "./stack";

const here = path.dirname(fileURLToPath(import.meta.url));
const CONSOLE_DIR = path.join(REPO_ROOT, "apps/console");
const ARTIFACTS = path.resolve(here, "../artifacts");
const AGENT_NAME = "e2e-db1";

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
  const proc = spawn(
    process.execPath,
    [nextBin, "start", "--hostname", "127.0.0.1", "--port", String(port)],
    {
      cwd: CONSOLE_DIR,
      env: {
        ...process.env,
        TIDELINE_COORDINATOR_URL: coordinatorUrl,
        PORT: String(port),
        NEXT_TELEMETRY_DISABLED: "1",
        NODE_ENV: "production",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-100_000);
    if (process.env.TIDELINE_TEST_VERBOSE) process.stderr.write(d);
  };
  proc.stdout.on("data", keep);
  proc.stderr.on("data", keep);
  return {
    proc,
    output: () => out,
    kill: (signal = "SIGTERM") =>
      new Promise((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once("exit", () => resolve());
        proc.kill(signal);
      }),
  };
}

export default async function globalSetup() {
  mkdirSync(ARTIFACTS, { recursive: true });
  const procs: Proc[] = [];
  const dirs: string[] = [];
  const inv = await startInventory();
  const teardown = async () => {
    for (const p of procs.reverse()) await p.kill("SIGTERM");
    await inv.destroy();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  };
  try {
    buildConsoleIfNeeded();
    const coord = await spawnCoordinator({ databaseUrl: inv.databaseUrl });
    procs.push(coord);
    const api = inv.client(coord.url);

    const { token } = await api.agents.createEnrollmentToken.mutate({ ttlMinutes: 10 });
    const agentDir = await mkdtemp(path.join(os.tmpdir(), "tl-e2e-agent-"));
    dirs.push(agentDir);
    const agent = spawnAgent({ wsUrl: coord.wsUrl, dataDir: agentDir, enrollToken: token, name: AGENT_NAME });
    procs.push(agent);
    await waitFor(
      `agent ${AGENT_NAME} to connect`,
      async () => {
        if (agent.proc.exitCode !== null) throw new Error(`agent exited: ${agent.output().slice(-2000)}`);
        return (await api.agents.list.query()).find((a) => a.name === AGENT_NAME && a.connected);
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
    });
    process.env.TIDELINE_E2E_CONSOLE_URL = consoleUrl;
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}

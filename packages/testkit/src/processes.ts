// Real Tideline processes for tests and benchmarks: coordinators and agents started with the
// same entry points production uses, each its own OS process, killable with any signal.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@tideline/postgres";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export interface Proc {
  proc: ChildProcess;
  output: () => string;
  kill: (signal?: NodeJS.Signals) => Promise<void>;
}

/** A process whose output is kept (the last 100 kB) for failure messages, killable with any signal. */
export function spawnLogged(command: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Proc {
  const proc = spawn(command, args, {
    cwd: opts.cwd ?? REPO_ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
    if (process.env.TIDELINE_TEST_VERBOSE) process.stderr.write(d);
  };
  proc.stdout!.on("data", keep);
  proc.stderr!.on("data", keep);
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

/** A TypeScript entry point of this repository, run by Node through tsx. */
export function spawnTs(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  return spawnLogged(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, script), ...args], { env });
}

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface CoordinatorProc extends Proc {
  url: string;
  wsUrl: string;
  port: number;
  id: string;
}

export async function spawnCoordinator(o: { databaseUrl: string; port?: number; id?: string; env?: NodeJS.ProcessEnv }): Promise<CoordinatorProc> {
  const port = o.port ?? (await freePort());
  const id = o.id ?? `coord-test-${port}`;
  const p = spawnTs("apps/coordinator/src/main.ts", [], {
    DATABASE_URL: o.databaseUrl,
    TIDELINE_COORDINATOR_PORT: String(port),
    TIDELINE_COORDINATOR_ID: id,
    ...o.env,
  });
  await waitFor(`coordinator ${id} to listen`, () => {
    if (p.proc.exitCode !== null) throw new Error(`coordinator exited: ${p.output().slice(-2000)}`);
    return p.output().includes('"event":"listening"');
  }, 30_000);
  return { ...p, url: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}/agent`, port, id };
}

export function spawnAgent(o: { wsUrl?: string; dataDir: string; enrollToken?: string; name?: string; roles?: string; pgdata?: string[]; env?: NodeJS.ProcessEnv }): Proc {
  const args = ["--data-dir", o.dataDir];
  if (o.wsUrl) args.push("--coordinator", o.wsUrl);
  if (o.enrollToken) args.push("--enroll-token", o.enrollToken);
  if (o.name) args.push("--name", o.name);
  if (o.roles) args.push("--roles", o.roles);
  for (const d of o.pgdata ?? []) args.push("--pgdata", d);
  return spawnTs("apps/agent/src/main.ts", args, o.env);
}

// Spawning programs with argument arrays (never a shell), optionally as another user.
import { spawn } from "node:child_process";

export class CommandError extends Error {
  readonly code = "COMMAND_FAILED";
  constructor(
    readonly command: string,
    readonly args: string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    const last = stderr.trim().split("\n").slice(-1)[0] ?? "";
    super(`${command} ${args.join(" ")} failed (exit ${exitCode}): ${last}`);
  }
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  timeoutMs?: number;
  uid?: number;
  gid?: number;
  allowFail?: boolean;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      uid: opts.uid,
      gid: opts.gid,
      stdio: ["pipe", "pipe", "pipe"],
      timeout: opts.timeoutMs,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      if (stderr.length > 64_000) stderr = stderr.slice(-32_000);
    });
    child.on("error", (err) => reject(new CommandError(command, args, null, err.message)));
    child.on("close", (code) => {
      if (code !== 0 && !opts.allowFail) reject(new CommandError(command, args, code, stderr));
      else resolve({ code, stdout, stderr });
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

// Running programs for the agent: always an argument array handed to spawn (never a shell),
// optionally as another user, with a timeout; failures become a CommandError with a stable code.
import { spawn } from "node:child_process";

const STDERR_KEEP = 2048;

export class CommandError extends Error {
  readonly code = "COMMAND_FAILED";
  constructor(
    readonly command: string,
    readonly args: string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    reason?: string,
  ) {
    const lastLine = (stderr.trim().split("\n").at(-1) ?? "").trim().slice(0, 300);
    super(`${describeCommand(command, args)} ${reason ?? `failed (exit ${exitCode})`}: ${lastLine}`);
    this.name = "CommandError";
  }
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  timeoutMs?: number;
  uid?: number;
  gid?: number;
  /** Resolve on a non-zero exit instead of rejecting (a failure to start still rejects). */
  allowFail?: boolean;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export type Runner = (cmd: string, args: string[], opts?: RunOptions) => Promise<RunResult>;

export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      uid: opts.uid,
      gid: opts.gid,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    // A child that exits without reading its input must not crash us with EPIPE.
    child.stdin.on("error", () => {});
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill("SIGTERM");
            setTimeout(() => child.kill("SIGKILL"), 2000).unref();
          }, opts.timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(new CommandError(cmd, args, null, err.message, "could not start"));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new CommandError(cmd, args, code, tail(stderr), `timed out after ${opts.timeoutMs} ms`));
      } else if (code !== 0 && !opts.allowFail) {
        reject(new CommandError(cmd, args, code, tail(stderr)));
      } else {
        resolve({ code, stdout, stderr });
      }
    });
    child.stdin.end(opts.input);
  });
}

function tail(s: string): string {
  return s.length > STDERR_KEEP ? `…${s.slice(-STDERR_KEEP)}` : s;
}

function describeCommand(cmd: string, args: string[]): string {
  const text = [cmd, ...args.map((a) => (a === "" || /[\s'"\\]/.test(a) ? JSON.stringify(a) : a))].join(" ");
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

// The `tideline` CLI as a script or a user runs it: from source in a child process, asynchronously
// (a blocked event loop would strand the test's pooled HTTP connections to the coordinator).
import { execFile } from "node:child_process";
import path from "node:path";
import { REPO_ROOT } from "./processes";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function tidelineCli(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", path.join(REPO_ROOT, "apps/cli/src/main.ts"), ...args],
      { cwd: REPO_ROOT, env: { ...process.env, ...opts.env } },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The CLI against a given coordinator with --json: the parsed document, or an error with its output. */
export async function tidelineJson(
  coordinatorUrl: string,
  token: string,
  ...args: string[]
): Promise<unknown> {
  const r = await tidelineCli([...args, "--url", coordinatorUrl, "--token", token, "--json"]);
  if (r.code !== 0) throw new Error(`tideline ${args.join(" ")} exited ${r.code}: ${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout);
}

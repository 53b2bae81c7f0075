// `tideline start` from an empty data folder, as a user would run it, then again on the same data.
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "@tideline/postgres";
import { makeTempDir } from "@tideline/postgres";
import { type Proc, REPO_ROOT, spawnTs, tidelineCli, waitFor } from "@tideline/testkit";
import { btrfsUnavailable } from "../src/commands/local-btrfs";
import { afterAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);
/** The CLI from source; rejects on a non-zero exit, like execFile. */
const cli = async (args: string[]) => {
  const r = await tidelineCli(args);
  if (r.code !== 0) throw new Error(`tideline ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r;
};

describe("tideline start", () => {
  let dataDir: string;
  let proc: Proc | null = null;
  afterAll(async () => {
    await proc?.kill("SIGINT");
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  let urls: { consoleUrl: string; coordinatorUrl: string };

  async function start() {
    const [consolePort, coordinatorPort] = [await freePort(), await freePort()];
    proc = spawnTs("apps/cli/src/main.ts", ["start", "--data-dir", dataDir, "--console-port", String(consolePort), "--coordinator-port", String(coordinatorPort)]);
    await waitFor("tideline start to be ready", () => {
      if (proc!.proc.exitCode !== null) throw new Error(proc!.output());
      return proc!.output().includes("tideline: ready");
    }, 180_000, 250);
    urls = { consoleUrl: `http://127.0.0.1:${consolePort}`, coordinatorUrl: `http://127.0.0.1:${coordinatorPort}` };
    return urls;
  }

  it("brings up inventory, coordinator, console and a local agent from an empty folder", async () => {
    dataDir = await makeTempDir("tl-start-");
    const { consoleUrl, coordinatorUrl } = await start();
    expect(proc!.output()).toMatch(/password:\s+\S{12,}/);
    const page = await fetch(`${consoleUrl}/sign-in`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Tideline");
    const health = await (await fetch(`${coordinatorUrl}/healthz`)).json();
    expect(health).toMatchObject({ status: "ok", database: { reachable: true } });
    const agents = await waitFor("local agent connected", async () => {
      const { stdout } = await cli(["agents", "list", "--json", "--data-dir", dataDir]);
      const list = JSON.parse(stdout) as Array<{ name: string; connected: boolean; roles: string[] }>;
      return list.some((a) => a.connected) ? list : null;
    });
    expect(agents).toHaveLength(1);
    expect(agents[0]).toMatchObject({ name: "local", connected: true, roles: ["database", "storage"] });

    // `pnpm tideline … --json` is the built command: one JSON document, no pnpm banner in front
    const viaPnpm = await exec("pnpm", ["tideline", "agents", "list", "--json", "--data-dir", dataDir], { cwd: REPO_ROOT });
    expect(JSON.parse(viaPnpm.stdout)).toEqual(agents.map((a) => expect.objectContaining({ name: a.name })));
    const help = await exec("pnpm", ["tideline", "restore", "--help"], { cwd: REPO_ROOT });
    expect(help.stdout).toContain("tideline restore [cluster]");
    expect(help.stdout).toMatch(/--to\s+target time/);

    // as root where the kernel has btrfs, the local pool is a loop-mounted btrfs file in the data folder
    if (!(await btrfsUnavailable())) {
      const pools = await waitFor("the local btrfs pool", async () => {
        const { stdout } = await cli(["storage", "list", "--json", "--data-dir", dataDir]);
        const list = JSON.parse(stdout) as Array<{ ref: string; driver: string; mountpoint: string }>;
        return list.some((p) => p.driver === "btrfs" && p.mountpoint.startsWith(dataDir)) ? list : null;
      });
      expect(pools.find((p) => p.driver === "btrfs" && p.mountpoint.startsWith(dataDir))).toMatchObject({ ref: "local/local-btrfs", mountpoint: path.join(dataDir, "storage-btrfs") });
      expect(proc!.output()).toContain("storage:      local/local-btrfs, btrfs on");
    }
  });

  it("starts its local agent again when it is killed", async () => {
    const { stdout } = await exec("pgrep", ["-f", `apps/agent/src/main.ts.*--data-dir ${path.join(dataDir, "agent")}`]);
    const pid = Number(stdout.trim().split("\n")[0]);
    process.kill(pid, "SIGKILL");
    await waitFor("the supervisor to say so", async () => proc!.output().includes("the local agent stopped"), 20_000, 200);
    await waitFor("the local agent connected again", async () => {
      const { stdout: again } = await exec("pgrep", ["-f", `apps/agent/src/main.ts.*--data-dir ${path.join(dataDir, "agent")}`]).catch(() => ({ stdout: "" }));
      if (!again.trim() || Number(again.trim().split("\n")[0]) === pid) return null;
      const { stdout: list } = await cli(["agents", "list", "--json", "--data-dir", dataDir]);
      return (JSON.parse(list) as Array<{ connected: boolean }>).some((a) => a.connected);
    }, 60_000, 500);
  });

  it("stops cleanly on Ctrl-C, even with a browser's live subscription open, and reuses the same data on the next start", async () => {
    // a signed-in browser keeps the console's live-update stream open; `next start` alone would wait for it
    const [, password] = /password:\s+(\S{12,})/.exec(proc!.output()) ?? [];
    const session = await fetch(`${urls.consoleUrl}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "admin@tideline.local", password }) });
    expect(session.ok).toBe(true);
    const cookie = session.headers.get("set-cookie")!.split(";")[0]!;
    const live = await fetch(`${urls.consoleUrl}/api/trpc/live.onChange?input=${encodeURIComponent('{"json":{}}')}`, { headers: { cookie } });
    expect(live.headers.get("content-type")).toContain("text/event-stream");
    const exited = new Promise<number | null>((r) => proc!.proc.once("exit", (code) => r(code)));
    const t0 = Date.now();
    proc!.proc.kill("SIGINT");
    // well under the 30 s the console took when it waited for the stream
    expect(await Promise.race([exited, new Promise((r) => setTimeout(() => r("still running"), 15_000))])).toBe(0);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(proc!.output()).toContain("tideline: stopped");
    // the local btrfs pool is unmounted with everything else
    const findmnt = await exec("findmnt", ["-n", path.join(dataDir, "storage-btrfs")]).then(() => 0, (e: { code: number }) => e.code);
    expect(findmnt).toBe(1);
    await live.body?.cancel().catch(() => {});
    await start();
    expect(proc!.output()).not.toMatch(/password:\s+\S{12,}\s+\(also/);
    const { stdout } = await cli(["agents", "list", "--json", "--data-dir", dataDir]);
    const list = JSON.parse(stdout) as Array<{ name: string }>;
    expect(list.map((a) => a.name)).toEqual(["local"]);
  });
});

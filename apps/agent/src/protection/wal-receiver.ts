// Supervises pg_receivewal for one cluster: a replication slot (so the primary keeps WAL until we
// have it), --synchronous (every flush is acknowledged only once it is durable here: an RPO of
// about a second), restarts with backoff, and the "WAL already removed" case reported with its fix.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { asServiceUser, findBinDir, resolveServiceUser, run } from "@tideline/postgres";
import type { TErrorBody } from "@tideline/protocol";
import { type ProtectedCluster, withParam } from "./config";

export type ReceiverState = "starting" | "streaming" | "restarting" | "error" | "stopped";

export class WalReceiver {
  state: ReceiverState = "stopped";
  error: TErrorBody | null = null;
  restarts = 0;
  private child: ChildProcess | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private failures = 0;
  private startedAt = 0;

  constructor(
    private readonly c: ProtectedCluster,
    private readonly runDir: string,
    private readonly log: (level: string, msg: string, f?: Record<string, unknown>) => void,
  ) {}

  private get pidFile(): string {
    return path.join(this.runDir, `${this.c.cluster}.receivewal.pid`);
  }

  private conninfo(): string {
    return withParam(this.c.primary.conninfo, "application_name", this.c.slotWal);
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.killStale();
    await this.ensureSlot().catch((err: Error) => this.log("warn", "could not create the WAL slot yet", { error: err.message }));
    this.spawn();
  }

  /** A receiver left behind by a previous agent process would hold the slot: end it first. */
  private async killStale(): Promise<void> {
    if (!existsSync(this.pidFile)) return;
    const pid = Number(await readFile(this.pidFile, "utf8"));
    try {
      const cmd = await readFile(`/proc/${pid}/cmdline`, "utf8");
      if (cmd.includes("pg_receivewal") && cmd.includes(this.c.walDir)) {
        process.kill(pid, "SIGTERM");
        for (let i = 0; i < 50 && existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 100));
      }
    } catch {
      // not running any more
    }
    await rm(this.pidFile, { force: true });
  }

  async ensureSlot(): Promise<void> {
    const bin = path.join(findBinDir(this.c.primary.version ?? undefined), "pg_receivewal");
    await run(bin, ["-d", this.conninfo(), "--create-slot", "--if-not-exists", "-S", this.c.slotWal], { ...asServiceUser(resolveServiceUser()), timeoutMs: 30_000 });
  }

  private spawn(): void {
    if (this.stopped) return;
    this.state = this.restarts === 0 && this.failures === 0 ? "starting" : "restarting";
    const bin = path.join(findBinDir(this.c.primary.version ?? undefined), "pg_receivewal");
    const args = ["-d", this.conninfo(), "-D", this.c.walDir, "-S", this.c.slotWal, "--synchronous", "--no-loop", "--status-interval", "1"];
    const child = spawn(bin, args, { ...asServiceUser(resolveServiceUser()), stdio: ["ignore", "ignore", "pipe"] });
    this.child = child;
    this.startedAt = Date.now();
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (d: string) => {
      stderr = (stderr + d).slice(-8000);
    });
    if (child.pid) void writeFile(this.pidFile, String(child.pid)).catch(() => {});
    // pg_receivewal says nothing when it streams fine; alive after a moment means streaming
    const up = setTimeout(() => {
      if (this.child === child) {
        this.state = "streaming";
        this.error = null;
      }
    }, 1500);
    child.on("exit", (code, signal) => {
      clearTimeout(up);
      if (this.child === child) this.child = null;
      if (this.stopped) {
        this.state = "stopped";
        return;
      }
      this.restarts++;
      if (Date.now() - this.startedAt > 30_000) this.failures = 0;
      this.failures++;
      this.error = classifyExit(stderr, code, signal, this.c);
      this.state = this.error.code === "WAL_ALREADY_REMOVED" ? "error" : "restarting";
      const delay = Math.min(30_000, 500 * 2 ** Math.min(this.failures, 6));
      this.log("warn", "pg_receivewal stopped; restarting", { cluster: this.c.cluster, code: this.error.code, message: this.error.message, inMs: delay });
      this.timer = setTimeout(() => {
        this.timer = null;
        // a missing slot (dropped, or a restored primary) is created again before reconnecting
        void this.ensureSlot()
          .catch(() => {})
          .then(() => this.spawn());
      }, delay);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const child = this.child;
    if (child && child.exitCode === null) {
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      });
    }
    await rm(this.pidFile, { force: true });
    this.state = "stopped";
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }
}

function classifyExit(stderr: string, code: number | null, signal: NodeJS.Signals | null, c: ProtectedCluster): TErrorBody {
  const last = stderr.trim().split("\n").slice(-2).join(" ").slice(0, 1500);
  if (/has already been removed/.test(stderr)) {
    return {
      code: "WAL_ALREADY_REMOVED",
      message: `the primary removed WAL before Tideline received it: ${last}`,
      details: { fix: `the replication slot ${c.slotWal} was missing or dropped; the window has a gap from here on. Take a new restore point after streaming resumes (tideline snapshot ${c.cluster}).` },
    };
  }
  if (/password authentication failed|no pg_hba.conf entry|Peer authentication/.test(stderr)) {
    return { code: "AUTH_FAILED", message: `the primary refused the replication connection: ${last}`, details: { fix: "check the user/password in the replication conninfo and a `replication` line in pg_hba.conf" } };
  }
  if (/could not connect|Connection refused|server closed the connection|terminating connection|No such file or directory/.test(stderr)) {
    return { code: "PRIMARY_UNREACHABLE", message: `lost the connection to the primary: ${last || "no message"}` };
  }
  if (/No space left|could not write|could not fsync/.test(stderr)) {
    return { code: "POOL_FULL", message: `cannot write WAL on the storage host: ${last}`, details: { fix: "free space in the pool or extend it; the slot keeps the WAL on the primary meanwhile" } };
  }
  if (/replication slot .* does not exist/.test(stderr)) return { code: "SLOT_MISSING", message: last };
  return { code: "RECEIVER_EXITED", message: `pg_receivewal exited (${signal ?? `code ${code}`}): ${last || "no message"}` };
}

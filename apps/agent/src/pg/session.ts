// One long-lived psql session, for statements that must share a session: pg_backup_start and
// pg_backup_stop. psql runs as the service user (peer authentication works) and reads
// statements on stdin; each answer ends at a marker line we echo after it.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { asServiceUser, findBinDir, resolveServiceUser } from "@tideline/postgres";
import { classify, connArgs, type LocalTarget, QueryError } from "./psql";

export class PsqlSession {
  private proc: ChildProcess;
  private buffer = "";
  private stderr = "";
  private n = 0;
  private waiter: { marker: string; resolve: (out: string) => void; reject: (e: Error) => void } | null =
    null;
  private exited = false;

  constructor(t: LocalTarget) {
    const bin = path.join(t.binDir ?? findBinDir(), "psql");
    const user = asServiceUser(resolveServiceUser());
    this.proc = spawn(bin, ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", ...connArgs(t)], {
      ...user,
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.proc.stdout!.setEncoding("utf8").on("data", (d: string) => {
      this.buffer += d;
      this.check();
    });
    this.proc.stderr!.setEncoding("utf8").on("data", (d: string) => (this.stderr += d));
    this.proc.on("exit", () => {
      this.exited = true;
      this.waiter?.reject(classify(this.stderr || "psql ended"));
      this.waiter = null;
    });
    this.proc.stdin!.on("error", () => {});
  }

  private check(): void {
    if (!this.waiter) return;
    const i = this.buffer.indexOf(`${this.waiter.marker}\n`);
    if (i < 0) return;
    const out = this.buffer.slice(0, i);
    this.buffer = this.buffer.slice(i + this.waiter.marker.length + 1);
    const w = this.waiter;
    this.waiter = null;
    w.resolve(out);
  }

  /** Rows of a SELECT as JSON objects. */
  async rows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    const out = await this.exec(`SELECT row_to_json(q)::text FROM (${sql.trim().replace(/;$/, "")}) q;`);
    return out
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as T);
  }

  /** One statement; statements given while another runs wait for it (one session, one at a time). */
  exec(sql: string): Promise<string> {
    const next = this.queue.then(() => this.send(sql));
    this.queue = next.then(
      () => {},
      () => {},
    );
    return next;
  }

  private queue: Promise<void> = Promise.resolve();

  private send(sql: string): Promise<string> {
    if (this.exited)
      return Promise.reject(new QueryError("SESSION_CLOSED", this.stderr || "psql session ended"));
    const marker = `__tideline_${process.pid}_${++this.n}__`;
    return new Promise((resolve, reject) => {
      this.waiter = { marker, resolve, reject };
      this.proc.stdin!.write(`${sql.trim().replace(/;?$/, ";")}\n\\echo ${marker}\n`);
    });
  }

  async close(): Promise<void> {
    if (this.exited) return;
    await new Promise<void>((resolve) => {
      this.proc.once("exit", () => resolve());
      this.proc.stdin!.end("\\q\n");
      setTimeout(() => this.proc.kill("SIGTERM"), 5000).unref();
    });
  }
}

// drill.run: prove a restore point restorable. Clone it, wait until it is ready, connect, run
// pg_amcheck on a sample (when installed), run the DBA's SQL check against its expected result,
// record each check with its timing, and always destroy the clone.
import path from "node:path";
import { asServiceUser, findBinDir, resolveServiceUser, run } from "@tideline/postgres";
import type { TJobPayload, TJobResult } from "@tideline/protocol";
import { destroyCloneData, restoreToClone } from "../clones/restore-to-clone";
import { psqlRows } from "../pg/psql";
import type { JobContext } from "./job-context";

export async function runDrill(ctx: JobContext, p: TJobPayload<"drill.run">): Promise<TJobResult<"drill.run">> {
  const checks: Array<{ name: string; passed: boolean; seconds: number; detail: string }> = [];
  const timed = async (name: string, fn: () => Promise<string>) => {
    const t0 = performance.now();
    try {
      checks.push({ name, passed: true, seconds: (performance.now() - t0) / 1000, detail: await fn() });
    } catch (err) {
      checks.push({ name, passed: false, seconds: (performance.now() - t0) / 1000, detail: (err as Error).message.slice(0, 2000) });
    }
  };
  let secondsToReady = 0;
  let reachedLsn: string | null = null;
  let reachedTime: string | null = null;
  try {
    const clone = await restoreToClone({ ...ctx, progress: (f, o) => ctx.progress(f * 0.7, o) }, p, "drill");
    secondsToReady = clone.seconds;
    reachedLsn = clone.reachedLsn;
    reachedTime = clone.reachedTime;
    checks.push({ name: "ready", passed: true, seconds: clone.seconds, detail: `promoted at ${clone.reachedLsn}` });
    const socket = clone.socketDir;
    const target = { port: clone.port, host: socket, binDir: findBinDir() };
    await timed("connect", async () => {
      const [r] = await psqlRows<{ v: string }>(target, "SELECT version() AS v");
      return r?.v ?? "";
    });
    if (p.amcheck) {
      await timed("pg_amcheck", async () => {
        const bin = path.join(findBinDir(), "pg_amcheck");
        await run(path.join(findBinDir(), "psql"), ["-X", "-q", "-h", socket, "-p", String(clone.port), "-d", "postgres", "-c", "CREATE EXTENSION IF NOT EXISTS amcheck"], asServiceUser(resolveServiceUser()));
        // heap and btree structure of every database (no --heapallindexed: that reads every index twice)
        const r = await run(bin, ["-h", socket, "-p", String(clone.port), "--all", "--jobs", "2"], { ...asServiceUser(resolveServiceUser()), allowFail: true, timeoutMs: 600_000 });
        if (r.code !== 0) throw new Error(`pg_amcheck found problems: ${(r.stdout + r.stderr).trim().split("\n").slice(-5).join(" ")}`);
        return "no corruption found";
      });
    }
    if (p.sql) {
      await timed("sql", async () => {
        const rows = await psqlRows<Record<string, unknown>>(target, p.sql!);
        const got = rows.length === 0 ? "" : String(Object.values(rows[0]!)[0] ?? "");
        if (p.expected !== null && got !== p.expected) throw new Error(`expected ${JSON.stringify(p.expected)}, got ${JSON.stringify(got)}`);
        return `returned ${JSON.stringify(got)}`;
      });
    }
  } catch (err) {
    checks.push({ name: "ready", passed: false, seconds: 0, detail: (err as Error).message.slice(0, 2000) });
  } finally {
    await destroyCloneData(ctx, p.cloneId).catch((err: Error) => ctx.log("warn", `could not destroy the drill clone: ${err.message}`));
  }
  const passed = checks.length > 0 && checks.every((c) => c.passed);
  for (const c of checks) ctx.log(c.passed ? "info" : "error", `${c.name}: ${c.passed ? "passed" : "FAILED"} in ${c.seconds.toFixed(2)} s — ${c.detail}`);
  ctx.progress(1, { message: passed ? "drill passed" : "drill failed" });
  return { passed, checks, secondsToReady, reachedLsn, reachedTime };
}

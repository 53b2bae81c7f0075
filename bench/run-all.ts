// Every benchmark, one after another, each in its own process (so each cleans up after itself
// before the next starts), then bench/results/summary.md with all their tables.
// Flags and BENCH_* variables are passed through: `pnpm --filter @tideline/bench all`.
//
//   pnpm --filter @tideline/bench all
//   BENCH_ONLY=rpo,fleet pnpm --filter @tideline/bench all
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { list } from "./lib/params";
import { BENCH_DIR, table } from "./lib/report";
import { BENCHMARKS, writeSummary } from "./lib/summary";

const ALL = BENCHMARKS;
const only = list("only", ALL);

let current: ChildProcess | null = null;
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(sig, () => {
    // the benchmark cleans up on its own signal; we only stop starting new ones
    current?.kill(sig);
    process.exitCode = 130;
    stopped = true;
  });
}
let stopped = false;

const outcomes: Array<{ name: string; ok: boolean; seconds: number }> = [];
for (const name of ALL.filter((n) => only.includes(n))) {
  if (stopped) break;
  process.stdout.write(`\n=== ${name}\n`);
  const started = performance.now();
  const code = await new Promise<number | null>((resolve) => {
    current = spawn(
      process.execPath,
      ["--import", "tsx", path.join(BENCH_DIR, `${name}.ts`), ...process.argv.slice(2)],
      { cwd: BENCH_DIR, stdio: "inherit" },
    );
    current.on("exit", (c, s) => resolve(s ? 128 : c));
  });
  current = null;
  outcomes.push({ name, ok: code === 0, seconds: (performance.now() - started) / 1000 });
  process.stdout.write(
    `=== ${name}: ${code === 0 ? "ok" : `FAILED (${code})`} in ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
  );
}

// One page with every benchmark's latest tables, from their JSON results.
await writeSummary();

process.stdout.write(
  `\n${table(
    "Benchmarks",
    outcomes.map((o) => ({
      benchmark: o.name,
      result: o.ok ? "ok" : "FAILED",
      minutes: (o.seconds / 60).toFixed(1),
    })),
  )}\n`,
);
if (outcomes.some((o) => !o.ok)) process.exitCode = 1;

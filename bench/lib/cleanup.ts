// Everything a benchmark starts is registered here as it starts, and undone in reverse order when
// the benchmark ends, fails, or is interrupted (Ctrl-C, SIGTERM): servers stopped, pools destroyed,
// temp dirs removed.
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export class Cleanup {
  private readonly steps: Array<{ name: string; fn: () => unknown }> = [];
  private running: Promise<void> | null = null;
  /** Diagnostics collected when the benchmark fails, before anything is torn down. */
  readonly diagnostics: Array<{ name: string; fn: () => string }> = [];

  diagnose(name: string, fn: () => string): void {
    this.diagnostics.push({ name, fn });
  }

  add(name: string, fn: () => unknown): void {
    this.steps.push({ name, fn });
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      while (this.steps.length) {
        const step = this.steps.pop()!;
        try {
          await step.fn();
        } catch (err) {
          process.stderr.write(`cleanup: ${step.name} failed: ${(err as Error).message}\n`);
        }
      }
    })();
    return this.running;
  }
}

/** The frame of every benchmark: run the body, always clean up, exit non-zero on failure. */
export async function benchmark(name: string, body: (cleanup: Cleanup) => Promise<void>): Promise<void> {
  const cleanup = new Cleanup();
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\n${name}: ${sig}, cleaning up…\n`);
    void cleanup.run().finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("SIGHUP", onSignal);
  try {
    await body(cleanup);
  } catch (err) {
    process.stderr.write(`${name} FAILED: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
    const file = path.join(os.tmpdir(), `tideline-bench-${name}-failure.log`);
    const text = cleanup.diagnostics.map((d) => `=== ${d.name}\n${safe(d.fn)}\n`).join("\n");
    if (text) {
      writeFileSync(file, `${(err as Error).stack ?? String(err)}\n\n${text}`);
      process.stderr.write(`${name}: the processes' last output is in ${file}\n`);
    }
  } finally {
    if (!interrupted) {
      log(`${name}: cleaning up`);
      await cleanup.run();
    }
  }
  if (!interrupted) process.exit(process.exitCode ?? 0);
}

const t0 = Date.now();
/** Progress lines go to stderr, so stdout holds only the result table. */
export function log(msg: string): void {
  process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${msg}\n`);
}

function safe(fn: () => string): string {
  try {
    return fn();
  } catch (err) {
    return `(could not collect: ${(err as Error).message})`;
  }
}

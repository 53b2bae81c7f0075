// bench/results/summary.md: every benchmark's latest tables and notes, rebuilt from
// bench/results/*.json alone (so the page always agrees with the JSON beside it). Written at the
// end of every benchmark (Report.write) and by run-all.
import { existsSync } from "node:fs";
import { readdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { BENCH_DIR, type Row, table } from "./table";

/** The benchmarks in the order the README lists them; other results files follow, sorted. */
export const BENCHMARKS = ["restore", "rpo", "base-backup", "restore-point-cost", "fleet", "replay-tuning", "checkpoint-cost"];

interface ResultFile {
  startedAt: string;
  finishedAt?: string;
  params: unknown;
  storage?: string;
  machine: {
    cpus: number;
    memoryGiB: number;
    postgres: string;
    zfs: string;
    disk: string;
    loadAverageAtStart?: number[];
    loadAverageAtEnd?: number[];
  };
  tables: Array<{ title: string; rows: Row[] }>;
  notes: string[];
}

export async function writeSummary(): Promise<string> {
  const dir = path.join(BENCH_DIR, "results");
  const files = existsSync(dir) ? (await readdir(dir)).filter((f) => f.endsWith(".json")).sort() : [];
  // each benchmark's default run, then its other configurations (restore-zfs-1gb.json, …)
  const ordered = [
    ...BENCHMARKS.flatMap((n) => [
      ...files.filter((f) => f === `${n}.json`),
      ...files.filter((f) => f.startsWith(`${n}-`) && !BENCHMARKS.includes(f.slice(0, -5))),
    ]),
  ];
  const rest = files.filter((f) => !ordered.includes(f));
  const parts: string[] = [
    "# Tideline benchmarks — latest results",
    "",
    "Generated from bench/results/*.json by `bench/lib/summary.ts` (at the end of every benchmark and by",
    "`pnpm --filter @tideline/bench all`): do not edit by hand. Each section says when it was measured.",
    "",
  ];
  for (const f of [...ordered, ...rest]) {
    let r: ResultFile;
    try {
      r = JSON.parse(await readFile(path.join(dir, f), "utf8")) as ResultFile;
    } catch {
      continue; // half-written or not a benchmark result
    }
    if (!r.machine || !Array.isArray(r.tables)) continue;
    const m = r.machine;
    const load = [
      m.loadAverageAtStart ? `load average ${m.loadAverageAtStart.join(" / ")} at start` : "",
      m.loadAverageAtEnd ? `${m.loadAverageAtEnd.join(" / ")} at end` : "",
    ]
      .filter(Boolean)
      .join(", ");
    parts.push(
      `## ${f.slice(0, -5)}`,
      "",
      `Measured ${r.startedAt}${r.finishedAt ? ` – ${r.finishedAt}` : ""} on ${m.cpus} CPUs, ${m.memoryGiB} GiB, ${m.disk}, ${r.storage ?? m.zfs}, ${m.postgres}${load ? `; ${load} (1 / 5 / 15 min)` : ""}. Parameters: \`${JSON.stringify(r.params)}\`.`,
      "",
    );
    for (const t of r.tables) parts.push(table(`### ${t.title}`, t.rows));
    for (const n of r.notes ?? []) parts.push(`- ${n}`);
    parts.push("");
  }
  const file = path.join(dir, "summary.md");
  await writeFile(`${file}.tmp`, `${parts.join("\n")}\n`);
  await rename(`${file}.tmp`, file);
  return file;
}

// A result table as text (aligned Markdown), and where the benchmarks live on disk.
import path from "node:path";
import { fileURLToPath } from "node:url";

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export type Row = Record<string, string | number>;

export function table(title: string, rows: Row[]): string {
  if (rows.length === 0) return `${title}\n(no rows)\n`;
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => (v === undefined ? "" : String(v));
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => `| ${vals.map((v, i) => v.padEnd(width[i]!)).join(" | ")} |`;
  return [
    title,
    "",
    line(cols),
    `|${width.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...rows.map((r) => line(cols.map((c) => cell(r[c])))),
    "",
  ].join("\n");
}


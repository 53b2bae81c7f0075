// Output of a benchmark: a table on stdout and bench/results/<name>.json, both stamped with the
// machine they were measured on (the figures mean little without it).
import { execFileSync } from "node:child_process";
import { mkdir, rename, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { findBinDir } from "@tideline/postgres";
import { writeSummary } from "./summary";
import { BENCH_DIR, type Row, table } from "./table";

export { BENCH_DIR, type Row, table };

function sh(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 10_000,
    }).trim();
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ""}${e.stderr ?? ""}`.trim() || "unknown";
  }
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  disk: string;
  zfs: string;
  postgres: string;
  pgbackrest: string;
  node: string;
  loadAverageAtStart: number[];
}

export function machine(): Machine {
  // dpkg-query's own format syntax, not a template
  const dpkg = (p: string) => sh("dpkg-query", ["-W", "-f=$" + "{Version}", p]);
  const df =
    sh("df", ["-h", "--output=source,fstype,size", os.tmpdir()])
      .split("\n")
      .at(-1)
      ?.trim()
      .replace(/\s+/g, " ") ?? "";
  const dev = df.split(" ")[0]?.replace(/^\/dev\//, "") ?? "";
  const rota = dev ? sh("cat", [`/sys/block/${dev.replace(/\d+$/, "")}/queue/rotational`]) : "";
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    disk: `${df}${dev.startsWith("vd") ? ", virtio block device" : ""} (rotational=${rota || "?"})`,
    zfs: `zfs-fuse ${dpkg("zfs-fuse")} (FUSE, pool version 23), not kernel OpenZFS`,
    postgres: sh(path.join(findBinDir(), "postgres"), ["--version"]),
    pgbackrest: sh("pgbackrest", ["version"]),
    node: process.version,
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export class Report {
  readonly startedAt = new Date();
  readonly machine = machine();
  private readonly tables: Array<{ title: string; rows: Row[] }> = [];
  readonly notes: string[] = [];
  /** The storage the product's data lived on in this run, where it is not the zfs-fuse default. */
  storage: string | undefined;

  constructor(
    readonly name: string,
    readonly params: Record<string, unknown>,
  ) {}

  table(title: string, rows: Row[]): void {
    this.tables.push({ title, rows });
    process.stdout.write(`${table(title, rows)}\n`);
  }

  note(text: string): void {
    this.notes.push(text);
  }

  /** Writes bench/results/<name>.json (through a temp file, so a crash never leaves half a file). */
  async write(results: unknown): Promise<string> {
    const dir = path.join(BENCH_DIR, "results");
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${this.name}.json`);
    const body = {
      benchmark: this.name,
      startedAt: this.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: { ...this.machine, loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100) },
      ...(this.storage ? { storage: this.storage } : {}),
      params: this.params,
      tables: this.tables,
      results,
      notes: this.notes,
    };
    await writeFile(`${file}.tmp`, `${JSON.stringify(body, null, 2)}\n`);
    await rename(`${file}.tmp`, file);
    const summary = await writeSummary();
    if (this.notes.length) process.stdout.write(`${this.notes.map((n) => `- ${n}`).join("\n")}\n\n`);
    process.stdout.write(
      `results written to ${path.relative(process.cwd(), file) || file} (and ${path.relative(process.cwd(), summary) || summary})\n`,
    );
    return file;
  }
}

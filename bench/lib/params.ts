// Benchmark parameters: `--scale-gb=5` on the command line or `BENCH_SCALE_GB=5` in the
// environment (the flag wins), with a default that finishes on a 2-core machine.
const flags = new Map<string, string>();
for (const a of process.argv.slice(2)) {
  const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(a);
  if (m) flags.set(m[1]!, m[2] ?? "true");
}

function raw(name: string): string | undefined {
  return flags.get(name) ?? process.env[`BENCH_${name.toUpperCase().replaceAll("-", "_")}`];
}

export function num(name: string, def: number): number {
  const v = raw(name);
  if (v === undefined || v === "") return def;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got ${JSON.stringify(v)}`);
  return n;
}

export function str(name: string, def: string): string {
  const v = raw(name);
  return v === undefined || v === "" ? def : v;
}

export function list(name: string, def: string[]): string[] {
  const v = raw(name);
  return v === undefined || v === ""
    ? def
    : v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
}

export function bool(name: string, def: boolean): boolean {
  const v = raw(name);
  return v === undefined || v === "" ? def : /^(1|true|yes|on)$/i.test(v);
}

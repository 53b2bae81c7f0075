// Parsing what `zfs` and `zpool` print in scripted mode (-H: tab-separated, no header), for both
// OpenZFS (exact numbers with -p) and zfs-fuse (whose `zfs list` and `zpool list` have no -p and
// print rounded human sizes such as 1.5G, 512K or `-`).

const UNITS = "BKMGTPEZ";

/** Bytes from `372736`, `1.5G`, `59.5M`, `512K`, `0` or `-` (no value, read as 0). */
export function parseSize(text: string): number {
  const t = text.trim();
  if (t === "-" || t === "none") return 0;
  const m = /^(\d+(?:\.\d+)?)([BKMGTPEZ])?$/i.exec(t);
  if (!m) throw new Error(`unexpected size ${JSON.stringify(text)} in zfs output`);
  const power = m[2] ? UNITS.indexOf(m[2].toUpperCase()) : 0;
  return Math.round(Number(m[1]) * 1024 ** power);
}

/** `1.53x` (zfs-fuse, OpenZFS without -p) or `1.53` (OpenZFS with -p). */
export function parseRatio(text: string): number | undefined {
  const n = Number.parseFloat(text);
  return Number.isFinite(n) ? n : undefined;
}

/** Rows of `-H` output: one array of tab-separated fields per non-empty line. */
export function parseRows(stdout: string): string[][] {
  return stdout
    .split("\n")
    .filter((line) => line.includes("\t"))
    .map((line) => line.split("\t"));
}

export interface PropertyValue {
  value: string;
  source: string;
}

/**
 * `zfs get -Hp -o name,property,value,source …` as name → property → value, in the order zfs
 * printed the names (for snapshots of one dataset: creation order).
 */
export function parseGet(stdout: string): Map<string, Map<string, PropertyValue>> {
  const out = new Map<string, Map<string, PropertyValue>>();
  for (const [name, property, value, source] of parseRows(stdout)) {
    if (name === undefined || property === undefined || value === undefined) continue;
    const props = out.get(name) ?? new Map<string, PropertyValue>();
    out.set(name, props);
    props.set(property, { value, source: source ?? "-" });
  }
  return out;
}

/** User properties (`module:property`) that have a value. */
export function userProperties(props: Map<string, PropertyValue>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, { value, source }] of props) {
    if (name.includes(":") && !(value === "-" && source === "-")) out[name] = value;
  }
  return out;
}

// Parsing what btrfs-progs, findmnt, compsize and /proc/self/mountinfo print, for the btrfs
// driver. Text output is parsed rather than `btrfs --format json`, which older btrfs-progs lack
// and which `subvolume list` does not offer at all.
import { assertDatasetName } from "./names";

export interface QgroupUsage {
  referenced: number;
  exclusive: number;
}

/**
 * `btrfs qgroup show --raw`: level-0 qgroups (`0/<subvolume id>`) by subvolume id. The columns
 * after the id are referenced then exclusive bytes on every btrfs-progs version; limits and the
 * path column come and go with options and versions, so they are not read.
 */
export function parseQgroupShow(stdout: string): Map<number, QgroupUsage> {
  const out = new Map<number, QgroupUsage>();
  for (const line of stdout.split("\n")) {
    const m = /^\s*0\/(\d+)\s+(\d+)\s+(\d+)(?:\s|$)/.exec(line);
    if (m) out.set(Number(m[1]), { referenced: Number(m[2]), exclusive: Number(m[3]) });
  }
  return out;
}

/**
 * `btrfs subvolume list`: `ID 257 gen 9 top level 5 path .snapshots/a@s1`, paths relative to the
 * filesystem's top-level subvolume (whatever is mounted). Paths may contain spaces: everything
 * after ` path ` is the path.
 */
export function parseSubvolumeList(stdout: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of stdout.split("\n")) {
    const m = /^ID (\d+) .*? path (.+)$/.exec(line);
    if (m) out.set(m[2]!.replace(/^<FS_TREE>\//, ""), Number(m[1]));
  }
  return out;
}

/** `compsize -b`: the TOTAL row's uncompressed bytes over its bytes on disk, like ZFS's compressratio. */
export function parseCompsize(stdout: string): number | undefined {
  const m = /^TOTAL\s+\d+%\s+(\d+)\s+(\d+)\s+\d+\s*$/m.exec(stdout);
  if (!m) return undefined;
  const [disk, uncompressed] = [Number(m[1]), Number(m[2])];
  return disk > 0 ? Math.round((uncompressed / disk) * 100) / 100 : undefined;
}

export interface MountinfoEntry {
  /** The path inside the filesystem that is mounted (`/` for the top level, `/@home` for a subvolume). */
  root: string;
  mountpoint: string;
  fstype: string;
}

/** `/proc/self/mountinfo` (see proc(5)); paths there escape space, tab, newline and `\` in octal. */
export function parseMountinfo(text: string): MountinfoEntry[] {
  const decode = (s: string) =>
    s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
  const out: MountinfoEntry[] = [];
  for (const line of text.split("\n")) {
    const [left, right] = line.split(" - ");
    const f = left?.split(" ") ?? [];
    const fstype = right?.split(" ")[0];
    if (f.length < 5 || !fstype) continue;
    out.push({ root: decode(f[3]!), mountpoint: decode(f[4]!), fstype });
  }
  return out;
}

export interface MountedBtrfs {
  /** The filesystem's label when it is a valid pool name, else `btrfs-<basename of the mountpoint>`. */
  name: string;
  mountpoint: string;
  uuid: string;
  sizeBytes: number;
  freeBytes: number;
  health: string;
}

interface FindmntRow {
  target?: string;
  source?: string;
  label?: string | null;
  uuid?: string | null;
  fsroot?: string;
  options?: string;
  size?: number | string | null;
  avail?: number | string | null;
  children?: FindmntRow[];
}

/**
 * `findmnt -t btrfs -J -b -o TARGET,SOURCE,LABEL,UUID,FSROOT,OPTIONS,SIZE,AVAIL`: every writable
 * btrfs filesystem once. A mount of a subvolume of a filesystem already listed (same UUID, a
 * subvolume below the other mount's root) is the same pool seen twice and is left out.
 */
export function parseFindmnt(stdout: string): MountedBtrfs[] {
  const rows: FindmntRow[] = [];
  const walk = (list: FindmntRow[] | undefined) => {
    for (const r of list ?? []) {
      rows.push(r);
      walk(r.children);
    }
  };
  walk((JSON.parse(stdout) as { filesystems?: FindmntRow[] }).filesystems);
  const depth = (r: FindmntRow) => (r.fsroot ?? "/").split("/").filter(Boolean).length;
  const within = (inner: string, outer: string) =>
    outer === "/" || inner === outer || inner.startsWith(`${outer}/`);
  const kept: FindmntRow[] = [];
  // Shallowest first, so a filesystem's top-level mount wins over mounts of its subvolumes.
  for (const r of rows.map((r, i) => ({ r, i })).sort((a, b) => depth(a.r) - depth(b.r) || a.i - b.i)) {
    const { target, uuid, fsroot = "/", options = "" } = r.r;
    if (!target || options.split(",").includes("ro")) continue;
    if (kept.some((k) => uuid && k.uuid === uuid && within(fsroot, k.fsroot ?? "/"))) continue;
    kept.push(r.r);
  }
  const out: MountedBtrfs[] = [];
  for (const r of kept) {
    let name = poolName(r.label ?? undefined, r.target!);
    if (out.some((o) => o.name === name)) name = `${name}-${(r.uuid ?? "").slice(0, 8) || out.length}`;
    out.push({
      name,
      mountpoint: r.target!,
      uuid: r.uuid ?? "",
      sizeBytes: Number(r.size ?? 0) || 0,
      freeBytes: Number(r.avail ?? 0) || 0,
      health: "ONLINE",
    });
  }
  return out;
}

/** The label when it is a valid pool name; otherwise a name that stays the same while the mountpoint does. */
export function poolName(label: string | undefined, mountpoint: string): string {
  if (label && validPoolName(label)) return label;
  const base = mountpoint.split("/").filter(Boolean).pop() ?? "";
  const cleaned = base
    .replace(/[^A-Za-z0-9_.:-]/g, "-")
    .replace(/\.{2,}/g, "-")
    .replace(/^[-.:_]+|[-.:_]+$/g, "");
  const name = `btrfs-${cleaned || "root"}`.slice(0, 200);
  return validPoolName(name) ? name : "btrfs-root";
}

function validPoolName(name: string): boolean {
  if (name.includes("/")) return false;
  try {
    assertDatasetName(name);
    return true;
  } catch {
    return false;
  }
}

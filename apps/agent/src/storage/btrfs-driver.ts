// The btrfs storage driver: every dataset is a subvolume of one mounted btrfs filesystem, restore
// points are read-only snapshots and clones are writable snapshots of those, all copy-on-write at
// kernel speed, with ZFS's semantics and error codes. btrfs has no user properties, so datasets
// and snapshots keep theirs in the sidecar layout of sidecar-driver.ts (R is the mountpoint; every
// dataset directory, parents too, is a subvolume); compression is also set on each subvolume, and
// space comes from quota groups, which the driver enables.
// A snapshot of a subvolume does not contain the subvolumes nested in it (they show as empty
// directories), just as a ZFS snapshot does not contain the child datasets.
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, readlink, realpath, rename, statfs } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { CommandError, type Runner, run } from "../util/exec";
import {
  type MountedBtrfs,
  parseCompsize,
  parseFindmnt,
  parseMountinfo,
  parseQgroupShow,
  parseSubvolumeList,
  type QgroupUsage,
} from "./btrfs-output";
import { type PoolStatus, type SpaceUsage, type StorageDriver, StorageError } from "./driver";
import { exists, readJson, writeJson } from "./sidecar";
import {
  type DatasetMeta,
  MARKER,
  SidecarDriver,
  type SidecarDriverOptions,
  type SnapshotMeta,
} from "./sidecar-driver";

export type { MountedBtrfs } from "./btrfs-output";

const BTRFS_SUPER_MAGIC = 0x9123683e;
// btrfs-progs messages are matched in English.
const ENV = { ...process.env, LC_ALL: "C" };
/**
 * Quota groups count what a transaction commit accounted; a commit happens every 30 s by default
 * and with every snapshot. Space readings force one (`btrfs filesystem sync`, which also flushes
 * dirty data) at most this often, so the status loop does not flush the disk every second.
 */
const SYNC_EVERY_MS = 5_000;
/** compsize reads every extent of the dataset: the status loop gets a ratio at most this old. */
const COMPSIZE_EVERY_MS = 60_000;
const BUSY_RETRIES = 8;
const BUSY_DELAY_MS = 250;

/**
 * ZFS compression values to btrfs's algorithms (btrfs takes no level in the property):
 * on → zstd (the best ratio per CPU of the three), off → none, gzip and gzip-N → zlib (the same
 * deflate), lz4 and lzjb → lzo (like them: fast, light compression), zstd and zstd-N → zstd.
 */
function btrfsCompression(value: string): string | undefined {
  if (value === "on" || value === "zstd" || /^zstd(-fast)?-\d+$/.test(value)) return "zstd";
  if (value === "off") return "none";
  if (value === "gzip" || /^gzip-[1-9]$/.test(value)) return "zlib";
  if (value === "lz4" || value === "lzjb") return "lzo";
  return undefined;
}

/** What the tideline root carries for every cluster's datasets to inherit, as on ZFS. */
const TIDELINE_DEFAULTS = { compression: "on", dedup: "off" };

export type BtrfsDriverOptions = SidecarDriverOptions;

export class BtrfsDriver extends SidecarDriver implements StorageDriver {
  readonly kind = "btrfs";
  #quotas: Promise<void> | undefined;
  #fsPath: Promise<string | undefined> | undefined;
  #compsize: boolean | undefined;
  readonly #ratios = new Map<string, { at: number; ratio: number | undefined }>();
  #syncedAt = 0;

  constructor(
    readonly mountpoint: string,
    pool: string,
    opts: BtrfsDriverOptions = {},
  ) {
    super(mountpoint, pool, { ...opts, rootName: "mountpoint", toStorageError });
  }

  /** Every writable btrfs filesystem mounted on this host, once each, with a pool name. */
  static async listMounted(runner: Runner = run): Promise<MountedBtrfs[]> {
    const r = await runner(
      "findmnt",
      ["-t", "btrfs", "-J", "-b", "-o", "TARGET,SOURCE,LABEL,UUID,FSROOT,OPTIONS,SIZE,AVAIL"],
      { allowFail: true, env: ENV },
    ).catch(() => ({ code: 1, stdout: "" }));
    // findmnt exits 1 when nothing matches.
    if (r.code !== 0 || !r.stdout.trim()) return [];
    return parseFindmnt(r.stdout);
  }

  // ── datasets ────────────────────────────────────────────────────────────────

  /** Only properties btrfs can honour are accepted, so a setting never silently does nothing. */
  protected override assertSupported(props: Record<string, string>): void {
    for (const [name, value] of Object.entries(props)) {
      if (name.includes(":")) continue; // user properties live in the sidecar
      if (name === "compression" && btrfsCompression(value) !== undefined) continue;
      if (name === "dedup" && value === "off") continue; // btrfs has no inline deduplication
      throw new StorageError(
        "PROPERTY_NOT_SUPPORTED",
        name === "compression"
          ? `btrfs cannot compress with ${JSON.stringify(value)}: use on, off, gzip[-N], lz4, lzjb or zstd`
          : `btrfs has no ${name}=${value}: only compression (and dedup=off) apply to btrfs datasets`,
      );
    }
  }

  protected override async preparePool(): Promise<void> {
    if (!(await exists(this.mountpoint)))
      throw new StorageError("DATASET_NOT_FOUND", `pool ${this.pool}: ${this.mountpoint} does not exist`);
    await this.#ensureQuotas();
  }

  /** A new subvolume for `dataset`, with its sidecar and inherited compression. */
  protected override async makeDataset(dataset: string): Promise<void> {
    const props = dataset === `${this.pool}/tideline` ? TIDELINE_DEFAULTS : {};
    const meta: DatasetMeta = { props, createdAt: new Date().toISOString() };
    await this.#publish(dataset, meta, (tmp) => this.#btrfs(["subvolume", "create", tmp]));
  }

  /**
   * btrfs deletes a subvolume that processes still use (ZFS refuses to unmount it): refuse before
   * anything is gone, so a running server or pg_receivewal never loses its files.
   */
  protected override async assertUnused(dataset: string): Promise<void> {
    const dir = await realpath(this.dir(dataset));
    for (let attempt = 1; ; attempt++) {
      const users = await processesUsing(dir);
      if (users.length === 0) return;
      if (attempt >= BUSY_RETRIES) {
        throw new StorageError(
          "DATASET_BUSY",
          `${dataset} is busy: processes ${users.join(", ")} still use its files`,
        );
      }
      await sleep(BUSY_DELAY_MS);
    }
  }

  protected override async removeDataset(dataset: string): Promise<void> {
    for (const tmp of await this.#unpublished(dataset)) await this.#deleteSubvolume(tmp);
    await this.#deleteSubvolume(this.dir(dataset));
  }

  // ── snapshots ───────────────────────────────────────────────────────────────

  /** Not atomic across datasets: btrfs snapshots one subvolume at a time. */
  protected override async makeSnapshots(
    datasets: string[],
    snap: string,
    userProps: Record<string, string>,
  ): Promise<void> {
    const made: string[] = [];
    await this.guard(async () => {
      try {
        for (const d of datasets) {
          const dir = this.snapDir(d, snap);
          await mkdir(dirname(dir), { recursive: true });
          // A snapshot without its .json is the leftover of a crash: it was never listed.
          await this.deleteSnapshotFiles(dir);
          await this.#btrfs(["subvolume", "snapshot", "-r", this.dir(d), dir]);
          made.push(d);
        }
        // Listed only once every snapshot exists.
        const createdAt = new Date().toISOString();
        for (const d of datasets) {
          await writeJson(this.snapMeta(d, snap), { createdAt, userProps } satisfies SnapshotMeta);
        }
      } catch (err) {
        for (const d of made) await this.removeSnapshot(d, snap).catch(() => {});
        throw err;
      }
    });
  }

  protected override async deleteSnapshotFiles(path: string): Promise<void> {
    if (await exists(path)) await this.#deleteSubvolume(path);
  }

  /** Like ZFS's `used`: what destroying a snapshot alone would free, its exclusive bytes. */
  protected override async snapshotSizes(paths: string[]) {
    return (await this.#usage(paths)).map((u) => ({
      usedBytes: u?.exclusive ?? 0,
      referencedBytes: u?.referenced ?? 0,
    }));
  }

  // ── clones ──────────────────────────────────────────────────────────────────

  protected override async makeClone(
    source: string,
    target: string,
    marker: Omit<DatasetMeta, "createdAt">,
  ): Promise<void> {
    const meta: DatasetMeta = { ...marker, createdAt: new Date().toISOString() };
    await this.guard(() =>
      this.#publish(target, meta, (tmp) => this.#btrfs(["subvolume", "snapshot", source, tmp])),
    );
  }

  // ── inventory ───────────────────────────────────────────────────────────────

  protected override async applyProperties(dataset: string, props: Record<string, string>): Promise<void> {
    if (props.compression === undefined) return;
    // btrfs passes compression on only to files created later in a directory, never to a
    // subvolume: set it on this dataset and on the descendants that inherit it, as ZFS would.
    for (const d of await this.walk(dataset)) {
      const value = await this.inherited(d, "compression");
      if (value !== undefined) await this.#setCompression(this.dir(d), value);
    }
  }

  protected override async usedBytesBelow(top: string): Promise<Map<string, number>> {
    const space = await this.#space(top);
    return new Map(space.datasets.map((d) => [d, space.usedBy(d)]));
  }

  async spaceUsed(dataset: string): Promise<SpaceUsage> {
    this.check(dataset);
    await this.meta(dataset);
    const [space, fs, compressRatio] = await Promise.all([
      this.#space(dataset),
      this.fs(),
      this.#compressRatio(this.dir(dataset)),
    ]);
    return {
      usedBytes: space.usedBy(dataset),
      availableBytes: fs.availableBytes,
      snapshotsBytes: space.snapshotsOf(dataset),
      compressRatio,
    };
  }

  async poolStatus(): Promise<PoolStatus> {
    try {
      const s = await statfs(this.mountpoint);
      if (s.type !== BTRFS_SUPER_MAGIC) throw new Error("not btrfs");
      return {
        name: this.pool,
        sizeBytes: s.blocks * s.bsize,
        freeBytes: s.bavail * s.bsize,
        health: "ONLINE",
      };
    } catch {
      return { name: this.pool, sizeBytes: 0, freeBytes: 0, health: "UNAVAIL" };
    }
  }

  // ── helpers ─────────────────────────────────────────────────────────────────

  #btrfs(args: string[]) {
    return this.run("btrfs", args, { env: ENV });
  }

  /**
   * Makes the subvolume under a hidden name beside its final place, writes its sidecar and
   * compression, then renames it into place: a dataset is never seen half made.
   */
  async #publish(dataset: string, meta: DatasetMeta, make: (tmp: string) => Promise<unknown>): Promise<void> {
    const dir = this.dir(dataset);
    const tmp = join(dirname(dir), `.${basename(dir)}.tmp-${randomBytes(4).toString("hex")}`);
    await make(tmp);
    try {
      await writeJson(join(tmp, MARKER), meta);
      const parent = dataset.slice(0, dataset.lastIndexOf("/"));
      const compression = meta.props.compression ?? (await this.inherited(parent, "compression"));
      if (compression !== undefined) await this.#setCompression(tmp, compression);
      await rename(tmp, dir);
    } catch (err) {
      await this.#deleteSubvolume(tmp).catch(() => {});
      throw err;
    }
  }

  /** Subvolumes a crash left under their hidden name in `dataset`: they would keep it from being deleted. */
  async #unpublished(dataset: string): Promise<string[]> {
    const entries = await readdir(this.dir(dataset), { withFileTypes: true }).catch(() => []);
    return entries
      .filter((e) => e.isDirectory() && /^\..+\.tmp-[0-9a-f]{8}$/.test(e.name))
      .map((e) => join(this.dir(dataset), e.name));
  }

  async #setCompression(path: string, value: string): Promise<void> {
    const algorithm = btrfsCompression(value);
    if (algorithm) await this.#btrfs(["property", "set", path, "compression", algorithm]);
  }

  async #deleteSubvolume(path: string): Promise<void> {
    await this.#btrfs(["subvolume", "delete", path]);
  }

  /** Quotas are what make a snapshot's own bytes countable; enabling them again is harmless. */
  #ensureQuotas(): Promise<void> {
    this.#quotas ??= (async () => {
      await this.#btrfs(["quota", "enable", this.mountpoint]);
      // Enabling starts a rescan of what is already there; wait for it so the first numbers are right.
      await this.#btrfs(["quota", "rescan", "-W", this.mountpoint]);
    })();
    this.#quotas.catch(() => {
      this.#quotas = undefined;
    });
    return this.#quotas;
  }

  /** Referenced and exclusive bytes of the subvolumes at `paths` (undefined where there is none). */
  async #usage(paths: string[]): Promise<Array<QgroupUsage | undefined>> {
    if (paths.length === 0) return [];
    return this.guard(async () => {
      await this.#ensureQuotas();
      if (Date.now() - this.#syncedAt > SYNC_EVERY_MS) {
        await this.#btrfs(["filesystem", "sync", this.mountpoint]);
        this.#syncedAt = Date.now();
      }
      const [ids, groups] = await Promise.all([this.#subvolumeIds(), this.#qgroups()]);
      return paths.map((p) => {
        const id = ids.get(relative(this.mountpoint, p));
        return id === undefined ? undefined : groups.get(id);
      });
    });
  }

  async #qgroups(): Promise<Map<number, QgroupUsage>> {
    const show = () => this.#btrfs(["qgroup", "show", "--raw", this.mountpoint]);
    let r = await show();
    // After an unclean shutdown or a qgroup change btrfs marks the numbers inconsistent: recount.
    if (/inconsistent/i.test(r.stderr)) {
      await this.#btrfs(["quota", "rescan", "-w", this.mountpoint]).catch(() =>
        this.#btrfs(["quota", "rescan", "-W", this.mountpoint]),
      );
      r = await show();
    }
    return parseQgroupShow(r.stdout);
  }

  /** Subvolume ids by path relative to the mountpoint (`""` for the mounted subvolume itself). */
  async #subvolumeIds(): Promise<Map<string, number>> {
    const [list, fsPath] = await Promise.all([
      this.#btrfs(["subvolume", "list", this.mountpoint]),
      this.#mountedFsPath(),
    ]);
    const out = new Map<string, number>();
    if (fsPath === undefined) return out;
    const prefix = fsPath.replace(/^\/+|\/+$/g, "");
    if (prefix === "") out.set("", 5); // the top-level subvolume always has id 5
    for (const [path, id] of parseSubvolumeList(list.stdout)) {
      if (path === prefix) out.set("", id);
      else if (prefix === "") out.set(path, id);
      else if (path.startsWith(`${prefix}/`)) out.set(path.slice(prefix.length + 1), id);
    }
    return out;
  }

  /**
   * Where the mountpoint lies inside the filesystem (`/` when the top level is mounted there):
   * `btrfs subvolume list` names subvolumes by that path, not by where they are mounted.
   */
  #mountedFsPath(): Promise<string | undefined> {
    this.#fsPath ??= (async () => {
      const real = await realpath(this.mountpoint);
      const mounts = parseMountinfo(await readFile("/proc/self/mountinfo", "utf8"));
      const under = (m: { mountpoint: string }) =>
        m.mountpoint === "/" || real === m.mountpoint || real.startsWith(`${m.mountpoint}/`);
      // The last matching entry is the one on top when mounts are stacked.
      const mount = mounts
        .filter(under)
        .sort((a, b) => a.mountpoint.length - b.mountpoint.length)
        .pop();
      if (mount?.fstype !== "btrfs") return undefined;
      return join(mount.root, relative(mount.mountpoint, real));
    })();
    return this.#fsPath;
  }

  /**
   * Space by dataset below `top`, as ZFS counts it: a dataset's own data is what its subvolume
   * references (a clone's only what it wrote: the rest belongs to its origin), each snapshot adds
   * its exclusive bytes, and `used` sums that over the dataset and its descendants. Blocks shared
   * by two snapshots and no longer by the live data are counted by neither (ZFS counts them in
   * `usedbysnapshots`): a small undercount while restore points follow each other closely.
   */
  async #space(top: string) {
    const datasets = await this.walk(top);
    const nodes = await Promise.all(
      datasets.map(async (d) => ({
        dataset: d,
        // read without meta(): a clone destroyed meanwhile must not fail the reading of the others
        clone: (await readJson<DatasetMeta>(this.markerPath(d)).catch(() => undefined))?.origin !== undefined,
        snaps: (await this.snapshotNames(d)).map((s) => this.snapDir(d, s)),
      })),
    );
    const usage = await this.#usage(nodes.flatMap((n) => [this.dir(n.dataset), ...n.snaps]));
    const own = new Map<string, number>();
    const snapshots = new Map<string, number>();
    let i = 0;
    for (const n of nodes) {
      const live = usage[i++];
      let snapBytes = 0;
      for (const _ of n.snaps) snapBytes += usage[i++]?.exclusive ?? 0;
      const liveBytes = (n.clone ? live?.exclusive : live?.referenced) ?? 0;
      own.set(n.dataset, liveBytes + snapBytes);
      snapshots.set(n.dataset, snapBytes);
    }
    const sumBelow = (d: string) =>
      [...own].filter(([name]) => name === d || name.startsWith(`${d}/`)).reduce((a, [, b]) => a + b, 0);
    return {
      datasets,
      usedBy: sumBelow,
      snapshotsOf: (d: string) => snapshots.get(d) ?? 0,
    };
  }

  /** From `compsize` (Debian's btrfs-compsize) where it is installed; btrfs itself does not say. */
  async #compressRatio(dir: string): Promise<number | undefined> {
    if (this.#compsize === false) return undefined;
    const cached = this.#ratios.get(dir);
    if (cached && Date.now() - cached.at < COMPSIZE_EVERY_MS) return cached.ratio;
    try {
      const r = await this.run("compsize", ["-b", dir], { allowFail: true, env: ENV });
      this.#compsize = true;
      const ratio = r.code === 0 ? parseCompsize(r.stdout) : undefined;
      this.#ratios.set(dir, { at: Date.now(), ratio });
      return ratio;
    } catch {
      this.#compsize = false; // not installed
      return undefined;
    }
  }
}

/** Processes whose working directory, root or an open file lies under `dir` (what fuser -m finds). */
async function processesUsing(dir: string): Promise<number[]> {
  const inside = (p: string) => p === dir || p.startsWith(`${dir}/`);
  const out: number[] = [];
  for (const pid of (await readdir("/proc")).filter((n) => /^\d+$/.test(n))) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    const links = [`/proc/${pid}/cwd`, `/proc/${pid}/root`, ...fds.map((fd) => `/proc/${pid}/fd/${fd}`)];
    for (const link of links) {
      if (inside(await readlink(link).catch(() => ""))) {
        out.push(Number(pid));
        break;
      }
    }
  }
  return out;
}

/** Maps btrfs-progs messages and errno codes to the codes the ZFS driver gives. */
export function toStorageError(err: unknown): unknown {
  if (err instanceof StorageError) return err;
  const nodeCode = (err as NodeJS.ErrnoException | undefined)?.code;
  const text = err instanceof CommandError ? err.stderr : String((err as Error | undefined)?.message ?? err);
  const detail = text.trim().split("\n")[0];
  const fail = (code: ConstructorParameters<typeof StorageError>[0], message: string) =>
    new StorageError(code, message, { cause: err });
  if (nodeCode === "ENOSPC" || /no space left on device|ENOSPC/i.test(text)) {
    return fail("POOL_FULL", `the btrfs filesystem is out of space (${detail})`);
  }
  if (nodeCode === "EBUSY" || /device or resource busy/i.test(text)) {
    return fail("DATASET_BUSY", `a subvolume is busy (${detail})`);
  }
  if (/target path already exists/i.test(text)) return fail("DATASET_EXISTS", `already exists (${detail})`);
  return fail("COMMAND_FAILED", err instanceof Error ? err.message : String(err));
}

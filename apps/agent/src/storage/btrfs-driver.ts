// The btrfs storage driver: every dataset is a subvolume of one mounted btrfs filesystem, restore
// points are read-only snapshots and clones are writable snapshots of those, all copy-on-write at
// kernel speed, with ZFS's semantics and error codes. btrfs has no user properties, so each
// dataset's properties (and a clone's origin) live in a JSON sidecar as in the directory driver;
// space comes from quota groups, which the driver enables. Layout, for label `tank` mounted at M:
//   M/                                               the pool's root dataset `tank`
//   M/tideline/c1/replica/                           dataset `tank/tideline/c1/replica`, a
//                                                    subvolume (so is every parent dataset)
//   M/tideline/c1/replica/.tideline-dataset.json     its properties and, for a clone, its origin
//   M/.snapshots/tank/tideline/c1/replica@rp1/       a read-only snapshot of it
//   M/.snapshots/tank/tideline/c1/replica@rp1.json   its creation time and user properties
// A snapshot of a subvolume does not contain the subvolumes nested in it (they show as empty
// directories), just as a ZFS snapshot does not contain the child datasets.
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, readlink, realpath, rename, rm, statfs } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative } from "node:path";
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
import {
  type DatasetInfo,
  type PoolStatus,
  type SnapshotInfo,
  type SpaceUsage,
  type StorageDriver,
  StorageError,
} from "./driver";
import {
  assertDatasetName,
  assertInPool,
  assertProperties,
  assertPropertyName,
  assertSnapshotName,
} from "./names";
import { exists, readJson, writeJson } from "./sidecar";

export type { MountedBtrfs } from "./btrfs-output";

const MARKER = ".tideline-dataset.json";
const SNAPSHOTS = ".snapshots";
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

interface DatasetMeta {
  props: Record<string, string>;
  /** `dataset@snap` this dataset was cloned from: what makes a snapshot undestroyable. */
  origin?: string;
  createdAt: string;
}

interface SnapshotMeta {
  createdAt: string;
  userProps: Record<string, string>;
}

export interface BtrfsDriverOptions {
  run?: Runner;
}

export class BtrfsDriver implements StorageDriver {
  readonly kind = "btrfs";
  readonly #run: Runner;
  #quotas: Promise<void> | undefined;
  #fsPath: Promise<string | undefined> | undefined;
  #compsize: boolean | undefined;
  readonly #ratios = new Map<string, { at: number; ratio: number | undefined }>();
  #syncedAt = 0;

  constructor(
    readonly mountpoint: string,
    readonly pool: string,
    opts: BtrfsDriverOptions = {},
  ) {
    if (!isAbsolute(mountpoint))
      throw new StorageError("INVALID_NAME", `mountpoint ${JSON.stringify(mountpoint)} is not absolute`);
    assertDatasetName(pool);
    if (pool.includes("/"))
      throw new StorageError("INVALID_NAME", `label ${JSON.stringify(pool)} contains "/"`);
    this.#run = opts.run ?? run;
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

  async mountpointOf(dataset: string): Promise<string> {
    this.#check(dataset);
    await this.#meta(dataset);
    return this.#dir(dataset);
  }

  async createDataset(dataset: string, props: Record<string, string> = {}): Promise<void> {
    this.#check(dataset);
    assertProperties(props);
    assertSupported(props);
    if (!(await exists(this.mountpoint)))
      throw new StorageError("DATASET_NOT_FOUND", `pool ${this.pool}: ${this.mountpoint} does not exist`);
    await guard(async () => {
      await this.#ensureQuotas();
      const parts = dataset.split("/");
      for (let i = 2; i <= parts.length; i++) {
        const name = parts.slice(0, i).join("/");
        if (await this.datasetExists(name)) continue;
        await this.#createSubvolume(name, name === `${this.pool}/tideline` ? TIDELINE_DEFAULTS : {});
      }
      if (Object.keys(props).length > 0) await this.setProperties(dataset, props);
    });
  }

  async destroyDataset(dataset: string, opts: { recursive?: boolean } = {}): Promise<void> {
    this.#check(dataset);
    if (dataset === this.pool)
      throw new StorageError("INVALID_NAME", `the root dataset ${dataset} cannot be destroyed`);
    if (!(await this.datasetExists(dataset))) return;
    const subtree = await this.#walk(dataset);
    const snapshots = (
      await Promise.all(subtree.map(async (d) => (await this.#snapshotNames(d)).map((s) => `${d}@${s}`)))
    ).flat();
    if (!opts.recursive && (subtree.length > 1 || snapshots.length > 0)) {
      const children = [...subtree.slice(1), ...snapshots].join(", ");
      throw new StorageError(
        "DATASET_HAS_CHILDREN",
        `${dataset} has children (${children}); destroy them or destroy recursively`,
      );
    }
    const inside = (d: string) => d === dataset || d.startsWith(`${dataset}/`);
    const outsideClones = (await this.#clonesOf(new Set(snapshots))).filter((c) => !inside(c.clone));
    if (outsideClones.length > 0) {
      const list = outsideClones.map((c) => `${c.clone} of ${c.origin}`).join(", ");
      throw new StorageError(
        "SNAPSHOT_HAS_CLONES",
        `${dataset} has snapshots with dependent clones (${list})`,
      );
    }
    // btrfs deletes a subvolume that processes still use (ZFS refuses to unmount it): refuse here,
    // before anything is gone, so a running server or pg_receivewal never loses its files.
    await this.#waitUntilUnused(dataset);
    await guard(async () => {
      // Deepest first: btrfs does not delete a subvolume that still holds another.
      for (const d of subtree.reverse()) {
        for (const s of await this.#snapshotNames(d)) await this.#removeSnapshot(d, s);
        for (const tmp of await this.#unpublished(d)) await this.#deleteSubvolume(tmp);
        await this.#deleteSubvolume(this.#dir(d));
      }
    });
  }

  async datasetExists(dataset: string): Promise<boolean> {
    this.#check(dataset);
    return exists(dataset === this.pool ? this.mountpoint : this.#markerPath(dataset));
  }

  // ── snapshots ───────────────────────────────────────────────────────────────

  async snapshot(dataset: string, snap: string, userProps: Record<string, string> = {}): Promise<void> {
    await this.snapshotMany([dataset], snap, userProps);
  }

  /** Not atomic across datasets: btrfs snapshots one subvolume at a time. */
  async snapshotMany(
    datasets: string[],
    snap: string,
    userProps: Record<string, string> = {},
  ): Promise<void> {
    for (const d of datasets) this.#check(d);
    assertSnapshotName(snap);
    assertProperties(userProps, { user: true });
    const unique = [...new Set(datasets)];
    for (const d of unique) {
      await this.#meta(d);
      if (await exists(this.#snapMeta(d, snap))) {
        throw new StorageError("SNAPSHOT_EXISTS", `snapshot ${d}@${snap} already exists`);
      }
    }
    const made: string[] = [];
    await guard(async () => {
      try {
        for (const d of unique) {
          const dir = this.#snapDir(d, snap);
          await mkdir(dirname(dir), { recursive: true });
          // A snapshot without its .json is the leftover of a crash: it was never listed.
          if (await exists(dir)) await this.#deleteSubvolume(dir);
          await this.#btrfs(["subvolume", "snapshot", "-r", this.#dir(d), dir]);
          made.push(d);
        }
        // Listed only once every snapshot exists.
        const createdAt = new Date().toISOString();
        for (const d of unique) {
          await writeJson(this.#snapMeta(d, snap), { createdAt, userProps } satisfies SnapshotMeta);
        }
      } catch (err) {
        for (const d of made) await this.#removeSnapshot(d, snap).catch(() => {});
        throw err;
      }
    });
  }

  async destroySnapshot(dataset: string, snap: string): Promise<void> {
    this.#check(dataset);
    assertSnapshotName(snap);
    const full = `${dataset}@${snap}`;
    if (!(await exists(this.#snapMeta(dataset, snap)))) return;
    const clones = await this.#clonesOf(new Set([full]));
    if (clones.length > 0) {
      const list = clones.map((c) => c.clone).join(", ");
      throw new StorageError(
        "SNAPSHOT_HAS_CLONES",
        `${full} has dependent clones (${list}); destroy the clones first`,
      );
    }
    await guard(() => this.#removeSnapshot(dataset, snap));
  }

  async listSnapshots(dataset: string): Promise<SnapshotInfo[]> {
    this.#check(dataset);
    await this.#meta(dataset);
    const names = await this.#snapshotNames(dataset);
    const usage = await this.#usage(names.map((s) => this.#snapDir(dataset, s)));
    const found = await Promise.all(
      names.map(async (name, i): Promise<SnapshotInfo | undefined> => {
        // A snapshot destroyed meanwhile (retention runs beside the status loop) is simply not listed.
        const meta = await readJson<SnapshotMeta>(this.#snapMeta(dataset, name)).catch(() => undefined);
        if (!meta) return undefined;
        return {
          name,
          createdAt: new Date(meta.createdAt),
          // Like ZFS's `used`: what destroying this snapshot alone would free.
          usedBytes: usage[i]?.exclusive ?? 0,
          referencedBytes: usage[i]?.referenced ?? 0,
          userProps: meta.userProps,
        };
      }),
    );
    const out = found.filter((s) => s !== undefined);
    return out.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.name.localeCompare(b.name));
  }

  // ── clones ──────────────────────────────────────────────────────────────────

  async clone(
    dataset: string,
    snap: string,
    target: string,
    props: Record<string, string> = {},
  ): Promise<void> {
    this.#check(dataset);
    assertSnapshotName(snap);
    this.#check(target);
    assertProperties(props);
    assertSupported(props);
    if (!(await exists(this.#snapMeta(dataset, snap)))) {
      throw new StorageError("SNAPSHOT_NOT_FOUND", `snapshot ${dataset}@${snap} does not exist`);
    }
    if (await this.datasetExists(target))
      throw new StorageError("DATASET_EXISTS", `dataset ${target} already exists`);
    const parent = target.slice(0, target.lastIndexOf("/"));
    await this.createDataset(parent);
    const meta: DatasetMeta = { props, origin: `${dataset}@${snap}`, createdAt: new Date().toISOString() };
    await guard(() =>
      this.#publish(target, meta, (tmp) =>
        this.#btrfs(["subvolume", "snapshot", this.#snapDir(dataset, snap), tmp]),
      ),
    );
  }

  // ── inventory ───────────────────────────────────────────────────────────────

  async listDatasets(prefix?: string): Promise<DatasetInfo[]> {
    const top = prefix ?? this.pool;
    this.#check(top);
    if (!(await this.datasetExists(top))) return [];
    const [space, fs] = await Promise.all([this.#space(top), this.#fs()]);
    return space.datasets.map((name) => ({
      name,
      mountpoint: this.#dir(name),
      usedBytes: space.usedBy(name),
      availableBytes: fs.availableBytes,
    }));
  }

  /**
   * Stored properties, inherited from the nearest ancestor that sets them as in ZFS, plus the
   * computed `mountpoint`, `origin`, `type` and `creation` (seconds since the epoch).
   */
  async getProperties(dataset: string, names: string[]): Promise<Record<string, string>> {
    this.#check(dataset);
    for (const name of names) assertPropertyName(name);
    const meta = await this.#meta(dataset);
    const computed: Record<string, string | undefined> = {
      mountpoint: this.#dir(dataset),
      origin: meta.origin,
      type: "filesystem",
      creation: String(Math.floor(Date.parse(meta.createdAt) / 1000)),
    };
    const out: Record<string, string> = {};
    for (const name of names) {
      const value = name in computed ? computed[name] : await this.#inherited(dataset, name, meta);
      if (value !== undefined) out[name] = value;
    }
    return out;
  }

  async setProperties(dataset: string, props: Record<string, string>): Promise<void> {
    this.#check(dataset);
    assertProperties(props);
    assertSupported(props);
    const meta = await this.#meta(dataset);
    await guard(async () => {
      await writeJson(this.#markerPath(dataset), { ...meta, props: { ...meta.props, ...props } });
      if (props.compression === undefined) return;
      // btrfs passes compression on only to files created later in a directory, never to a
      // subvolume: set it on this dataset and on the descendants that inherit it, as ZFS would.
      for (const d of await this.#walk(dataset)) {
        const value = await this.#inherited(d, "compression");
        if (value !== undefined) await this.#setCompression(this.#dir(d), value);
      }
    });
  }

  async spaceUsed(dataset: string): Promise<SpaceUsage> {
    this.#check(dataset);
    await this.#meta(dataset);
    const [space, fs, compressRatio] = await Promise.all([
      this.#space(dataset),
      this.#fs(),
      this.#compressRatio(this.#dir(dataset)),
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

  #check(dataset: string): void {
    assertInPool(dataset, this.pool);
  }

  #dir(dataset: string): string {
    return join(this.mountpoint, ...dataset.split("/").slice(1));
  }

  #markerPath(dataset: string): string {
    return join(this.#dir(dataset), MARKER);
  }

  #snapDir(dataset: string, snap: string): string {
    return join(this.mountpoint, SNAPSHOTS, `${dataset}@${snap}`);
  }

  #snapMeta(dataset: string, snap: string): string {
    return `${this.#snapDir(dataset, snap)}.json`;
  }

  #btrfs(args: string[]) {
    return this.#run("btrfs", args, { env: ENV });
  }

  async #meta(dataset: string): Promise<DatasetMeta> {
    if (!(await this.datasetExists(dataset))) {
      throw new StorageError("DATASET_NOT_FOUND", `dataset ${dataset} does not exist`);
    }
    // The root dataset exists as soon as the mountpoint does, sidecar or not.
    return readJson<DatasetMeta>(this.#markerPath(dataset)).catch(() => ({
      props: {},
      createdAt: new Date(0).toISOString(),
    }));
  }

  /** The value the dataset has or inherits from its nearest ancestor that sets it. */
  async #inherited(dataset: string, name: string, own?: DatasetMeta): Promise<string | undefined> {
    const parts = dataset.split("/");
    for (let i = parts.length; i >= 1; i--) {
      const d = parts.slice(0, i).join("/");
      const meta = i === parts.length && own ? own : await this.#meta(d);
      if (name in meta.props) return meta.props[name];
    }
    return undefined;
  }

  /** A new subvolume for `dataset` (whose parent exists), with its sidecar and inherited compression. */
  async #createSubvolume(dataset: string, props: Record<string, string>): Promise<void> {
    const meta: DatasetMeta = { props, createdAt: new Date().toISOString() };
    await this.#publish(dataset, meta, (tmp) => this.#btrfs(["subvolume", "create", tmp]));
  }

  /**
   * Makes the subvolume under a hidden name beside its final place, writes its sidecar and
   * compression, then renames it into place: a dataset is never seen half made.
   */
  async #publish(dataset: string, meta: DatasetMeta, make: (tmp: string) => Promise<unknown>): Promise<void> {
    const dir = this.#dir(dataset);
    const tmp = join(dirname(dir), `.${basename(dir)}.tmp-${randomBytes(4).toString("hex")}`);
    await make(tmp);
    try {
      await writeJson(join(tmp, MARKER), meta);
      const parent = dataset.slice(0, dataset.lastIndexOf("/"));
      const compression = meta.props.compression ?? (await this.#inherited(parent, "compression"));
      if (compression !== undefined) await this.#setCompression(tmp, compression);
      await rename(tmp, dir);
    } catch (err) {
      await this.#deleteSubvolume(tmp).catch(() => {});
      throw err;
    }
  }

  /** Subvolumes a crash left under their hidden name in `dataset`: they would keep it from being deleted. */
  async #unpublished(dataset: string): Promise<string[]> {
    const entries = await readdir(this.#dir(dataset), { withFileTypes: true }).catch(() => []);
    return entries
      .filter((e) => e.isDirectory() && /^\..+\.tmp-[0-9a-f]{8}$/.test(e.name))
      .map((e) => join(this.#dir(dataset), e.name));
  }

  async #setCompression(path: string, value: string): Promise<void> {
    const algorithm = btrfsCompression(value);
    if (algorithm) await this.#btrfs(["property", "set", path, "compression", algorithm]);
  }

  async #deleteSubvolume(path: string): Promise<void> {
    await this.#btrfs(["subvolume", "delete", path]);
  }

  async #removeSnapshot(dataset: string, snap: string): Promise<void> {
    // The .json goes first: without it the snapshot is no longer listed, even if deletion fails.
    await rm(this.#snapMeta(dataset, snap), { force: true });
    if (await exists(this.#snapDir(dataset, snap))) await this.#deleteSubvolume(this.#snapDir(dataset, snap));
  }

  /** The dataset and its descendants, parents first: child datasets are subvolumes with a sidecar. */
  async #walk(dataset: string): Promise<string[]> {
    const out = [dataset];
    const entries = await readdir(this.#dir(dataset), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const child = `${dataset}/${e.name}`;
      if (e.isDirectory() && !e.name.startsWith(".") && (await exists(this.#markerPath(child)))) {
        out.push(...(await this.#walk(child)));
      }
    }
    return out;
  }

  async #snapshotNames(dataset: string): Promise<string[]> {
    const parts = dataset.split("/");
    const leaf = parts.pop()!;
    const entries = await readdir(join(this.mountpoint, SNAPSHOTS, ...parts), { withFileTypes: true }).catch(
      () => [],
    );
    return entries
      .filter((e) => e.isFile() && e.name.startsWith(`${leaf}@`) && e.name.endsWith(".json"))
      .map((e) => e.name.slice(leaf.length + 1, -".json".length));
  }

  async #clonesOf(snapshots: Set<string>): Promise<Array<{ clone: string; origin: string }>> {
    if (snapshots.size === 0) return [];
    const out: Array<{ clone: string; origin: string }> = [];
    for (const d of await this.#walk(this.pool)) {
      const { origin } = await this.#meta(d);
      if (origin && snapshots.has(origin)) out.push({ clone: d, origin });
    }
    return out;
  }

  async #waitUntilUnused(dataset: string): Promise<void> {
    const dir = await realpath(this.#dir(dataset));
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
    return guard(async () => {
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
    const datasets = await this.#walk(top);
    const nodes = await Promise.all(
      datasets.map(async (d) => ({
        dataset: d,
        // read without #meta: a clone destroyed meanwhile must not fail the reading of the others
        clone:
          (await readJson<DatasetMeta>(this.#markerPath(d)).catch(() => undefined))?.origin !== undefined,
        snaps: (await this.#snapshotNames(d)).map((s) => this.#snapDir(d, s)),
      })),
    );
    const usage = await this.#usage(nodes.flatMap((n) => [this.#dir(n.dataset), ...n.snaps]));
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
      const r = await this.#run("compsize", ["-b", dir], { allowFail: true, env: ENV });
      this.#compsize = true;
      const ratio = r.code === 0 ? parseCompsize(r.stdout) : undefined;
      this.#ratios.set(dir, { at: Date.now(), ratio });
      return ratio;
    } catch {
      this.#compsize = false; // not installed
      return undefined;
    }
  }

  async #fs(): Promise<{ sizeBytes: number; availableBytes: number }> {
    const s = await statfs(this.mountpoint);
    return { sizeBytes: s.blocks * s.bsize, availableBytes: s.bavail * s.bsize };
  }
}

/** Only properties btrfs can honour are accepted, so a setting never silently does nothing. */
function assertSupported(props: Record<string, string>): void {
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

async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toStorageError(err);
  }
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

// The directory storage driver, for hosts without ZFS: datasets are directories under one root,
// snapshots and clones are copies (`cp -a --reflink=auto`, so copy-on-write filesystems share
// blocks), with ZFS's semantics and error codes. Layout, for label `local`:
//   root/                              the pool's root dataset `local`
//   root/tideline/c1/replica/          dataset `local/tideline/c1/replica`
//   root/tideline/c1/replica/.tideline-dataset.json   its properties and, for a clone, its origin
//   root/.snapshots/local/tideline/c1/replica@rp1/    a snapshot's files
//   root/.snapshots/local/tideline/c1/replica@rp1.json  its creation time and user properties
import { randomBytes } from "node:crypto";
import { chmod, chown, mkdir, readdir, rename, rm, stat, statfs, utimes } from "node:fs/promises";
import { dirname, isAbsolute, join } from "node:path";
import { CommandError, type Runner, run } from "../util/exec";
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

const MARKER = ".tideline-dataset.json";
const SNAPSHOTS = ".snapshots";

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

export interface DirectoryDriverOptions {
  run?: Runner;
}

export class DirectoryDriver implements StorageDriver {
  readonly kind = "directory";
  readonly #run: Runner;

  constructor(
    readonly root: string,
    readonly pool: string,
    opts: DirectoryDriverOptions = {},
  ) {
    if (!isAbsolute(root))
      throw new StorageError("INVALID_NAME", `storage root ${JSON.stringify(root)} is not absolute`);
    assertDatasetName(pool);
    if (pool.includes("/"))
      throw new StorageError("INVALID_NAME", `label ${JSON.stringify(pool)} contains "/"`);
    this.#run = opts.run ?? run;
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
    await guard(async () => {
      const parts = dataset.split("/");
      for (let i = 1; i <= parts.length; i++) {
        const name = parts.slice(0, i).join("/");
        if (await this.datasetExists(name)) continue;
        await mkdir(this.#dir(name), { recursive: true });
        await writeJson(join(this.#dir(name), MARKER), { props: {}, createdAt: new Date().toISOString() });
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
    await guard(async () => {
      for (const s of snapshots) await this.#removeSnapshot(s);
      await rm(this.#dir(dataset), { recursive: true, force: true });
    });
  }

  async datasetExists(dataset: string): Promise<boolean> {
    this.#check(dataset);
    const path = dataset === this.pool ? this.root : join(this.#dir(dataset), MARKER);
    return stat(path).then(
      () => true,
      () => false,
    );
  }

  // ── snapshots ───────────────────────────────────────────────────────────────

  async snapshot(dataset: string, snap: string, userProps: Record<string, string> = {}): Promise<void> {
    await this.snapshotMany([dataset], snap, userProps);
  }

  /** Not atomic across datasets: each is a copy taken in turn. */
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
    const copies: Array<{ tmp: string; dataset: string }> = [];
    try {
      await guard(async () => {
        for (const dataset of unique) {
          const tmp = await this.#tmpPath();
          copies.push({ tmp, dataset });
          await this.#copyDatasetFiles(dataset, tmp);
        }
        // Publish only once every copy succeeded.
        const createdAt = new Date().toISOString();
        for (const { tmp, dataset } of copies) {
          const dir = this.#snapDir(dataset, snap);
          await rm(dir, { recursive: true, force: true }); // leftover of a crash before its .json
          await mkdir(dirname(dir), { recursive: true });
          await rename(tmp, dir);
          await writeJson(this.#snapMeta(dataset, snap), { createdAt, userProps } satisfies SnapshotMeta);
        }
      });
    } finally {
      // Only copies left unpublished by a failure are still there.
      for (const { tmp } of copies) await rm(tmp, { recursive: true, force: true });
    }
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
    await guard(() => this.#removeSnapshot(full));
  }

  async listSnapshots(dataset: string): Promise<SnapshotInfo[]> {
    this.#check(dataset);
    await this.#meta(dataset);
    const names = await this.#snapshotNames(dataset);
    const sizes = await this.#sizes(names.map((s) => this.#snapDir(dataset, s)));
    const out = await Promise.all(
      names.map(async (name, i) => {
        const meta = await readJson<SnapshotMeta>(this.#snapMeta(dataset, name));
        const size = sizes[i] ?? 0;
        return {
          name,
          createdAt: new Date(meta.createdAt),
          usedBytes: size,
          referencedBytes: size,
          userProps: meta.userProps,
        };
      }),
    );
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
    if (!(await exists(this.#snapMeta(dataset, snap)))) {
      throw new StorageError("SNAPSHOT_NOT_FOUND", `snapshot ${dataset}@${snap} does not exist`);
    }
    if (await this.datasetExists(target))
      throw new StorageError("DATASET_EXISTS", `dataset ${target} already exists`);
    await this.createDataset(target.slice(0, target.lastIndexOf("/")));
    const tmp = await this.#tmpPath();
    try {
      await guard(async () => {
        await this.#cp(["-T", this.#snapDir(dataset, snap), tmp]);
        const meta: DatasetMeta = {
          props,
          origin: `${dataset}@${snap}`,
          createdAt: new Date().toISOString(),
        };
        await writeJson(join(tmp, MARKER), meta);
        await rename(tmp, this.#dir(target));
      });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  // ── inventory ───────────────────────────────────────────────────────────────

  async listDatasets(prefix?: string): Promise<DatasetInfo[]> {
    const top = prefix ?? this.pool;
    this.#check(top);
    if (!(await this.datasetExists(top))) return [];
    const { availableBytes } = await this.#fs();
    const datasets = await this.#walk(top);
    return Promise.all(
      datasets.map(async (name) => ({
        name,
        mountpoint: this.#dir(name),
        usedBytes: (await this.spaceUsed(name)).usedBytes,
        availableBytes,
      })),
    );
  }

  /**
   * Stored properties, inherited from the nearest ancestor that sets them as in ZFS, plus the
   * computed `mountpoint`, `origin`, `type` and `creation` (seconds since the epoch).
   */
  async getProperties(dataset: string, names: string[]): Promise<Record<string, string>> {
    this.#check(dataset);
    for (const name of names) assertPropertyName(name);
    const meta = await this.#meta(dataset);
    const chain = [meta];
    const parts = dataset.split("/");
    for (let i = parts.length - 1; i >= 1; i--) chain.push(await this.#meta(parts.slice(0, i).join("/")));
    const computed: Record<string, string | undefined> = {
      mountpoint: this.#dir(dataset),
      origin: meta.origin,
      type: "filesystem",
      creation: String(Math.floor(Date.parse(meta.createdAt) / 1000)),
    };
    const out: Record<string, string> = {};
    for (const name of names) {
      const value = name in computed ? computed[name] : chain.find((m) => name in m.props)?.props[name];
      if (value !== undefined) out[name] = value;
    }
    return out;
  }

  async setProperties(dataset: string, props: Record<string, string>): Promise<void> {
    this.#check(dataset);
    assertProperties(props);
    const meta = await this.#meta(dataset);
    await guard(() => writeJson(this.#markerPath(dataset), { ...meta, props: { ...meta.props, ...props } }));
  }

  async spaceUsed(dataset: string): Promise<SpaceUsage> {
    this.#check(dataset);
    await this.#meta(dataset);
    const own = (await this.#snapshotNames(dataset)).map((s) => this.#snapDir(dataset, s));
    // Like ZFS's `used`: the dataset with its children (nested directories) and all their snapshots.
    const subtreeSnapshots = await Promise.all(
      (await this.#walk(dataset)).map(async (d) =>
        (await this.#snapshotNames(d)).map((s) => this.#snapDir(d, s)),
      ),
    );
    const [dataBytes = 0] = await this.#sizes([this.#dir(dataset)]);
    const snapshotBytes = await this.#sizes(subtreeSnapshots.flat());
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    return {
      usedBytes: dataBytes + sum(snapshotBytes),
      availableBytes: (await this.#fs()).availableBytes,
      snapshotsBytes: sum(await this.#sizes(own)),
    };
  }

  async poolStatus(): Promise<PoolStatus> {
    try {
      const fs = await this.#fs();
      return { name: this.pool, sizeBytes: fs.sizeBytes, freeBytes: fs.availableBytes, health: "ONLINE" };
    } catch {
      return { name: this.pool, sizeBytes: 0, freeBytes: 0, health: "UNAVAIL" };
    }
  }

  // ── helpers ─────────────────────────────────────────────────────────────────

  #check(dataset: string): void {
    assertInPool(dataset, this.pool);
  }

  #dir(dataset: string): string {
    return join(this.root, ...dataset.split("/").slice(1));
  }

  #markerPath(dataset: string): string {
    return join(this.#dir(dataset), MARKER);
  }

  #snapDir(dataset: string, snap: string): string {
    return join(this.root, SNAPSHOTS, `${dataset}@${snap}`);
  }

  #snapMeta(dataset: string, snap: string): string {
    return `${this.#snapDir(dataset, snap)}.json`;
  }

  async #tmpPath(): Promise<string> {
    const dir = join(this.root, SNAPSHOTS);
    await mkdir(dir, { recursive: true });
    return join(dir, `.tmp-${randomBytes(6).toString("hex")}`);
  }

  async #meta(dataset: string): Promise<DatasetMeta> {
    if (!(await this.datasetExists(dataset))) {
      throw new StorageError("DATASET_NOT_FOUND", `dataset ${dataset} does not exist`);
    }
    // The root dataset exists as soon as the root directory does, marker or not.
    return readJson<DatasetMeta>(this.#markerPath(dataset)).catch(() => ({
      props: {},
      createdAt: new Date(0).toISOString(),
    }));
  }

  /** The dataset and its descendants, parents first: child datasets are subdirectories with a marker. */
  async #walk(dataset: string): Promise<string[]> {
    const out = [dataset];
    const entries = await readdir(this.#dir(dataset), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const child = `${dataset}/${e.name}`;
      if (e.isDirectory() && !e.name.startsWith(".") && (await exists(join(this.#dir(child), MARKER)))) {
        out.push(...(await this.#walk(child)));
      }
    }
    return out;
  }

  async #snapshotNames(dataset: string): Promise<string[]> {
    const parts = dataset.split("/");
    const leaf = parts.pop()!;
    const entries = await readdir(join(this.root, SNAPSHOTS, ...parts), { withFileTypes: true }).catch(
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

  async #removeSnapshot(full: string): Promise<void> {
    const dir = join(this.root, SNAPSHOTS, full);
    // The .json goes first: without it the snapshot is no longer listed, even if removal stops halfway.
    await rm(`${dir}.json`, { force: true });
    await rm(dir, { recursive: true, force: true });
  }

  /** Copies a dataset's own files (not its marker, not its child datasets) to a new directory. */
  async #copyDatasetFiles(dataset: string, to: string): Promise<void> {
    const from = this.#dir(dataset);
    await mkdir(to);
    const st = await stat(from);
    const entries = await readdir(from, { withFileTypes: true });
    const own: string[] = [];
    for (const e of entries) {
      if (e.name === MARKER || e.name === SNAPSHOTS) continue;
      if (e.isDirectory() && (await exists(join(from, e.name, MARKER)))) continue;
      own.push(join(from, e.name));
    }
    if (own.length > 0) await this.#cp(["-t", to, "--", ...own]);
    // A ZFS snapshot keeps the owner and mode of the dataset's top directory too.
    await chown(to, st.uid, st.gid);
    await chmod(to, st.mode & 0o7777);
    await utimes(to, st.atime, st.mtime);
  }

  async #cp(args: string[]): Promise<void> {
    await this.#run("cp", ["-a", "--reflink=auto", ...args]);
  }

  /** Apparent sizes (`du -sb`), counting hard-linked files in every tree that has them. */
  async #sizes(paths: string[]): Promise<number[]> {
    if (paths.length === 0) return [];
    const r = await this.#run("du", ["-sbl", "--", ...paths]).catch((err) => {
      throw toStorageError(err);
    });
    return r.stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => Number(line.split("\t")[0]));
  }

  async #fs(): Promise<{ sizeBytes: number; availableBytes: number }> {
    const s = await statfs(this.root);
    return { sizeBytes: s.blocks * s.bsize, availableBytes: s.bavail * s.bsize };
  }
}

async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toStorageError(err);
  }
}

function toStorageError(err: unknown): unknown {
  if (err instanceof StorageError) return err;
  const nodeCode = (err as NodeJS.ErrnoException | undefined)?.code;
  const text = err instanceof CommandError ? err.stderr : String((err as Error | undefined)?.message ?? err);
  if (nodeCode === "ENOSPC" || /no space left on device/i.test(text)) {
    const detail = text.trim().split("\n")[0];
    return new StorageError("POOL_FULL", `the storage directory is out of space (${detail})`, { cause: err });
  }
  return new StorageError("COMMAND_FAILED", err instanceof Error ? err.message : String(err), { cause: err });
}

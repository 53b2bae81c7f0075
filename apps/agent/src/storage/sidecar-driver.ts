// What the directory and btrfs drivers share: datasets as directories under one root, each with a
// marker JSON holding what ZFS keeps as properties (and, for a clone, its origin), and snapshots as
// directories under `.snapshots`, each listed by a JSON beside it. Layout, for label `tank` whose
// root dataset lies at R:
//   R/                                               the pool's root dataset `tank`
//   R/tideline/c1/replica/                           dataset `tank/tideline/c1/replica`
//   R/tideline/c1/replica/.tideline-dataset.json     its properties and, for a clone, its origin
//   R/.snapshots/tank/tideline/c1/replica@rp1/       a snapshot's files
//   R/.snapshots/tank/tideline/c1/replica@rp1.json   its creation time and user properties
// Here live the refusals that depend on what is on disk (with ZFS's codes), property inheritance and
// the walk over the tree; a subclass says how files are made, copied and deleted, and how space is
// counted. Names are checked before any of it, in base-driver.ts.
import { readdir, rm, statfs } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { type Runner, run } from "../util/exec";
import { BaseDriver } from "./base-driver";
import { type DatasetInfo, type SnapshotInfo, StorageError } from "./driver";
import { assertProperties, assertPropertyName, assertSnapshotName } from "./names";
import { exists, readJson, writeJson } from "./sidecar";

/** The file that makes a directory a dataset. */
export const MARKER = ".tideline-dataset.json";
/** Below the root, where snapshots live as `dataset@snap` and `dataset@snap.json`. */
export const SNAPSHOTS = ".snapshots";

export interface DatasetMeta {
  props: Record<string, string>;
  /** `dataset@snap` this dataset was cloned from: what makes a snapshot undestroyable. */
  origin?: string;
  createdAt: string;
}

export interface SnapshotMeta {
  createdAt: string;
  userProps: Record<string, string>;
}

export interface SidecarDriverOptions {
  run?: Runner;
}

interface Layout extends SidecarDriverOptions {
  /** What the root is called in errors: a mountpoint, a storage root. */
  rootName: string;
  /** Maps errno codes and command failures to the codes the ZFS driver gives. */
  toStorageError(err: unknown): unknown;
}

export abstract class SidecarDriver extends BaseDriver {
  /** Where the pool's root dataset lies. */
  protected readonly rootDir: string;
  protected readonly run: Runner;
  readonly #toStorageError: (err: unknown) => unknown;

  protected constructor(root: string, pool: string, layout: Layout) {
    if (!isAbsolute(root))
      throw new StorageError("INVALID_NAME", `${layout.rootName} ${JSON.stringify(root)} is not absolute`);
    super(pool, "label");
    this.rootDir = root;
    this.run = layout.run ?? run;
    this.#toStorageError = layout.toStorageError;
  }

  // ── datasets ────────────────────────────────────────────────────────────────

  async mountpointOf(dataset: string): Promise<string> {
    this.check(dataset);
    await this.meta(dataset);
    return this.dir(dataset);
  }

  async createDataset(dataset: string, props: Record<string, string> = {}): Promise<void> {
    this.check(dataset);
    assertProperties(props);
    this.assertSupported(props);
    await this.guard(async () => {
      await this.preparePool();
      const parts = dataset.split("/");
      for (let i = 1; i <= parts.length; i++) {
        const name = parts.slice(0, i).join("/");
        if (await this.datasetExists(name)) continue;
        await this.makeDataset(name);
      }
      if (Object.keys(props).length > 0) await this.setProperties(dataset, props);
    });
  }

  async destroyDataset(dataset: string, opts: { recursive?: boolean } = {}): Promise<void> {
    this.check(dataset);
    if (dataset === this.pool)
      throw new StorageError("INVALID_NAME", `the root dataset ${dataset} cannot be destroyed`);
    if (!(await this.datasetExists(dataset))) return;
    const subtree = await this.walk(dataset);
    const snapshots = (
      await Promise.all(subtree.map(async (d) => (await this.snapshotNames(d)).map((s) => `${d}@${s}`)))
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
    await this.assertUnused(dataset);
    await this.guard(async () => {
      // Deepest first, each after its snapshots: btrfs does not delete a subvolume that still
      // holds another.
      for (const d of subtree.reverse()) {
        for (const s of await this.snapshotNames(d)) await this.removeSnapshot(d, s);
        await this.removeDataset(d);
      }
    });
  }

  async datasetExists(dataset: string): Promise<boolean> {
    this.check(dataset);
    return exists(dataset === this.pool ? this.rootDir : this.markerPath(dataset));
  }

  // ── snapshots ───────────────────────────────────────────────────────────────

  protected override async takeSnapshots(
    datasets: string[],
    snap: string,
    userProps: Record<string, string>,
  ): Promise<void> {
    for (const d of datasets) {
      await this.meta(d);
      if (await exists(this.snapMeta(d, snap))) {
        throw new StorageError("SNAPSHOT_EXISTS", `snapshot ${d}@${snap} already exists`);
      }
    }
    await this.makeSnapshots(datasets, snap, userProps);
  }

  async destroySnapshot(dataset: string, snap: string): Promise<void> {
    this.check(dataset);
    assertSnapshotName(snap);
    const full = `${dataset}@${snap}`;
    if (!(await exists(this.snapMeta(dataset, snap)))) return;
    const clones = await this.#clonesOf(new Set([full]));
    if (clones.length > 0) {
      const list = clones.map((c) => c.clone).join(", ");
      throw new StorageError(
        "SNAPSHOT_HAS_CLONES",
        `${full} has dependent clones (${list}); destroy the clones first`,
      );
    }
    await this.guard(() => this.removeSnapshot(dataset, snap));
  }

  async listSnapshots(dataset: string): Promise<SnapshotInfo[]> {
    this.check(dataset);
    await this.meta(dataset);
    const names = await this.snapshotNames(dataset);
    const sizes = await this.snapshotSizes(names.map((s) => this.snapDir(dataset, s)));
    const found = await Promise.all(
      names.map(async (name, i): Promise<SnapshotInfo | undefined> => {
        // A snapshot destroyed meanwhile (retention runs beside the status loop) is simply not listed.
        const meta = await readJson<SnapshotMeta>(this.snapMeta(dataset, name)).catch(() => undefined);
        if (!meta) return undefined;
        return {
          name,
          createdAt: new Date(meta.createdAt),
          usedBytes: sizes[i]?.usedBytes ?? 0,
          referencedBytes: sizes[i]?.referencedBytes ?? 0,
          userProps: meta.userProps,
        };
      }),
    );
    const out = found.filter((s) => s !== undefined);
    return out.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.name.localeCompare(b.name));
  }

  // ── clones ──────────────────────────────────────────────────────────────────

  protected override async cloneSnapshot(
    origin: string,
    target: string,
    props: Record<string, string>,
  ): Promise<void> {
    this.assertSupported(props);
    const source = join(this.rootDir, SNAPSHOTS, origin); // snapDir() of the origin's dataset and snapshot
    if (!(await exists(`${source}.json`))) {
      throw new StorageError("SNAPSHOT_NOT_FOUND", `snapshot ${origin} does not exist`);
    }
    if (await this.datasetExists(target))
      throw new StorageError("DATASET_EXISTS", `dataset ${target} already exists`);
    await this.createDataset(target.slice(0, target.lastIndexOf("/")));
    await this.makeClone(source, target, { props, origin });
  }

  // ── inventory ───────────────────────────────────────────────────────────────

  async listDatasets(prefix?: string): Promise<DatasetInfo[]> {
    const top = prefix ?? this.pool;
    this.check(top);
    if (!(await this.datasetExists(top))) return [];
    const [used, fs] = await Promise.all([this.usedBytesBelow(top), this.fs()]);
    return [...used].map(([name, usedBytes]) => ({
      name,
      mountpoint: this.dir(name),
      usedBytes,
      availableBytes: fs.availableBytes,
    }));
  }

  /**
   * Stored properties, inherited from the nearest ancestor that sets them as in ZFS, plus the
   * computed `mountpoint`, `origin`, `type` and `creation` (seconds since the epoch).
   */
  async getProperties(dataset: string, names: string[]): Promise<Record<string, string>> {
    this.check(dataset);
    for (const name of names) assertPropertyName(name);
    const meta = await this.meta(dataset);
    const computed: Record<string, string | undefined> = {
      mountpoint: this.dir(dataset),
      origin: meta.origin,
      type: "filesystem",
      creation: String(Math.floor(Date.parse(meta.createdAt) / 1000)),
    };
    const out: Record<string, string> = {};
    for (const name of names) {
      const value = name in computed ? computed[name] : await this.inherited(dataset, name, meta);
      if (value !== undefined) out[name] = value;
    }
    return out;
  }

  async setProperties(dataset: string, props: Record<string, string>): Promise<void> {
    this.check(dataset);
    assertProperties(props);
    this.assertSupported(props);
    const meta = await this.meta(dataset);
    await this.guard(async () => {
      await writeJson(this.markerPath(dataset), { ...meta, props: { ...meta.props, ...props } });
      await this.applyProperties(dataset, props);
    });
  }

  // ── what each filesystem does its own way ───────────────────────────────────

  /** Refuses (PROPERTY_NOT_SUPPORTED) what the filesystem cannot honour: a setting never silently does nothing. */
  protected assertSupported(_props: Record<string, string>): void {}

  /** Runs before datasets are made: the place to find the pool missing. */
  protected async preparePool(): Promise<void> {}

  /** Makes `dataset`, whose parent exists, with its marker. */
  protected abstract makeDataset(dataset: string): Promise<void>;

  /** Refuses to destroy a dataset still in use, before anything of it is removed. */
  protected async assertUnused(_dataset: string): Promise<void> {}

  /** Removes one dataset whose snapshots and child datasets are gone. */
  protected abstract removeDataset(dataset: string): Promise<void>;

  /** Makes `snap` of each dataset (none has it yet) and writes its JSON, which lists it. */
  protected abstract makeSnapshots(
    datasets: string[],
    snap: string,
    userProps: Record<string, string>,
  ): Promise<void>;

  /** Deletes the snapshot files at `path`, if there are any. */
  protected abstract deleteSnapshotFiles(path: string): Promise<void>;

  /** ZFS's `used` (what destroying it alone would free) and `referenced` of each snapshot by path. */
  protected abstract snapshotSizes(
    paths: string[],
  ): Promise<Array<{ usedBytes: number; referencedBytes: number }>>;

  /**
   * Makes `target` (whose parent exists) a writable copy of the snapshot files at `source`, with
   * `marker` as its marker once stamped with the time the clone is made.
   */
  protected abstract makeClone(
    source: string,
    target: string,
    marker: Omit<DatasetMeta, "createdAt">,
  ): Promise<void>;

  /** Applies properties just stored that the filesystem itself must know. */
  protected async applyProperties(_dataset: string, _props: Record<string, string>): Promise<void> {}

  /** `used` of `top` and of each dataset below it, parents first. */
  protected abstract usedBytesBelow(top: string): Promise<Map<string, number>>;

  // ── helpers ─────────────────────────────────────────────────────────────────

  protected dir(dataset: string): string {
    return join(this.rootDir, ...dataset.split("/").slice(1));
  }

  protected markerPath(dataset: string): string {
    return join(this.dir(dataset), MARKER);
  }

  protected snapDir(dataset: string, snap: string): string {
    return join(this.rootDir, SNAPSHOTS, `${dataset}@${snap}`);
  }

  protected snapMeta(dataset: string, snap: string): string {
    return `${this.snapDir(dataset, snap)}.json`;
  }

  protected async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.#toStorageError(err);
    }
  }

  protected async meta(dataset: string): Promise<DatasetMeta> {
    if (!(await this.datasetExists(dataset))) {
      throw new StorageError("DATASET_NOT_FOUND", `dataset ${dataset} does not exist`);
    }
    // The root dataset exists as soon as its directory does, marker or not.
    return readJson<DatasetMeta>(this.markerPath(dataset)).catch(() => ({
      props: {},
      createdAt: new Date(0).toISOString(),
    }));
  }

  /** The value the dataset has or inherits from its nearest ancestor that sets it. */
  protected async inherited(dataset: string, name: string, own?: DatasetMeta): Promise<string | undefined> {
    const parts = dataset.split("/");
    for (let i = parts.length; i >= 1; i--) {
      const d = parts.slice(0, i).join("/");
      const meta = i === parts.length && own ? own : await this.meta(d);
      if (name in meta.props) return meta.props[name];
    }
    return undefined;
  }

  /** The dataset and its descendants, parents first: child datasets are directories with a marker. */
  protected async walk(dataset: string): Promise<string[]> {
    const out = [dataset];
    const entries = await readdir(this.dir(dataset), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const child = `${dataset}/${e.name}`;
      if (e.isDirectory() && !e.name.startsWith(".") && (await exists(this.markerPath(child)))) {
        out.push(...(await this.walk(child)));
      }
    }
    return out;
  }

  protected async snapshotNames(dataset: string): Promise<string[]> {
    const parts = dataset.split("/");
    const leaf = parts.pop()!;
    const entries = await readdir(join(this.rootDir, SNAPSHOTS, ...parts), { withFileTypes: true }).catch(
      () => [],
    );
    return entries
      .filter((e) => e.isFile() && e.name.startsWith(`${leaf}@`) && e.name.endsWith(".json"))
      .map((e) => e.name.slice(leaf.length + 1, -".json".length));
  }

  protected async removeSnapshot(dataset: string, snap: string): Promise<void> {
    // The .json goes first: without it the snapshot is no longer listed, even if deletion stops halfway.
    await rm(this.snapMeta(dataset, snap), { force: true });
    await this.deleteSnapshotFiles(this.snapDir(dataset, snap));
  }

  protected async fs(): Promise<{ sizeBytes: number; availableBytes: number }> {
    const s = await statfs(this.rootDir);
    return { sizeBytes: s.blocks * s.bsize, availableBytes: s.bavail * s.bsize };
  }

  async #clonesOf(snapshots: Set<string>): Promise<Array<{ clone: string; origin: string }>> {
    if (snapshots.size === 0) return [];
    const out: Array<{ clone: string; origin: string }> = [];
    for (const d of await this.walk(this.pool)) {
      const { origin } = await this.meta(d);
      if (origin && snapshots.has(origin)) out.push({ clone: d, origin });
    }
    return out;
  }
}

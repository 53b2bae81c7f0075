// The directory storage driver, for hosts without ZFS: datasets are directories under one root,
// snapshots and clones are copies (`cp -a --reflink=auto`, so copy-on-write filesystems share
// blocks), with ZFS's semantics and error codes, in the sidecar layout of sidecar-driver.ts
// (R is the storage root; for label `local`, dataset `local/tideline/c1/replica` lies at
// R/tideline/c1/replica/).
import { randomBytes } from "node:crypto";
import { chmod, chown, mkdir, readdir, rename, rm, stat, utimes } from "node:fs/promises";
import { dirname, join } from "node:path";
import { CommandError } from "../util/exec";
import { type PoolStatus, type SpaceUsage, type StorageDriver, StorageError } from "./driver";
import { exists, writeJson } from "./sidecar";
import {
  type DatasetMeta,
  MARKER,
  SidecarDriver,
  type SidecarDriverOptions,
  SNAPSHOTS,
  type SnapshotMeta,
} from "./sidecar-driver";

export type DirectoryDriverOptions = SidecarDriverOptions;

export class DirectoryDriver extends SidecarDriver implements StorageDriver {
  readonly kind = "directory";

  constructor(
    readonly root: string,
    pool: string,
    opts: DirectoryDriverOptions = {},
  ) {
    super(root, pool, { ...opts, rootName: "storage root", toStorageError });
  }

  // ── datasets ────────────────────────────────────────────────────────────────

  protected override async makeDataset(dataset: string): Promise<void> {
    await mkdir(this.dir(dataset), { recursive: true });
    const meta: DatasetMeta = { props: {}, createdAt: new Date().toISOString() };
    await writeJson(this.markerPath(dataset), meta);
  }

  protected override async removeDataset(dataset: string): Promise<void> {
    await rm(this.dir(dataset), { recursive: true, force: true });
  }

  // ── snapshots ───────────────────────────────────────────────────────────────

  /** Not atomic across datasets: each is a copy taken in turn. */
  protected override async makeSnapshots(
    datasets: string[],
    snap: string,
    userProps: Record<string, string>,
  ): Promise<void> {
    const copies: Array<{ tmp: string; dataset: string }> = [];
    try {
      await this.guard(async () => {
        for (const dataset of datasets) {
          const tmp = await this.#tmpPath();
          copies.push({ tmp, dataset });
          await this.#copyDatasetFiles(dataset, tmp);
        }
        // Publish only once every copy succeeded.
        const createdAt = new Date().toISOString();
        for (const { tmp, dataset } of copies) {
          const dir = this.snapDir(dataset, snap);
          await this.deleteSnapshotFiles(dir); // leftover of a crash before its .json
          await mkdir(dirname(dir), { recursive: true });
          await rename(tmp, dir);
          await writeJson(this.snapMeta(dataset, snap), { createdAt, userProps } satisfies SnapshotMeta);
        }
      });
    } finally {
      // Only copies left unpublished by a failure are still there.
      for (const { tmp } of copies) await rm(tmp, { recursive: true, force: true });
    }
  }

  protected override async deleteSnapshotFiles(path: string): Promise<void> {
    await rm(path, { recursive: true, force: true });
  }

  /** A copy holds all its bytes itself: what it uses is what it references. */
  protected override async snapshotSizes(paths: string[]) {
    return (await this.#sizes(paths)).map((size) => ({ usedBytes: size, referencedBytes: size }));
  }

  // ── clones ──────────────────────────────────────────────────────────────────

  protected override async makeClone(
    source: string,
    target: string,
    marker: Omit<DatasetMeta, "createdAt">,
  ): Promise<void> {
    const tmp = await this.#tmpPath();
    try {
      await this.guard(async () => {
        await this.#cp(["-T", source, tmp]);
        const meta: DatasetMeta = { ...marker, createdAt: new Date().toISOString() };
        await writeJson(join(tmp, MARKER), meta);
        await rename(tmp, this.dir(target));
      });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  // ── inventory ───────────────────────────────────────────────────────────────

  protected override async usedBytesBelow(top: string): Promise<Map<string, number>> {
    const datasets = await this.walk(top);
    const used = await Promise.all(datasets.map(async (d) => (await this.spaceUsed(d)).usedBytes));
    return new Map(datasets.map((d, i) => [d, used[i] ?? 0]));
  }

  async spaceUsed(dataset: string): Promise<SpaceUsage> {
    this.check(dataset);
    await this.meta(dataset);
    const own = (await this.snapshotNames(dataset)).map((s) => this.snapDir(dataset, s));
    // Like ZFS's `used`: the dataset with its children (nested directories) and all their snapshots.
    const subtreeSnapshots = await Promise.all(
      (await this.walk(dataset)).map(async (d) =>
        (await this.snapshotNames(d)).map((s) => this.snapDir(d, s)),
      ),
    );
    const [dataBytes = 0] = await this.#sizes([this.dir(dataset)]);
    const snapshotBytes = await this.#sizes(subtreeSnapshots.flat());
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    return {
      usedBytes: dataBytes + sum(snapshotBytes),
      availableBytes: (await this.fs()).availableBytes,
      snapshotsBytes: sum(await this.#sizes(own)),
    };
  }

  async poolStatus(): Promise<PoolStatus> {
    try {
      const fs = await this.fs();
      return { name: this.pool, sizeBytes: fs.sizeBytes, freeBytes: fs.availableBytes, health: "ONLINE" };
    } catch {
      return { name: this.pool, sizeBytes: 0, freeBytes: 0, health: "UNAVAIL" };
    }
  }

  // ── helpers ─────────────────────────────────────────────────────────────────

  async #tmpPath(): Promise<string> {
    const dir = join(this.root, SNAPSHOTS);
    await mkdir(dir, { recursive: true });
    return join(dir, `.tmp-${randomBytes(6).toString("hex")}`);
  }

  /** Copies a dataset's own files (not its marker, not its child datasets) to a new directory. */
  async #copyDatasetFiles(dataset: string, to: string): Promise<void> {
    const from = this.dir(dataset);
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
    await this.run("cp", ["-a", "--reflink=auto", ...args]);
  }

  /** Apparent sizes (`du -sb`), counting hard-linked files in every tree that has them. */
  async #sizes(paths: string[]): Promise<number[]> {
    if (paths.length === 0) return [];
    const r = await this.run("du", ["-sbl", "--", ...paths]).catch((err) => {
      throw toStorageError(err);
    });
    return r.stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => Number(line.split("\t")[0]));
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

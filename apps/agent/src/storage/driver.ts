// The storage driver contract: what the agent needs from the storage host's datasets
// (create/destroy, snapshot, clone, list, properties, space), split by capability as in
// Database Lab Engine's thinclones, implemented over ZFS, btrfs and plain directories.

export type StorageErrorCode =
  | "INVALID_NAME"
  | "DATASET_NOT_FOUND"
  | "DATASET_EXISTS"
  | "DATASET_HAS_CHILDREN"
  | "DATASET_NOT_MOUNTED"
  | "DATASET_BUSY"
  | "SNAPSHOT_NOT_FOUND"
  | "SNAPSHOT_EXISTS"
  | "SNAPSHOT_HAS_CLONES"
  | "POOL_FULL"
  | "PROPERTY_NOT_SUPPORTED"
  | "COMMAND_FAILED";

export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StorageError";
  }
}

export interface SnapshotInfo {
  /** The snapshot's short name (after the `@`). */
  name: string;
  createdAt: Date;
  /**
   * Space only this snapshot holds (ZFS `used`, btrfs's exclusive bytes); a copy's full size for
   * the directory driver.
   */
  usedBytes: number;
  referencedBytes: number;
  /** User properties (names with a `:`, e.g. `tideline:lsn`). */
  userProps: Record<string, string>;
}

export interface DatasetInfo {
  name: string;
  mountpoint: string;
  usedBytes: number;
  availableBytes: number;
}

export interface SpaceUsage {
  /** Everything the dataset holds: its data, its children and its snapshots. */
  usedBytes: number;
  availableBytes: number;
  snapshotsBytes: number;
  compressRatio?: number;
}

export interface PoolStatus {
  name: string;
  sizeBytes: number;
  freeBytes: number;
  health: string;
}

/** Dataset names are always full (`tank/tideline/c1/replica`) and must lie in the driver's pool. */
export interface DatasetLifecycle {
  mountpointOf(dataset: string): Promise<string>;
  /** Idempotent: creates missing parents; on an existing dataset it only applies `props`. */
  createDataset(dataset: string, props?: Record<string, string>): Promise<void>;
  /** Idempotent: a missing dataset is fine. */
  destroyDataset(dataset: string, opts?: { recursive?: boolean }): Promise<void>;
  datasetExists(dataset: string): Promise<boolean>;
}

export interface Snapshotter {
  snapshot(dataset: string, snap: string, userProps?: Record<string, string>): Promise<void>;
  /** One point in time for all datasets where the backend allows it (ZFS does; copies do not). */
  snapshotMany(datasets: string[], snap: string, userProps?: Record<string, string>): Promise<void>;
  /** Idempotent: a missing snapshot is fine; one with clones fails with SNAPSHOT_HAS_CLONES. */
  destroySnapshot(dataset: string, snap: string): Promise<void>;
  /** Oldest first. */
  listSnapshots(dataset: string): Promise<SnapshotInfo[]>;
}

export interface Cloner {
  /** A writable dataset at `target` holding the files as of the snapshot; creates missing parents. */
  clone(dataset: string, snap: string, target: string, props?: Record<string, string>): Promise<void>;
}

export interface Inventory {
  /** `prefix` and its descendants (the whole pool without one), parents first. */
  listDatasets(prefix?: string): Promise<DatasetInfo[]>;
  /** Only properties that have a value are returned (ZFS shows the others as `-`). */
  getProperties(dataset: string, names: string[]): Promise<Record<string, string>>;
  setProperties(dataset: string, props: Record<string, string>): Promise<void>;
  spaceUsed(dataset: string): Promise<SpaceUsage>;
  poolStatus(): Promise<PoolStatus>;
}

export type StorageDriverKind = "zfs" | "directory" | "btrfs";

export interface StorageDriver extends DatasetLifecycle, Snapshotter, Cloner, Inventory {
  readonly kind: StorageDriverKind;
  /** The pool's name (zfs) or a label (btrfs, directory); every dataset name starts with it. */
  readonly pool: string;
}

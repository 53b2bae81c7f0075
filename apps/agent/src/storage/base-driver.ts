// What every storage driver does the same way: the pool's name is checked when a driver is made,
// `check` holds every dataset name to the pool, `snapshot` is `snapshotMany` of one dataset, and
// the names and properties `snapshotMany` and `clone` are given are checked here, before a driver
// takes or clones anything.
import { StorageError } from "./driver";
import { assertDatasetName, assertInPool, assertProperties, assertSnapshotName } from "./names";

/** Where each driver starts; each declares `implements StorageDriver` itself, where it completes it. */
export abstract class BaseDriver {
  readonly pool: string;

  /** `poolWord` says in errors what the pool's name is to the user: a pool name, a label. */
  protected constructor(pool: string, poolWord: string) {
    assertDatasetName(pool);
    if (pool.includes("/"))
      throw new StorageError("INVALID_NAME", `${poolWord} ${JSON.stringify(pool)} contains "/"`);
    this.pool = pool;
  }

  async snapshot(dataset: string, snap: string, userProps: Record<string, string> = {}): Promise<void> {
    await this.snapshotMany([dataset], snap, userProps);
  }

  async snapshotMany(
    datasets: string[],
    snap: string,
    userProps: Record<string, string> = {},
  ): Promise<void> {
    for (const d of datasets) this.check(d);
    assertSnapshotName(snap);
    assertProperties(userProps, { user: true });
    const unique = [...new Set(datasets)];
    if (unique.length > 0) await this.takeSnapshots(unique, snap, userProps);
  }

  async clone(
    dataset: string,
    snap: string,
    target: string,
    props: Record<string, string> = {},
  ): Promise<void> {
    this.check(dataset);
    assertSnapshotName(snap);
    this.check(target);
    assertProperties(props);
    await this.cloneSnapshot(`${dataset}@${snap}`, target, props);
  }

  /** `snapshotMany` once its arguments are checked: at least one dataset, none twice. */
  protected abstract takeSnapshots(
    datasets: string[],
    snap: string,
    userProps: Record<string, string>,
  ): Promise<void>;

  /** `clone` of `origin` (`dataset@snap`) once its arguments are checked. */
  protected abstract cloneSnapshot(
    origin: string,
    target: string,
    props: Record<string, string>,
  ): Promise<void>;

  protected check(dataset: string): void {
    assertInPool(dataset, this.pool);
  }
}

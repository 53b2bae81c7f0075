// The ZFS storage driver: datasets, snapshots and clones of one pool through the `zfs` and `zpool`
// commands, on OpenZFS and on zfs-fuse (pool version 23), whose flavour is detected once.
import { setTimeout as sleep } from "node:timers/promises";
import { CommandError, type Runner, run } from "../util/exec";
import { BaseDriver } from "./base-driver";
import {
  type DatasetInfo,
  type PoolStatus,
  type SnapshotInfo,
  type SpaceUsage,
  type StorageDriver,
  StorageError,
} from "./driver";
import { assertProperties, assertPropertyName, assertSnapshotName } from "./names";
import { parseGet, parseRatio, parseRows, parseSize, userProperties } from "./zfs-output";

/**
 * zfs-fuse lacks -p on `zfs list` and `zpool list` (its `zfs get -p` works), takes one
 * `prop=value` per `zfs set` and one snapshot per `zfs snapshot`.
 */
export type ZfsFlavour = "openzfs" | "zfs-fuse";

export interface ZfsDriverOptions {
  run?: Runner;
  /** Skips detection (tests that replay recorded output). */
  flavour?: ZfsFlavour;
}

// zfs error messages are matched in English.
const ENV = { ...process.env, LC_ALL: "C" };
const BUSY_RETRIES = 12;
const BUSY_DELAY_MS = 250;
const flavours = new WeakMap<Runner, Promise<ZfsFlavour>>();

export class ZfsDriver extends BaseDriver implements StorageDriver {
  readonly kind = "zfs";
  readonly #run: Runner;
  #flavour: Promise<ZfsFlavour> | undefined;

  constructor(pool: string, opts: ZfsDriverOptions = {}) {
    super(pool, "pool name");
    this.#run = opts.run ?? run;
    this.#flavour = opts.flavour && Promise.resolve(opts.flavour);
  }

  /** True when the zfs commands are installed and answer (module loaded, or zfs-fuse daemon up). */
  static async detect(runner: Runner = run): Promise<boolean> {
    try {
      const r = await runner("zpool", ["list", "-H", "-o", "name"], { allowFail: true, env: ENV });
      return r.code === 0;
    } catch {
      return false;
    }
  }

  static flavour(runner: Runner = run): Promise<ZfsFlavour> {
    let found = flavours.get(runner);
    if (!found) {
      found = runner("zpool", ["list", "-Hp", "-o", "name"], { allowFail: true, env: ENV }).then((r) => {
        if (r.code === 0) return "openzfs";
        if (/invalid option 'p'/.test(r.stderr)) return "zfs-fuse";
        throw new StorageError("COMMAND_FAILED", `zpool does not answer: ${r.stderr.trim()}`);
      });
      found.catch(() => flavours.delete(runner));
      flavours.set(runner, found);
    }
    return found;
  }

  static async listPools(runner: Runner = run): Promise<Array<PoolStatus & { mountpoint: string }>> {
    const pools = await zpoolList(runner, await ZfsDriver.flavour(runner), []);
    if (pools.length === 0) return [];
    const r = await zfsRun(runner, [
      "get",
      "-H",
      "-o",
      "name,value",
      "mountpoint",
      ...pools.map((p) => p.name),
    ]);
    const mountpoints = new Map(parseRows(r.stdout).map(([name, value]) => [name, value]));
    return pools.map((p) => ({ ...p, mountpoint: mountpoints.get(p.name) ?? "" }));
  }

  // ── datasets ────────────────────────────────────────────────────────────────

  async mountpointOf(dataset: string): Promise<string> {
    this.check(dataset);
    const props = await this.#get([dataset], ["mountpoint", "mounted"]);
    const mountpoint = props.get(dataset)?.get("mountpoint")?.value ?? "";
    // An unmounted dataset's mountpoint is a plain directory of its parent: writing there loses data.
    if (!mountpoint.startsWith("/") || props.get(dataset)?.get("mounted")?.value !== "yes") {
      throw new StorageError(
        "DATASET_NOT_MOUNTED",
        `dataset ${dataset} is not mounted (mountpoint ${mountpoint})`,
      );
    }
    return mountpoint;
  }

  async createDataset(dataset: string, props: Record<string, string> = {}): Promise<void> {
    this.check(dataset);
    assertProperties(props);
    if (await this.datasetExists(dataset)) return this.setProperties(dataset, props);
    // The tideline root carries the defaults every cluster's datasets inherit.
    const root = `${this.pool}/tideline`;
    if (dataset.startsWith(`${root}/`) && !(await this.datasetExists(root))) await this.createDataset(root);
    // compression=on is lz4 where the pool has it, lzjb elsewhere (zfs-fuse has no lz4).
    const defaults: Record<string, string> = dataset === root ? { compression: "on", dedup: "off" } : {};
    await this.#zfs(["create", "-p", ...options({ ...defaults, ...props }), dataset]);
  }

  async destroyDataset(dataset: string, opts: { recursive?: boolean } = {}): Promise<void> {
    this.check(dataset);
    await this.#destroy(dataset, opts.recursive);
  }

  async datasetExists(dataset: string): Promise<boolean> {
    this.check(dataset);
    try {
      await this.#zfs(["list", "-H", "-o", "name", dataset]);
      return true;
    } catch (err) {
      if (err instanceof StorageError && err.code === "DATASET_NOT_FOUND") return false;
      throw err;
    }
  }

  // ── snapshots ───────────────────────────────────────────────────────────────

  protected override async takeSnapshots(
    datasets: string[],
    snap: string,
    userProps: Record<string, string>,
  ): Promise<void> {
    const opts = options(userProps);
    if (datasets.length === 1 || (await this.#flavourOf()) === "openzfs") {
      await this.#zfs(["snapshot", ...opts, ...datasets.map((d) => `${d}@${snap}`)]);
      return;
    }
    // zfs-fuse takes one snapshot argument; `-r` on the common ancestor is its only atomic
    // multi-dataset snapshot, so take that and drop the snapshots nobody asked for.
    const ancestor = commonAncestor(datasets);
    await this.#zfs(["snapshot", "-r", ...opts, `${ancestor}@${snap}`]);
    const r = await this.#zfs(["list", "-H", "-o", "name", "-r", "-t", "filesystem,volume", ancestor]);
    const wanted = new Set(datasets);
    for (const name of r.stdout.split("\n")) {
      if (name && !wanted.has(name)) await this.#destroy(`${name}@${snap}`);
    }
  }

  async destroySnapshot(dataset: string, snap: string): Promise<void> {
    this.check(dataset);
    assertSnapshotName(snap);
    await this.#destroy(`${dataset}@${snap}`);
  }

  async listSnapshots(dataset: string): Promise<SnapshotInfo[]> {
    this.check(dataset);
    // One command, so a snapshot destroyed meanwhile cannot make the listing fail.
    const r = await this.#zfs(["get", "-Hp", "-d", "1", "-o", "name,property,value,source", "all", dataset]);
    const out: SnapshotInfo[] = [];
    for (const [name, props] of parseGet(r.stdout)) {
      if (!name.startsWith(`${dataset}@`)) continue;
      out.push({
        name: name.slice(dataset.length + 1),
        createdAt: new Date(Number(props.get("creation")?.value) * 1000),
        usedBytes: parseSize(props.get("used")?.value ?? "-"),
        referencedBytes: parseSize(props.get("referenced")?.value ?? "-"),
        userProps: userProperties(props),
      });
    }
    // zfs prints snapshots in creation order; a stable sort keeps it within the same second.
    return out.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  // ── clones ──────────────────────────────────────────────────────────────────

  protected override async cloneSnapshot(
    origin: string,
    target: string,
    props: Record<string, string>,
  ): Promise<void> {
    // Not `clone -p`: it succeeds silently when the target already exists.
    const parent = target.slice(0, target.lastIndexOf("/"));
    if (parent && !(await this.datasetExists(parent))) await this.createDataset(parent);
    await this.#zfs(["clone", ...options(props), origin, target]);
  }

  // ── inventory ───────────────────────────────────────────────────────────────

  async listDatasets(prefix?: string): Promise<DatasetInfo[]> {
    const top = prefix ?? this.pool;
    this.check(top);
    // zfs list rather than zfs get: it skips snapshots, which may number thousands. On zfs-fuse
    // its sizes are rounded (3 significant digits); spaceUsed is exact on both flavours.
    const p = (await this.#flavourOf()) === "openzfs" ? ["-Hp"] : ["-H"];
    let stdout: string;
    try {
      ({ stdout } = await this.#zfs([
        "list",
        ...p,
        "-r",
        "-t",
        "filesystem",
        "-o",
        "name,mountpoint,used,avail",
        top,
      ]));
    } catch (err) {
      if (err instanceof StorageError && err.code === "DATASET_NOT_FOUND") return [];
      throw err;
    }
    return parseRows(stdout).map(([name = "", mountpoint = "", used = "-", avail = "-"]) => ({
      name,
      mountpoint,
      usedBytes: parseSize(used),
      availableBytes: parseSize(avail),
    }));
  }

  async getProperties(dataset: string, names: string[]): Promise<Record<string, string>> {
    this.check(dataset);
    for (const name of names) assertPropertyName(name);
    if (names.length === 0) return {};
    const props = (await this.#get([dataset], names)).get(dataset) ?? new Map();
    const out: Record<string, string> = {};
    for (const [name, { value }] of props) if (value !== "-") out[name] = value;
    return out;
  }

  async setProperties(dataset: string, props: Record<string, string>): Promise<void> {
    this.check(dataset);
    assertProperties(props);
    // One property per command: zfs-fuse's `zfs set` takes a single prop=value.
    for (const [name, value] of Object.entries(props)) await this.#zfs(["set", `${name}=${value}`, dataset]);
  }

  async spaceUsed(dataset: string): Promise<SpaceUsage> {
    this.check(dataset);
    const props = (await this.#get([dataset], ["used", "available", "usedbysnapshots", "compressratio"])).get(
      dataset,
    );
    const value = (name: string) => props?.get(name)?.value ?? "-";
    return {
      usedBytes: parseSize(value("used")),
      availableBytes: parseSize(value("available")),
      snapshotsBytes: parseSize(value("usedbysnapshots")),
      compressRatio: parseRatio(value("compressratio")),
    };
  }

  async poolStatus(): Promise<PoolStatus> {
    const [status] = await zpoolList(this.#run, await this.#flavourOf(), [this.pool]);
    if (!status) throw new StorageError("DATASET_NOT_FOUND", `pool ${this.pool} does not exist`);
    return status;
  }

  // ── helpers ─────────────────────────────────────────────────────────────────

  #flavourOf(): Promise<ZfsFlavour> {
    this.#flavour ??= ZfsDriver.flavour(this.#run);
    return this.#flavour;
  }

  #zfs(args: string[]) {
    return zfsRun(this.#run, args, this.pool);
  }

  async #get(names: string[], props: string[]) {
    // `zfs get -p` exists on zfs-fuse too (unlike `zfs list -p`): exact bytes on both flavours.
    const r = await this.#zfs(["get", "-Hp", "-o", "name,property,value,source", props.join(","), ...names]);
    return parseGet(r.stdout);
  }

  /** Idempotent. zfs-fuse calls a dataset busy for a moment after its files were used, so retry. */
  async #destroy(target: string, recursive = false): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const unmounted: string[] = [];
      try {
        if (recursive) await this.#unmountTree(target, unmounted);
        await this.#zfs(["destroy", ...(recursive ? ["-r"] : []), target]);
        return;
      } catch (err) {
        if (!(err instanceof StorageError)) throw err;
        if (err.code === "DATASET_NOT_FOUND" || err.code === "SNAPSHOT_NOT_FOUND") return;
        for (const name of unmounted.reverse()) await this.#zfs(["mount", name]).catch(() => {});
        if (err.code !== "DATASET_BUSY" || attempt >= BUSY_RETRIES) throw err;
        await sleep(BUSY_DELAY_MS);
      }
    }
  }

  /**
   * `zfs destroy -r` removes descendants one by one and stops at the first one in use, so a
   * process inside the parent would cost its children (say, the WAL archive). Unmounting the whole
   * tree first, deepest first, makes it all or nothing.
   */
  async #unmountTree(dataset: string, unmounted: string[]): Promise<void> {
    const mounted = (await this.#mountStates(dataset)).filter((d) => d.mounted === "yes");
    for (const { name } of mounted.reverse()) {
      await this.#zfs(["unmount", name]);
      unmounted.push(name);
    }
  }

  /** The dataset and its descendant filesystems, parents first. */
  async #mountStates(dataset: string): Promise<Array<{ name: string; mounted?: string }>> {
    const r = await this.#zfs(["list", "-H", "-r", "-t", "filesystem", "-o", "name,mounted", dataset]);
    return parseRows(r.stdout).map(([name = "", mounted]) => ({ name, mounted }));
  }
}

function options(props: Record<string, string>): string[] {
  return Object.entries(props).flatMap(([name, value]) => ["-o", `${name}=${value}`]);
}

function commonAncestor(datasets: string[]): string {
  const parts = datasets.map((d) => d.split("/"));
  const first = parts[0] ?? [];
  let n = 0;
  while (n < first.length && parts.every((p) => p[n] === first[n])) n++;
  return first.slice(0, n).join("/");
}

async function zpoolList(runner: Runner, flavour: ZfsFlavour, pools: string[]): Promise<PoolStatus[]> {
  const p = flavour === "openzfs" ? "-Hp" : "-H";
  const r = await runner("zpool", ["list", p, "-o", "name,size,free,health", ...pools], {
    env: ENV,
    allowFail: true,
  });
  if (r.code !== 0) {
    if (pools.length > 0 && /no such pool/.test(r.stderr)) return [];
    throw new StorageError("COMMAND_FAILED", `zpool list failed: ${r.stderr.trim()}`);
  }
  return parseRows(r.stdout).map(([name = "", size = "-", free = "-", health = ""]) => ({
    name,
    sizeBytes: parseSize(size),
    freeBytes: parseSize(free),
    health,
  }));
}

async function zfsRun(runner: Runner, args: string[], pool = "") {
  try {
    return await runner("zfs", args, { env: ENV });
  } catch (err) {
    throw toStorageError(err, pool);
  }
}

/** Maps zfs's messages (OpenZFS and zfs-fuse word them alike) to stable codes. */
export function toStorageError(err: unknown, pool = ""): unknown {
  if (!(err instanceof CommandError)) return err;
  const lines = err.stderr
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const first = lines[0] ?? err.message;
  const subject = /'([^']+)'/.exec(first)?.[1] ?? "";
  const fail = (code: ConstructorParameters<typeof StorageError>[0], message: string) =>
    new StorageError(code, message, { cause: err });
  const isSnapshot = subject.includes("@");
  // The datasets in the way follow a line "use '-r' (or '-R') to destroy the following datasets:".
  const useLine = lines.findIndex((l) => l.startsWith("use '-"));
  const listed = useLine < 0 ? "" : lines.slice(useLine + 1).join(", ");
  if (/out of space|no space left/i.test(err.stderr)) {
    return fail("POOL_FULL", `pool ${pool || subject.split("/")[0]} is out of space (${first})`);
  }
  if (/dependent clones/.test(first)) {
    return fail(
      "SNAPSHOT_HAS_CLONES",
      `${subject} has dependent clones (${listed}); destroy the clones first`,
    );
  }
  if (/dataset does not exist|could not find any snapshots/.test(first)) {
    return isSnapshot || /snapshots/.test(first)
      ? fail("SNAPSHOT_NOT_FOUND", `snapshot ${subject || "to destroy"} does not exist`)
      : fail("DATASET_NOT_FOUND", `dataset ${subject} does not exist`);
  }
  if (/already exists/.test(first)) {
    return isSnapshot
      ? fail("SNAPSHOT_EXISTS", `snapshot ${subject} already exists`)
      : fail("DATASET_EXISTS", `dataset ${subject} already exists`);
  }
  if (/is busy|umount failed/.test(err.stderr)) {
    return fail("DATASET_BUSY", `${subject} is busy: a process still uses its files (${first})`);
  }
  if (/has children/.test(first)) {
    return fail(
      "DATASET_HAS_CHILDREN",
      `${subject} has children (${listed}); destroy them or destroy recursively`,
    );
  }
  return fail("COMMAND_FAILED", err.message);
}

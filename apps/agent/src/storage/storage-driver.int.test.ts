// One behaviour for every storage driver: the same suite runs against a real (throwaway) ZFS pool,
// a real (loop-mounted) btrfs filesystem and a directory.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Runner, run } from "../util/exec";
import { BtrfsDriver } from "./btrfs-driver";
import { DirectoryDriver } from "./directory-driver";
import type { StorageDriver, StorageDriverKind } from "./driver";
import { btrfsAvailable, createBtrfsTestPool, createTestPool, ensureZfs } from "./testing";
import { ZfsDriver } from "./zfs-driver";

const MiB = 1024 * 1024;
const zfsAvailable = await ensureZfs();
const btrfsUsable = await btrfsAvailable();
const compsizeInstalled = (await run("compsize", ["--help"], { allowFail: true }).catch(() => null)) !== null;

interface Subject {
  driver: StorageDriver;
  pool: string;
  /** Every command the driver ran. */
  commands: string[][];
  cleanup(): Promise<void>;
}

function recording(commands: string[][]): Runner {
  return (cmd, args, opts) => {
    commands.push([cmd, ...args]);
    return run(cmd, args, opts);
  };
}

const subjects: Record<StorageDriverKind, () => Promise<Subject>> = {
  async zfs() {
    const pool = await createTestPool({ sizeMiB: 1024 });
    const commands: string[][] = [];
    return {
      driver: new ZfsDriver(pool.name, { run: recording(commands) }),
      pool: pool.name,
      commands,
      cleanup: pool.destroy,
    };
  },
  async btrfs() {
    const pool = await createBtrfsTestPool({ sizeMiB: 1024 });
    const commands: string[][] = [];
    return {
      driver: new BtrfsDriver(pool.mountpoint, pool.name, { run: recording(commands) }),
      pool: pool.name,
      commands,
      cleanup: pool.destroy,
    };
  },
  async directory() {
    const dir = await mkdtemp(join(tmpdir(), "tideline-dir-"));
    const commands: string[][] = [];
    const driver = new DirectoryDriver(join(dir, "root"), "local", { run: recording(commands) });
    await driver.createDataset("local");
    return { driver, pool: "local", commands, cleanup: () => rm(dir, { recursive: true, force: true }) };
  },
};

async function put(path: string, content: string | Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
}

/** Writes until the filesystem refuses with ENOSPC. */
async function fill(path: string): Promise<void> {
  const f = await open(path, "w");
  try {
    for (;;) await f.write(randomBytes(MiB));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
  } finally {
    await f.close().catch(() => {});
  }
}

const where = {
  zfs: "on a throwaway pool",
  btrfs: "on a loop-mounted filesystem",
  directory: "in a temp directory",
};

describe.each(["zfs", "directory", "btrfs"] as const)("%s storage driver", (kind) => {
  describe.skipIf((kind === "zfs" && !zfsAvailable) || (kind === "btrfs" && !btrfsUsable))(
    where[kind],
    () => {
      let s: Subject;
      let d: StorageDriver;
      const ds = (path: string) => `${s.pool}/tideline/${path}`;

      beforeAll(async () => {
        s = await subjects[kind]();
        d = s.driver;
      });
      afterAll(async () => s?.cleanup());

      it("creates datasets with their parents, idempotently, and destroys them idempotently", async () => {
        const replica = ds("c1/replica");
        await d.createDataset(replica);
        await d.createDataset(replica);
        expect(await d.datasetExists(replica)).toBe(true);
        expect(await d.datasetExists(ds("c1"))).toBe(true);
        expect(await d.datasetExists(ds("nope"))).toBe(false);

        const mountpoint = await d.mountpointOf(replica);
        await put(join(mountpoint, "data", "PG_VERSION"), "17\n");
        expect(await readFile(join(mountpoint, "data", "PG_VERSION"), "utf8")).toBe("17\n");
        const listed = await d.listDatasets(ds("c1"));
        expect(listed.map((x) => [x.name, x.mountpoint])).toEqual([
          [ds("c1"), await d.mountpointOf(ds("c1"))],
          [replica, mountpoint],
        ]);
        expect(await d.listDatasets(ds("nope"))).toEqual([]);

        await expect(d.destroyDataset(ds("c1"))).rejects.toMatchObject({ code: "DATASET_HAS_CHILDREN" });
        await d.destroyDataset(replica);
        await d.destroyDataset(replica);
        expect(await d.datasetExists(replica)).toBe(false);
        await expect(d.mountpointOf(replica)).rejects.toMatchObject({ code: "DATASET_NOT_FOUND" });
        await d.createDataset(ds("c1/wal"));
        await d.destroyDataset(ds("c1"), { recursive: true });
        expect(await d.datasetExists(ds("c1"))).toBe(false);
        expect(await d.datasetExists(`${s.pool}/tideline`)).toBe(true);
      });

      it.runIf(kind !== "directory")(
        "turns compression on (and dedup off) for the tideline root",
        async () => {
          await d.createDataset(ds("defaults/replica"));
          expect(await d.getProperties(`${s.pool}/tideline`, ["compression", "dedup"])).toEqual({
            compression: "on",
            dedup: "off",
          });
          expect(await d.getProperties(ds("defaults/replica"), ["compression"])).toEqual({
            compression: "on",
          });
          if (kind === "btrfs") {
            // what the kernel will do with new files, not only what the sidecar says
            const mountpoint = await d.mountpointOf(ds("defaults/replica"));
            const { stdout } = await run("btrfs", ["property", "get", mountpoint, "compression"]);
            expect(stdout.trim()).toBe("compression=zstd");
          }
        },
      );

      // btrfs itself deletes a subvolume in use; the driver refuses as ZFS does.
      it.runIf(kind !== "directory")(
        "refuses to destroy a dataset in use and leaves it mounted",
        async () => {
          const parent = ds("busy");
          const child = ds("busy/wal");
          await d.createDataset(child);
          const holder = spawn("sleep", ["60"], { cwd: await d.mountpointOf(parent), stdio: "ignore" });
          try {
            await expect(d.destroyDataset(parent, { recursive: true })).rejects.toMatchObject({
              code: "DATASET_BUSY",
            });
            expect(await d.mountpointOf(parent)).toBeTruthy();
            await put(join(await d.mountpointOf(child), "000000010000000000000001"), "wal");
          } finally {
            holder.kill();
            await once(holder, "exit");
          }
          await d.destroyDataset(parent, { recursive: true });
          expect(await d.datasetExists(parent)).toBe(false);
        },
      );

      it("snapshots with user properties, listed oldest first with their sizes", async () => {
        const replica = ds("snap/replica");
        await d.createDataset(replica);
        await put(join(await d.mountpointOf(replica), "data", "base"), randomBytes(MiB));
        await d.snapshot(replica, "rp1", { "tideline:lsn": "0/16B3748", "tideline:timeline": "1" });
        await d.snapshot(replica, "rp2");

        const snaps = await d.listSnapshots(replica);
        expect(snaps.map((x) => x.name)).toEqual(["rp1", "rp2"]);
        expect(snaps[0]!.userProps).toEqual({ "tideline:lsn": "0/16B3748", "tideline:timeline": "1" });
        expect(snaps[1]!.userProps).toEqual({});
        expect(Math.abs(snaps[0]!.createdAt.getTime() - Date.now())).toBeLessThan(120_000);
        expect(snaps[0]!.referencedBytes).toBeGreaterThanOrEqual(MiB);
        expect(snaps[0]!.usedBytes).toBeGreaterThanOrEqual(0);

        await expect(d.snapshot(replica, "rp1")).rejects.toMatchObject({ code: "SNAPSHOT_EXISTS" });
        await expect(d.snapshot(ds("nope"), "rp1")).rejects.toMatchObject({ code: "DATASET_NOT_FOUND" });
        await expect(d.listSnapshots(ds("nope"))).rejects.toMatchObject({ code: "DATASET_NOT_FOUND" });
        await d.destroySnapshot(replica, "rp2");
        await d.destroySnapshot(replica, "rp2");
        expect((await d.listSnapshots(replica)).map((x) => x.name)).toEqual(["rp1"]);
      });

      it("snapshots several datasets under one name, and no others", async () => {
        const [data, wal, other] = [ds("many/data"), ds("many/wal"), ds("many/other")];
        for (const x of [data, wal, other]) {
          await d.createDataset(x);
          await put(join(await d.mountpointOf(x), "f"), x);
        }
        await d.snapshotMany([data, wal], "s1", { "tideline:label": "base" });
        for (const x of [data, wal]) {
          expect((await d.listSnapshots(x)).map((snap) => [snap.name, snap.userProps])).toEqual([
            ["s1", { "tideline:label": "base" }],
          ]);
        }
        expect(await d.listSnapshots(other)).toEqual([]);
        expect(await d.listSnapshots(ds("many"))).toEqual([]);
      });

      it("clones a snapshot as of its time; the snapshot cannot go while the clone exists", async () => {
        const replica = ds("cl/replica");
        const clone = ds("cl/clones/1");
        await d.createDataset(replica);
        const live = await d.mountpointOf(replica);
        await put(join(live, "data", "file"), "v1");
        await d.snapshot(replica, "rp1");
        await put(join(live, "data", "file"), "v2");
        await put(join(live, "data", "later"), "after the snapshot");

        await d.clone(replica, "rp1", clone, { "tideline:owner": "alice" });
        const copy = await d.mountpointOf(clone);
        expect(copy).not.toBe(live);
        expect(await readFile(join(copy, "data", "file"), "utf8")).toBe("v1");
        expect(existsSync(join(copy, "data", "later"))).toBe(false);
        await put(join(copy, "data", "file"), "v3");
        expect(await readFile(join(live, "data", "file"), "utf8")).toBe("v2");
        expect(await d.getProperties(clone, ["origin", "tideline:owner"])).toEqual({
          origin: `${replica}@rp1`,
          "tideline:owner": "alice",
        });

        await expect(d.clone(replica, "nope", ds("cl/clones/2"))).rejects.toMatchObject({
          code: "SNAPSHOT_NOT_FOUND",
        });
        await expect(d.clone(replica, "rp1", clone)).rejects.toMatchObject({ code: "DATASET_EXISTS" });
        await expect(d.destroySnapshot(replica, "rp1")).rejects.toMatchObject({
          code: "SNAPSHOT_HAS_CLONES",
          message: expect.stringContaining(clone),
        });
        await expect(d.destroyDataset(replica, { recursive: true })).rejects.toMatchObject({
          code: "SNAPSHOT_HAS_CLONES",
        });
        expect(await readFile(join(live, "data", "file"), "utf8")).toBe("v2");

        await d.destroyDataset(clone);
        await d.destroySnapshot(replica, "rp1");
        expect(await d.listSnapshots(replica)).toEqual([]);
      });

      it("sets properties, reads them back, and inherits them like ZFS", async () => {
        const parent = ds("props");
        const replica = ds("props/replica");
        await d.createDataset(replica);
        await d.setProperties(parent, { compression: "gzip-1", "tideline:cluster": "c1" });
        expect(await d.getProperties(replica, ["compression", "tideline:cluster", "tideline:unset"])).toEqual(
          {
            compression: "gzip-1",
            "tideline:cluster": "c1",
          },
        );
        await d.setProperties(replica, { compression: "off" });
        await d.createDataset(replica, { "tideline:role": "replica" });
        expect(await d.getProperties(replica, ["compression", "tideline:role", "mountpoint"])).toEqual({
          compression: "off",
          "tideline:role": "replica",
          mountpoint: await d.mountpointOf(replica),
        });
        expect(await d.getProperties(parent, ["compression"])).toEqual({ compression: "gzip-1" });
      });

      it("reports space used by data and snapshots, and the pool's status", async () => {
        const replica = ds("space/replica");
        await d.createDataset(replica, { compression: "off" });
        const file = join(await d.mountpointOf(replica), "base");
        await put(file, randomBytes(2 * MiB));
        await d.snapshot(replica, "s1");
        await put(file, randomBytes(2 * MiB));
        // on ZFS the snapshot also commits the pending writes, so `used` counts them
        await d.snapshot(replica, "s2");

        const used = await d.spaceUsed(replica);
        expect(used.usedBytes).toBeGreaterThanOrEqual(3.8 * MiB);
        expect(used.snapshotsBytes).toBeGreaterThanOrEqual(1.9 * MiB);
        expect(used.availableBytes).toBeGreaterThan(0);
        if (kind === "zfs" || (kind === "btrfs" && compsizeInstalled))
          expect(used.compressRatio).toBeGreaterThanOrEqual(1);
        else expect(used.compressRatio).toBeUndefined();
        const [listed] = await d.listDatasets(replica);
        expect(listed!.usedBytes).toBeGreaterThanOrEqual(3.8 * MiB);
        expect(listed!.availableBytes).toBeGreaterThan(0);

        const status = await d.poolStatus();
        expect(status.name).toBe(s.pool);
        expect(status.health).toBe("ONLINE");
        expect(status.freeBytes).toBeGreaterThan(0);
        expect(status.sizeBytes).toBeGreaterThanOrEqual(status.freeBytes);
      });

      it("snapshots a dataset's own files, not its child datasets'", async () => {
        const parent = ds("nest");
        const child = ds("nest/child");
        await d.createDataset(child);
        await put(join(await d.mountpointOf(parent), "own"), "parent");
        await put(join(await d.mountpointOf(child), "f"), "child");
        await d.snapshot(parent, "s1");
        await d.clone(parent, "s1", ds("nest-clone"));
        const copy = await d.mountpointOf(ds("nest-clone"));
        expect(await readFile(join(copy, "own"), "utf8")).toBe("parent");
        expect(existsSync(join(copy, "child", "f"))).toBe(false);
        expect(await d.datasetExists(ds("nest-clone/child"))).toBe(false);
        await d.destroyDataset(ds("nest-clone"));
        await d.destroyDataset(parent, { recursive: true });
      });

      it("refuses invalid names with INVALID_NAME before running any command", async () => {
        const root = `${s.pool}/tideline`;
        await d.createDataset(root);
        const before = s.commands.length;
        const attempts: Array<() => Promise<unknown>> = [
          () => d.createDataset("a;rm -rf /"),
          () => d.createDataset(`${s.pool}/../x`),
          () => d.createDataset("-x"),
          () => d.createDataset("../x"),
          () => d.createDataset("elsewhere/x"),
          () => d.datasetExists(`${root}/a b`),
          () => d.destroyDataset(`${root};reboot`),
          () => d.snapshot(root, "-x"),
          () => d.snapshot(root, "ok", { "tideline:lsn": "0/1\n-o" }),
          () => d.snapshot(root, "ok", { lsn: "0/1" }),
          () => d.snapshotMany([root, "../x"], "ok"),
          () => d.clone(root, "ok", "../x"),
          () => d.setProperties(root, { "-o": "x" }),
          () => d.getProperties(root, ["all;id"]),
          () => d.listSnapshots("$(id)"),
        ];
        for (const attempt of attempts)
          await expect(attempt()).rejects.toMatchObject({ code: "INVALID_NAME" });
        expect(s.commands.slice(before)).toEqual([]);
      });
    },
  );
});

describe.skipIf(!btrfsUsable)("btrfs storage driver: space as the disk counts it", () => {
  it("a restore point holds the blocks rewritten after it, and destroying it frees them", async () => {
    const pool = await createBtrfsTestPool({ sizeMiB: 512 });
    try {
      const d = new BtrfsDriver(pool.mountpoint, pool.name);
      const replica = `${pool.name}/tideline/c1/replica`;
      // random bytes do not compress; off keeps the sizes exact all the same
      await d.createDataset(replica, { compression: "off" });
      const file = join(await d.mountpointOf(replica), "base");
      await put(file, randomBytes(2 * MiB));
      await d.snapshot(replica, "rp1");
      await put(file, randomBytes(2 * MiB)); // a rewrite: only rp1 still holds the first 2 MiB
      await d.snapshot(replica, "rp2");

      const [rp1, rp2] = await d.listSnapshots(replica);
      expect(rp1!.usedBytes).toBeGreaterThanOrEqual(2 * MiB);
      expect(rp1!.usedBytes).toBeLessThan(2.1 * MiB);
      expect(rp1!.referencedBytes).toBeGreaterThanOrEqual(2 * MiB);
      expect(rp1!.referencedBytes).toBeLessThan(2.1 * MiB);
      // rp2 shares all its blocks with the live data: destroying it alone frees next to nothing
      expect(rp2!.usedBytes).toBeLessThan(0.1 * MiB);
      expect(rp2!.referencedBytes).toBeGreaterThanOrEqual(2 * MiB);
      const before = await d.spaceUsed(replica);
      expect(before.usedBytes).toBeGreaterThanOrEqual(4 * MiB);
      expect(before.usedBytes).toBeLessThan(4.2 * MiB);
      expect(before.snapshotsBytes).toBeGreaterThanOrEqual(2 * MiB);
      expect(before.snapshotsBytes).toBeLessThan(2.2 * MiB);

      // The disk agrees: destroying rp1 gives its 2 MiB back to the filesystem.
      const free = async () => {
        await run("btrfs", ["filesystem", "sync", pool.mountpoint]);
        return (await d.poolStatus()).freeBytes;
      };
      const freeBefore = await free();
      await d.destroySnapshot(replica, "rp1");
      // a commit wakes the cleaner, which frees the blocks; `subvolume sync` waits until it is done
      await run("btrfs", ["filesystem", "sync", pool.mountpoint]);
      await run("btrfs", ["subvolume", "sync", pool.mountpoint]);
      const freed = (await free()) - freeBefore;
      expect(freed).toBeGreaterThanOrEqual(1.9 * MiB);
      expect(freed).toBeLessThan(2.5 * MiB);
      const after = await d.spaceUsed(replica);
      expect(after.usedBytes).toBeGreaterThanOrEqual(2 * MiB);
      expect(after.usedBytes).toBeLessThan(2.2 * MiB);
    } finally {
      await pool.destroy();
    }
  });
});

describe.skipIf(!btrfsUsable)("btrfs storage driver: compression", () => {
  it("compresses a cluster's new files as the tideline root says (on: zstd)", async () => {
    const pool = await createBtrfsTestPool({ sizeMiB: 256 });
    try {
      const d = new BtrfsDriver(pool.mountpoint, pool.name);
      const wal = `${pool.name}/tideline/c1/wal`;
      await d.createDataset(wal);
      const text = Buffer.from(
        "INSERT INTO pgbench_history VALUES (1, 2, 3, -4711, now());\n".repeat(70_000),
      );
      await put(join(await d.mountpointOf(wal), "000000010000000000000001"), text); // ~4 MiB
      await d.snapshot(wal, "s1"); // commits the writes, so the quota groups count them
      const [s1] = await d.listSnapshots(wal);
      expect(s1!.referencedBytes).toBeLessThan(text.length / 4);
      const used = await d.spaceUsed(wal);
      if (compsizeInstalled) expect(used.compressRatio).toBeGreaterThan(4);
    } finally {
      await pool.destroy();
    }
  });
});

describe("a full pool", () => {
  it.skipIf(!zfsAvailable)("zfs: commands that need space fail with POOL_FULL", async () => {
    const pool = await createTestPool({ sizeMiB: 64 });
    try {
      const d = new ZfsDriver(pool.name);
      await d.createDataset(`${pool.name}/fill`);
      await fill(join(await d.mountpointOf(`${pool.name}/fill`), "ballast"));
      await expect(d.createDataset(`${pool.name}/more`)).rejects.toMatchObject({ code: "POOL_FULL" });
      await expect(d.snapshot(`${pool.name}/fill`, "s1")).rejects.toMatchObject({ code: "POOL_FULL" });
    } finally {
      await pool.destroy();
    }
  });

  // btrfs keeps metadata space aside, so creating a subvolume or snapshotting one still works on a
  // full filesystem; what fails is writing the sidecar, and the driver undoes the rest.
  it.skipIf(!btrfsUsable)("btrfs: commands that need space fail with POOL_FULL", async () => {
    const pool = await createBtrfsTestPool({ sizeMiB: 128 });
    try {
      const d = new BtrfsDriver(pool.mountpoint, pool.name);
      await d.createDataset(`${pool.name}/fill`);
      await fill(join(await d.mountpointOf(`${pool.name}/fill`), "ballast"));
      await expect(d.createDataset(`${pool.name}/more`)).rejects.toMatchObject({ code: "POOL_FULL" });
      expect(await d.datasetExists(`${pool.name}/more`)).toBe(false);
      await expect(d.snapshot(`${pool.name}/fill`, "s1")).rejects.toMatchObject({ code: "POOL_FULL" });
      expect(await d.listSnapshots(`${pool.name}/fill`)).toEqual([]);
    } finally {
      await pool.destroy();
    }
  });

  // A directory only fills up with its filesystem: a tiny tmpfs stands in for a full disk, which
  // needs root (mount); elsewhere this case is skipped.
  it("directory: a snapshot that does not fit fails with POOL_FULL", async (ctx) => {
    const dir = await mkdtemp(join(tmpdir(), "tideline-full-"));
    const mounted =
      process.getuid?.() === 0 &&
      (await run("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", dir], { allowFail: true })).code === 0;
    try {
      if (!mounted) return ctx.skip();
      const d = new DirectoryDriver(join(dir, "root"), "small");
      await d.createDataset("small/fill");
      await fill(join(await d.mountpointOf("small/fill"), "ballast"));
      await expect(d.snapshot("small/fill", "s1")).rejects.toMatchObject({ code: "POOL_FULL" });
      expect(await d.listSnapshots("small/fill")).toEqual([]);
    } finally {
      for (let i = 0; mounted && i < 10; i++) {
        if ((await run("umount", [dir], { allowFail: true })).code === 0) break;
        await sleep(200);
      }
      await rm(dir, { recursive: true, force: true });
    }
  });
});

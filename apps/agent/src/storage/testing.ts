// Throwaway ZFS pools and btrfs filesystems for integration tests: a sparse file in a temp
// directory, a uniquely named pool (or labelled filesystem, loop-mounted) on it, and a cleanup
// that waits until it lets go (as restore-by-hand.sh does).
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { run } from "../util/exec";
import { ZfsDriver } from "./zfs-driver";

export interface TestPool {
  name: string;
  /** Where the pool's root dataset is mounted. */
  mountpoint: string;
  destroy(): Promise<void>;
}

/** True when zfs answers; starts the zfs-fuse daemon first where it is installed but not running. */
export async function ensureZfs(): Promise<boolean> {
  if (await ZfsDriver.detect()) return true;
  const daemon = ["/usr/sbin/zfs-fuse", "/sbin/zfs-fuse"].find((p) => existsSync(p));
  if (!daemon || process.getuid?.() !== 0) return false;
  const running = await run("pgrep", ["-x", "zfs-fuse"], { allowFail: true }).catch(() => ({ code: 1 }));
  if (running.code !== 0) await run(daemon, []).catch(() => {});
  for (let i = 0; i < 40; i++) {
    if (await ZfsDriver.detect()) return true;
    await sleep(250);
  }
  return false;
}

export async function createTestPool(opts: { sizeMiB?: number } = {}): Promise<TestPool> {
  const dir = await mkdtemp(join(tmpdir(), "tideline-zfs-"));
  await chmod(dir, 0o755); // PostgreSQL, as the service user, writes below the pool's mountpoint
  const name = `tl${process.pid}${randomBytes(3).toString("hex")}`;
  const image = join(dir, "pool.img");
  const mountpoint = join(dir, name);
  await writeFile(image, "");
  await truncate(image, (opts.sizeMiB ?? 1024) * 1024 * 1024);
  await run("zpool", ["create", "-m", mountpoint, name, image]);
  return {
    name,
    mountpoint,
    async destroy() {
      // The pool stays busy until every process that had files open on it has let go.
      // a busy zfs-fuse daemon can take many seconds to let go of a pool that was just full
      for (let i = 0; i < 60; i++) {
        if ((await run("zpool", ["list", name], { allowFail: true })).code !== 0) break;
        if ((await run("zpool", ["destroy", "-f", name], { allowFail: true })).code === 0) break;
        await sleep(500);
      }
      if ((await run("zpool", ["list", name], { allowFail: true })).code === 0) {
        throw new Error(`pool ${name} still exists: destroy it before removing ${dir}`);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** True when this process may make and loop-mount a btrfs filesystem (root, btrfs-progs, a loop device). */
export async function btrfsAvailable(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  if ((await run("mkfs.btrfs", ["--version"], { allowFail: true }).catch(() => ({ code: 1 }))).code !== 0) {
    return false;
  }
  try {
    const pool = await createBtrfsTestPool({ sizeMiB: 128 });
    await pool.destroy();
    return true;
  } catch {
    return false;
  }
}

/** A fresh btrfs filesystem labelled with a unique pool name, loop-mounted in a temp directory. */
export async function createBtrfsTestPool(opts: { sizeMiB?: number } = {}): Promise<TestPool> {
  const dir = await mkdtemp(join(tmpdir(), "tideline-btrfs-"));
  await chmod(dir, 0o755); // PostgreSQL, as the service user, writes below the mountpoint
  const name = `tl${process.pid}${randomBytes(3).toString("hex")}`;
  const image = join(dir, "pool.img");
  const mountpoint = join(dir, name);
  let mounted = false;
  const destroy = async () => {
    // The filesystem stays busy until every process that had files open on it has let go.
    for (let i = 0; mounted && i < 20; i++) {
      if ((await run("umount", [mountpoint], { allowFail: true })).code === 0) mounted = false;
      else await sleep(500);
    }
    if (mounted) throw new Error(`${mountpoint} is still mounted: unmount it before removing ${dir}`);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await writeFile(image, "");
    // mkfs.btrfs wants at least 114 MiB with its default (DUP) metadata
    await truncate(image, Math.max(opts.sizeMiB ?? 1024, 128) * 1024 * 1024);
    await run("mkfs.btrfs", ["-q", "-L", name, image]);
    await mkdir(mountpoint);
    await run("mount", ["-o", "loop", image, mountpoint]);
    mounted = true;
    await chmod(mountpoint, 0o755);
  } catch (err) {
    await destroy().catch(() => {});
    throw err;
  }
  return { name, mountpoint, destroy };
}

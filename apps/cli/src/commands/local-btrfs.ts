// The embedded default's storage: where the kernel has btrfs and we run as root, `tideline start`
// keeps its local pool on a btrfs filesystem in a sparse file of its data folder, loop-mounted, so
// a newcomer gets thin restore points (read-only snapshots) and instant clones (writable ones)
// instead of the directory pool's full copies. The file starts small and grows with the pool; it
// is unmounted on stop and mounted again on the next start.
import { existsSync } from "node:fs";
import { mkdir, readFile, stat, statfs, truncate, writeFile } from "node:fs/promises";
import path from "node:path";
import { run } from "@tideline/postgres";

/** The pool's name as the local agent offers it (the filesystem's label). */
export const LOCAL_BTRFS_LABEL = "local-btrfs";

const GiB = 1024 ** 3;
const INITIAL_BYTES = 8 * GiB;
/** Grow when less than this fraction of the filesystem is free. */
const GROW_BELOW_FREE = 0.25;
/** Never let the sparse file promise more than this fraction of what the host's disk has free. */
const HOST_SHARE = 0.8;

export interface LocalBtrfs {
  image: string;
  mountpoint: string;
  /** Grows the file and the filesystem when the pool runs low; safe to call often. */
  growIfNeeded(): Promise<void>;
  unmount(): Promise<void>;
}

/** Why the local btrfs pool cannot be used here, or null when it can. */
export async function btrfsUnavailable(): Promise<string | null> {
  if (process.platform !== "linux") return "not Linux";
  if (process.getuid?.() !== 0) return "not running as root (mounting a loop device needs root)";
  const fs = await readFile("/proc/filesystems", "utf8").catch(() => "");
  if (
    !/\tbtrfs$/m.test(fs) &&
    (await run("modprobe", ["btrfs"], { allowFail: true }).catch(() => ({ code: 1 }))).code !== 0
  )
    return "the kernel has no btrfs";
  if ((await run("mkfs.btrfs", ["--version"], { allowFail: true }).catch(() => ({ code: 1 }))).code !== 0)
    return "mkfs.btrfs is not installed (Debian: btrfs-progs)";
  return null;
}

async function isMounted(mountpoint: string): Promise<boolean> {
  return (await run("mountpoint", ["-q", mountpoint], { allowFail: true })).code === 0;
}

export async function mountLocalBtrfs(dataDir: string, log: (s: string) => void): Promise<LocalBtrfs> {
  const image = path.join(dataDir, "storage.btrfs");
  const mountpoint = path.join(dataDir, "storage-btrfs");
  await mkdir(mountpoint, { recursive: true });
  if (!existsSync(image)) {
    const free = await hostFree(dataDir);
    const size = Math.max(GiB, Math.min(INITIAL_BYTES, Math.floor(free * HOST_SHARE)));
    log(
      `creating the local btrfs pool (${Math.round(size / GiB)} GiB sparse file ${image}, grown on demand)`,
    );
    await writeFile(image, "");
    await truncate(image, size);
    await run("mkfs.btrfs", ["-q", "-f", "-L", LOCAL_BTRFS_LABEL, image]);
  }
  if (!(await isMounted(mountpoint))) await run("mount", ["-o", "loop,noatime", image, mountpoint]);
  // PostgreSQL, as the service user, works below the pool's mountpoint
  await run("chmod", ["755", mountpoint]);

  const pool: LocalBtrfs = {
    image,
    mountpoint,
    async growIfNeeded() {
      const fs = await statfs(mountpoint);
      const size = fs.blocks * fs.bsize;
      if (fs.bavail * fs.bsize >= size * GROW_BELOW_FREE) return;
      const current = (await stat(image)).size;
      const room = Math.floor((await hostFree(dataDir)) * HOST_SHARE);
      const next = Math.min(current * 2, current + room);
      if (next <= current + GiB / 4) return; // the host's disk is what is full: nothing to grow into
      log(
        `growing the local btrfs pool from ${(current / GiB).toFixed(1)} to ${(next / GiB).toFixed(1)} GiB`,
      );
      await truncate(image, next);
      const dev = (await run("findmnt", ["-n", "-o", "SOURCE", mountpoint])).stdout.trim();
      if (dev.startsWith("/dev/loop")) await run("losetup", ["-c", dev]);
      await run("btrfs", ["filesystem", "resize", "max", mountpoint]);
    },
    async unmount() {
      for (let i = 0; i < 20 && (await isMounted(mountpoint)); i++) {
        if ((await run("umount", [mountpoint], { allowFail: true })).code === 0) break;
        await new Promise((r) => setTimeout(r, 250)); // a clone's server may still be letting go
      }
    },
  };
  await pool.growIfNeeded();
  return pool;
}

async function hostFree(dir: string): Promise<number> {
  const fs = await statfs(dir);
  return fs.bavail * fs.bsize;
}

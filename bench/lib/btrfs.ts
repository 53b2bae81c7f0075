// A throwaway btrfs filesystem per benchmark run: a sparse file in a temp dir, formatted with a
// unique label (the agent names a btrfs pool by its label) and loop-mounted; the cleanup stops
// every PostgreSQL server still running from a data directory inside it, then unmounts it.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { run } from "@tideline/postgres";
import { type Cleanup, log } from "./cleanup";
import { type Pool, stopServersUnder } from "./zfs";

export async function createBtrfsPool(cleanup: Cleanup, sizeGiB: number): Promise<Pool> {
  if (!existsSync("/usr/sbin/mkfs.btrfs") && !existsSync("/sbin/mkfs.btrfs") && !existsSync("/usr/bin/mkfs.btrfs"))
    throw new Error("BTRFS_MISSING: install btrfs-progs (apt-get install -y btrfs-progs)");
  const dir = await mkdtemp(path.join(os.tmpdir(), "tideline-bench-btrfs-"));
  await chmod(dir, 0o755); // PostgreSQL, as the service user, writes below the mountpoint
  const name = `tlb${process.pid}${randomBytes(2).toString("hex")}`;
  const image = path.join(dir, "pool.img");
  const mountpoint = path.join(dir, name);
  await writeFile(image, "");
  await truncate(image, Math.ceil(sizeGiB * 2 ** 30));
  await run("mkfs.btrfs", ["-q", "-L", name, image]);
  await mkdir(mountpoint);
  await run("mount", ["-o", "loop", image, mountpoint]);
  await chmod(mountpoint, 0o755);
  const pool = { name, mountpoint, dir };
  cleanup.add(`unmount btrfs ${name}`, () => destroyBtrfsPool(pool));
  log(`btrfs ${name}: ${sizeGiB} GiB sparse file in ${dir}, loop-mounted on ${mountpoint}`);
  return pool;
}

export async function destroyBtrfsPool(pool: Pool): Promise<void> {
  await stopServersUnder(pool.mountpoint);
  // the filesystem stays busy until every process that had files open on it has let go
  let mounted = true;
  for (let i = 0; i < 40 && mounted; i++) {
    if ((await run("umount", [pool.mountpoint], { allowFail: true })).code === 0) mounted = false;
    else await sleep(500);
  }
  if (mounted)
    throw new Error(`${pool.mountpoint} is still mounted; unmount it (umount ${pool.mountpoint}) and remove ${pool.dir}`);
  await rm(pool.dir, { recursive: true, force: true });
}

// A throwaway zfs-fuse pool per benchmark run (a sparse file in a temp dir), and the cleanup that
// lets it go: every PostgreSQL server still running from a data directory inside it (the shadow
// replica, clones) is stopped by the PID in its own postmaster.pid first.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, readdir, readFile, rm, truncate, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { asServiceUser, findBinDir, resolveServiceUser, run } from "@tideline/postgres";
import { type Cleanup, log } from "./cleanup";

export interface Pool {
  name: string;
  mountpoint: string;
  dir: string;
}

async function zfsAnswers(): Promise<boolean> {
  return (await run("zpool", ["list", "-H"], { allowFail: true }).catch(() => ({ code: 1 }))).code === 0;
}

/** zfs answers; starts the zfs-fuse daemon where it is installed but not running. */
export async function ensureZfs(): Promise<void> {
  if (await zfsAnswers()) return;
  const daemon = ["/usr/sbin/zfs-fuse", "/sbin/zfs-fuse"].find((p) => existsSync(p));
  if (!daemon)
    throw new Error(
      "ZFS_MISSING: neither OpenZFS nor zfs-fuse answers; install zfs-fuse (apt-get install zfs-fuse)",
    );
  const running = await run("pgrep", ["-x", "zfs-fuse"], { allowFail: true });
  if (running.code !== 0) {
    log("starting the zfs-fuse daemon");
    await run(daemon, []);
  }
  for (let i = 0; i < 60; i++) {
    if (await zfsAnswers()) return;
    await sleep(250);
  }
  throw new Error("ZFS_MISSING: zfs-fuse was started but zpool does not answer");
}

export async function createPool(cleanup: Cleanup, sizeGiB: number): Promise<Pool> {
  await ensureZfs();
  const dir = await mkdtemp(path.join(os.tmpdir(), "tideline-bench-zfs-"));
  await chmod(dir, 0o755); // PostgreSQL, as the service user, writes below the pool's mountpoint
  const name = `tlb${process.pid}${randomBytes(2).toString("hex")}`;
  const image = path.join(dir, "pool.img");
  const mountpoint = path.join(dir, name);
  await writeFile(image, "");
  await truncate(image, Math.ceil(sizeGiB * 2 ** 30));
  await run("zpool", ["create", "-m", mountpoint, name, image]);
  const pool = { name, mountpoint, dir };
  cleanup.add(`destroy pool ${name}`, () => destroyPool(pool));
  log(`pool ${name}: ${sizeGiB} GiB sparse file in ${dir}`);
  return pool;
}

export async function destroyPool(pool: Pool): Promise<void> {
  await stopServersUnder(pool.mountpoint);
  for (let i = 0; i < 40; i++) {
    if ((await run("zpool", ["list", pool.name], { allowFail: true })).code !== 0) break;
    if ((await run("zpool", ["destroy", "-f", pool.name], { allowFail: true })).code === 0) break;
    await sleep(500);
  }
  if ((await run("zpool", ["list", pool.name], { allowFail: true })).code === 0) {
    throw new Error(
      `pool ${pool.name} still exists; destroy it (zpool destroy -f ${pool.name}) and remove ${pool.dir}`,
    );
  }
  await rm(pool.dir, { recursive: true, force: true });
}

/** Data directories (holding PG_VERSION) below root, not descending into them. */
async function dataDirs(root: string, depth = 6): Promise<string[]> {
  if (depth < 0 || !existsSync(root)) return [];
  if (existsSync(path.join(root, "PG_VERSION"))) return [root];
  const out: string[] = [];
  let entries: import("node:fs").Dirent[] = [];
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch {
    return [];
  }
  for (const e of entries)
    if (e.isDirectory()) out.push(...(await dataDirs(path.join(root, e.name), depth - 1)));
  return out;
}

/** Stops every PostgreSQL server whose data directory lies below root: pg_ctl, then its PID. */
export async function stopServersUnder(root: string): Promise<void> {
  const bin = findBinDir();
  for (const dir of await dataDirs(root)) {
    const pidFile = path.join(dir, "postmaster.pid");
    if (!existsSync(pidFile)) continue;
    await run(path.join(bin, "pg_ctl"), ["-D", dir, "-m", "immediate", "-w", "-t", "30", "stop"], {
      ...asServiceUser(resolveServiceUser()),
      allowFail: true,
    });
    const pid = Number((await readFile(pidFile, "utf8").catch(() => "")).split("\n")[0]);
    if (pid > 0 && existsSync(`/proc/${pid}`)) {
      const cmd = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
      if (cmd.includes("postgres")) process.kill(pid, "SIGKILL");
    }
  }
}

/** `zfs get -Hp` of some properties, as numbers where they are numbers. */
export async function zfsGet(dataset: string, props: string[]): Promise<Record<string, number | string>> {
  const { stdout } = await run("zfs", ["get", "-Hp", "-o", "property,value", props.join(","), dataset]);
  const out: Record<string, number | string> = {};
  for (const line of stdout.trim().split("\n")) {
    const [k, v = ""] = line.split("\t");
    if (!k) continue;
    const n = Number(v.replace(/x$/, ""));
    out[k] = v !== "" && Number.isFinite(n) ? n : v;
  }
  return out;
}

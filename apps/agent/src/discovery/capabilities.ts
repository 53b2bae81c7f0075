// What this host can do: PostgreSQL versions installed, ZFS tools and pools, the service user.
import { existsSync } from "node:fs";
import os from "node:os";
import type { TCapabilities, TPoolInfo } from "@tideline/protocol";
import { findBinDirs, resolveServiceUser } from "@tideline/postgres";

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? "").split(":").concat(["/usr/sbin", "/sbin"]).some((d) => existsSync(`${d}/${cmd}`));
}

export function detectCapabilities(pools: TPoolInfo[]): TCapabilities {
  const dirs = findBinDirs();
  let serviceUser: string | null = null;
  try {
    serviceUser = resolveServiceUser()?.name ?? os.userInfo().username;
  } catch {
    serviceUser = null;
  }
  return {
    postgresVersions: Object.keys(dirs).map(Number).sort(),
    postgresBinDirs: Object.fromEntries(Object.entries(dirs).map(([v, d]) => [String(v), d])),
    zfs: onPath("zfs"),
    zpool: onPath("zpool"),
    pools,
    serviceUser,
    platform: process.platform,
    arch: process.arch,
  };
}

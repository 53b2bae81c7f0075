// The agent's storage layer: one driver interface over ZFS, btrfs or plain directories, and the
// validation of every name that reaches a command line.
import { BtrfsDriver } from "./btrfs-driver";
import { DirectoryDriver } from "./directory-driver";
import type { StorageDriver } from "./driver";
import { ZfsDriver } from "./zfs-driver";

export { BtrfsDriver, type MountedBtrfs } from "./btrfs-driver";
export { DirectoryDriver } from "./directory-driver";
export * from "./driver";
export * from "./names";
export { ZfsDriver, type ZfsFlavour } from "./zfs-driver";

export type DriverSpec =
  | { kind: "zfs"; pool: string }
  | { kind: "btrfs"; mountpoint: string; label: string }
  | { kind: "directory"; root: string; label: string };

export function openDriver(spec: DriverSpec): StorageDriver {
  switch (spec.kind) {
    case "zfs":
      return new ZfsDriver(spec.pool);
    case "btrfs":
      return new BtrfsDriver(spec.mountpoint, spec.label);
    case "directory":
      return new DirectoryDriver(spec.root, spec.label);
  }
}

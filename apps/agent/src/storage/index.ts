// The agent's storage layer: one driver interface over ZFS or plain directories, and the
// validation of every name that reaches a command line.
import { DirectoryDriver } from "./directory-driver";
import type { StorageDriver } from "./driver";
import { ZfsDriver } from "./zfs-driver";

export { DirectoryDriver } from "./directory-driver";
export * from "./driver";
export * from "./names";
export { ZfsDriver, type ZfsFlavour } from "./zfs-driver";

export type DriverSpec = { kind: "zfs"; pool: string } | { kind: "directory"; root: string; label: string };

export function openDriver(spec: DriverSpec): StorageDriver {
  return spec.kind === "zfs" ? new ZfsDriver(spec.pool) : new DirectoryDriver(spec.root, spec.label);
}

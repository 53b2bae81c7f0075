import { describe, expect, it } from "vitest";
import { CommandError, type Runner } from "../util/exec";
import type { StorageError } from "./driver";
import { toStorageError, ZfsDriver, type ZfsFlavour } from "./zfs-driver";

type Reply = { code?: number; stdout?: string; stderr?: string };

/** A stand-in for `run` that answers from a script and records every command. */
function fake(reply: (line: string) => Reply) {
  const calls: string[] = [];
  const runner: Runner = async (cmd, args, opts) => {
    const line = [cmd, ...args].join(" ");
    calls.push(line);
    const { code = 0, stdout = "", stderr = "" } = reply(line);
    if (code !== 0 && !opts?.allowFail) throw new CommandError(cmd, args, code, stderr);
    return { code, stdout, stderr };
  };
  return { runner, calls };
}

const driver = (flavour: ZfsFlavour, reply: (line: string) => Reply) => {
  const f = fake(reply);
  return { d: new ZfsDriver("tank", { run: f.runner, flavour }), calls: f.calls };
};

describe("ZfsDriver.flavour", () => {
  it("tells OpenZFS from zfs-fuse by whether zpool list takes -p", async () => {
    expect(await ZfsDriver.flavour(fake(() => ({ stdout: "tank\n" })).runner)).toBe("openzfs");
    const fuse = fake(() => ({ code: 2, stderr: "invalid option 'p'\nusage:\n" }));
    expect(await ZfsDriver.flavour(fuse.runner)).toBe("zfs-fuse");
    expect(await ZfsDriver.flavour(fuse.runner)).toBe("zfs-fuse");
    expect(fuse.calls).toEqual(["zpool list -Hp -o name"]);
  });
});

describe("ZfsDriver on OpenZFS", () => {
  it("snapshots several datasets in one command", async () => {
    const { d, calls } = driver("openzfs", () => ({}));
    await d.snapshotMany(["tank/a", "tank/b/c", "tank/a"], "s1", { "tideline:lsn": "0/1" });
    expect(calls).toEqual(["zfs snapshot -o tideline:lsn=0/1 tank/a@s1 tank/b/c@s1"]);
  });

  it("reads exact sizes from zpool list -Hp and zfs list -Hp", async () => {
    const { d } = driver("openzfs", (line) =>
      line.startsWith("zpool")
        ? { stdout: "tank\t1065353216\t1060110336\tONLINE\n" }
        : { stdout: "tank\t/tank\t610304\t1026555904\ntank/a\t/tank/a\t118784\t1026555904\n" },
    );
    expect(await d.poolStatus()).toEqual({
      name: "tank",
      sizeBytes: 1065353216,
      freeBytes: 1060110336,
      health: "ONLINE",
    });
    expect(await d.listDatasets()).toEqual([
      { name: "tank", mountpoint: "/tank", usedBytes: 610304, availableBytes: 1026555904 },
      { name: "tank/a", mountpoint: "/tank/a", usedBytes: 118784, availableBytes: 1026555904 },
    ]);
  });
});

describe("ZfsDriver on zfs-fuse", () => {
  it("reads rounded sizes from zpool list -H", async () => {
    const { d, calls } = driver("zfs-fuse", () => ({ stdout: "tank\t59.5M\t31.8M\tONLINE\n" }));
    expect(await d.poolStatus()).toEqual({
      name: "tank",
      sizeBytes: Math.round(59.5 * 1024 ** 2),
      freeBytes: Math.round(31.8 * 1024 ** 2),
      health: "ONLINE",
    });
    expect(calls).toEqual(["zpool list -H -o name,size,free,health tank"]);
  });

  it("snapshots several datasets atomically with -r on their common ancestor, then drops the extra ones", async () => {
    const { d, calls } = driver("zfs-fuse", (line) =>
      line.startsWith("zfs list") ? { stdout: "tank/c1\ntank/c1/data\ntank/c1/other\ntank/c1/wal\n" } : {},
    );
    await d.snapshotMany(["tank/c1/data", "tank/c1/wal"], "s1");
    expect(calls).toEqual([
      "zfs snapshot -r tank/c1@s1",
      "zfs list -H -o name -r -t filesystem,volume tank/c1",
      "zfs destroy tank/c1@s1",
      "zfs destroy tank/c1/other@s1",
    ]);
  });

  it("sets one property per command", async () => {
    const { d, calls } = driver("zfs-fuse", () => ({}));
    await d.setProperties("tank/a", { compression: "gzip-1", "tideline:role": "replica" });
    expect(calls).toEqual(["zfs set compression=gzip-1 tank/a", "zfs set tideline:role=replica tank/a"]);
  });
});

describe("toStorageError", () => {
  const map = (stderr: string) =>
    toStorageError(new CommandError("zfs", ["x"], 1, stderr), "tank") as StorageError;

  it.each([
    ["cannot open 'tank/a': dataset does not exist", "DATASET_NOT_FOUND"],
    ["cannot open 'tank/a@s': dataset does not exist", "SNAPSHOT_NOT_FOUND"],
    ["could not find any snapshots to destroy; check snapshot names.", "SNAPSHOT_NOT_FOUND"],
    ["cannot create snapshot 'tank/a@s': dataset already exists", "SNAPSHOT_EXISTS"],
    ["cannot create 'tank/a': dataset already exists", "DATASET_EXISTS"],
    ["cannot create 'tank/a': out of space", "POOL_FULL"],
    ["cannot destroy 'tank/a': dataset is busy", "DATASET_BUSY"],
    ["cannot unmount '/tank/a': pool or dataset is busy", "DATASET_BUSY"],
    ["bad property list: invalid property 'bogus'", "COMMAND_FAILED"],
  ])("%s → %s", (stderr, code) => expect(map(stderr).code).toBe(code));

  it("names the clones that hold a snapshot (both flavours word it alike)", () => {
    const err = map(
      "cannot destroy 'tank/a@rp1': snapshot has dependent clones\nuse '-R' to destroy the following datasets:\ntank/clones/1\ntank/clones/2\n",
    );
    expect(err.code).toBe("SNAPSHOT_HAS_CLONES");
    expect(err.message).toBe(
      "tank/a@rp1 has dependent clones (tank/clones/1, tank/clones/2); destroy the clones first",
    );
    expect(
      map(
        "cannot destroy 'tank/a': filesystem has dependent clones\nuse '-R' to destroy the following datasets:\ntank/c\n",
      ).code,
    ).toBe("SNAPSHOT_HAS_CLONES");
  });

  it("names the children in the way", () => {
    const err = map(
      "cannot destroy 'tank/a': filesystem has children\nuse '-r' to destroy the following datasets:\ntank/a@s1\n",
    );
    expect(err).toMatchObject({
      code: "DATASET_HAS_CHILDREN",
      message: expect.stringContaining("(tank/a@s1)"),
    });
  });
});

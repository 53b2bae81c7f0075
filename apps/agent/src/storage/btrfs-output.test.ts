import { describe, expect, it } from "vitest";
import {
  parseCompsize,
  parseFindmnt,
  parseMountinfo,
  parseQgroupShow,
  parseSubvolumeList,
  poolName,
} from "./btrfs-output";

describe("parseQgroupShow", () => {
  it("reads referenced and exclusive bytes of level-0 qgroups, with or without the path column", () => {
    const withPath = [
      "Qgroupid    Referenced    Exclusive   Path ",
      "--------    ----------    ---------   ---- ",
      "0/5              16384        16384   <toplevel>",
      "0/257          2113536      2113536   .snapshots/my pool/a@s1",
      "1/100          4227072      4227072   ",
    ].join("\n");
    expect(parseQgroupShow(withPath)).toEqual(
      new Map([
        [5, { referenced: 16384, exclusive: 16384 }],
        [257, { referenced: 2113536, exclusive: 2113536 }],
      ]),
    );
    const withLimits = "qgroupid rfer excl max_rfer max_excl\n0/258 2113536 16384 none none\n";
    expect(parseQgroupShow(withLimits).get(258)).toEqual({ referenced: 2113536, exclusive: 16384 });
  });
});

describe("parseSubvolumeList", () => {
  it("maps paths (spaces included) to subvolume ids", () => {
    const out = parseSubvolumeList(
      "ID 256 gen 10 top level 5 path tideline\nID 258 gen 12 top level 256 path .snapshots/a b@s1\n",
    );
    expect(out).toEqual(
      new Map([
        ["tideline", 256],
        [".snapshots/a b@s1", 258],
      ]),
    );
  });
});

describe("parseCompsize", () => {
  it("is uncompressed over disk bytes of the TOTAL row", () => {
    const out = [
      "Processed 3 files, 3 regular extents (3 refs), 0 inline.",
      "Type       Perc     Disk Usage   Uncompressed Referenced  ",
      "TOTAL       25%     1048576      4194304      4194304     ",
      "zstd        25%     1048576      4194304      4194304     ",
    ].join("\n");
    expect(parseCompsize(out)).toBe(4);
    expect(parseCompsize("No files.\n")).toBeUndefined();
  });
});

describe("parseMountinfo", () => {
  it("reads the mounted root, mountpoint and type, unescaping octal escapes", () => {
    const text = [
      "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
      "46 27 0:40 /@data /mnt/my\\040pool rw,relatime - btrfs /dev/loop0 rw,subvolid=256,subvol=/@data",
    ].join("\n");
    expect(parseMountinfo(text)).toEqual([
      { root: "/", mountpoint: "/", fstype: "ext4" },
      { root: "/@data", mountpoint: "/mnt/my pool", fstype: "btrfs" },
    ]);
  });
});

describe("parseFindmnt", () => {
  const fs = (o: Record<string, unknown>) => ({
    source: "/dev/loop0",
    uuid: "6a045f38-85ba-4abd-a92f-61abf2fbbaa5",
    fsroot: "/",
    options: "rw,relatime,space_cache=v2,subvolid=5,subvol=/",
    size: 1073741824,
    avail: 948568064,
    ...o,
  });

  it("lists each writable filesystem once, named by its label or its mountpoint", () => {
    const json = JSON.stringify({
      filesystems: [
        fs({ target: "/srv/tank", label: "tank" }),
        // a subvolume of /srv/tank mounted elsewhere: the same pool
        fs({ target: "/srv/data", label: "tank", fsroot: "/tideline", options: "rw,subvolid=256" }),
        fs({ target: "/mnt/backup disk", label: "my backups", uuid: "u2" }),
        fs({ target: "/mnt/ro", label: "ro", uuid: "u3", options: "ro,relatime" }),
        fs({ target: "/", label: null, uuid: "u4", size: "20000", avail: "100" }),
      ],
    });
    expect(parseFindmnt(json)).toEqual([
      {
        name: "tank",
        mountpoint: "/srv/tank",
        uuid: "6a045f38-85ba-4abd-a92f-61abf2fbbaa5",
        sizeBytes: 1073741824,
        freeBytes: 948568064,
        health: "ONLINE",
      },
      {
        name: "btrfs-backup-disk",
        mountpoint: "/mnt/backup disk",
        uuid: "u2",
        sizeBytes: 1073741824,
        freeBytes: 948568064,
        health: "ONLINE",
      },
      { name: "btrfs-root", mountpoint: "/", uuid: "u4", sizeBytes: 20000, freeBytes: 100, health: "ONLINE" },
    ]);
  });

  it("keeps a filesystem mounted only through a subvolume, and tells equal labels apart", () => {
    const json = JSON.stringify({
      filesystems: [
        fs({ target: "/home", label: "data", fsroot: "/@home", uuid: "aaaaaaaa-1" }),
        fs({ target: "/srv", label: "data", uuid: "bbbbbbbb-2" }),
      ],
    });
    expect(parseFindmnt(json).map((m) => [m.name, m.mountpoint])).toEqual([
      ["data", "/srv"],
      ["data-aaaaaaaa", "/home"],
    ]);
  });
});

describe("poolName", () => {
  it.each([
    ["tank", "/srv/x", "tank"],
    [undefined, "/srv/tideline-pool", "btrfs-tideline-pool"],
    ["bad/label", "/srv/x", "btrfs-x"],
    ["-x", "/srv/..", "btrfs-root"],
  ])("label %s at %s is %s", (label, mountpoint, name) => expect(poolName(label, mountpoint)).toBe(name));
});

import { describe, expect, it } from "vitest";
import { parseGet, parseRatio, parseRows, parseSize, userProperties } from "./zfs-output";

describe("parseSize", () => {
  it.each([
    ["372736", 372736],
    ["0", 0],
    ["-", 0],
    ["512", 512],
    ["512K", 512 * 1024],
    ["59.5M", Math.round(59.5 * 1024 ** 2)],
    ["1016M", 1016 * 1024 ** 2],
    ["1.5G", 1.5 * 1024 ** 3],
    ["2.25T", 2.25 * 1024 ** 4],
    ["16.0E", 16 * 1024 ** 6],
  ])("%s is %d bytes", (text, bytes) => expect(parseSize(text)).toBe(bytes));

  it("refuses what is not a size", () => {
    expect(() => parseSize("ONLINE")).toThrow(/unexpected size "ONLINE"/);
    expect(() => parseSize("")).toThrow();
  });
});

describe("parseRatio", () => {
  it("reads both flavours", () => {
    expect(parseRatio("1.53x")).toBe(1.53);
    expect(parseRatio("1.53")).toBe(1.53);
    expect(parseRatio("-")).toBeUndefined();
  });
});

describe("parseRows", () => {
  it("splits -H output and skips lines that are not rows", () => {
    expect(parseRows("tank\t1016M\t1015M\tONLINE\n\nno pools available\n")).toEqual([
      ["tank", "1016M", "1015M", "ONLINE"],
    ]);
  });
});

describe("parseGet", () => {
  // as printed by zfs-fuse's `zfs get -Hp -d 1 -o name,property,value,source all tank/c1/replica`
  const stdout = [
    "tank/c1/replica\ttype\tfilesystem\t-",
    "tank/c1/replica\tcompression\tgzip-1\tinherited from tank",
    "tank/c1/replica@z\tcreation\t1795307013\t-",
    "tank/c1/replica@z\tused\t0\t-",
    "tank/c1/replica@z\ttideline:lsn\t0/16B3748\tlocal",
    "tank/c1/replica@a\tcreation\t1795307013\t-",
    "tank/c1/replica@a\ttideline:note\ta b=c\tlocal",
    "tank/c1/replica@a\ttideline:unset\t-\t-",
    "",
  ].join("\n");

  it("groups values by name, keeping zfs's order", () => {
    const got = parseGet(stdout);
    expect([...got.keys()]).toEqual(["tank/c1/replica", "tank/c1/replica@z", "tank/c1/replica@a"]);
    expect(got.get("tank/c1/replica")?.get("compression")).toEqual({
      value: "gzip-1",
      source: "inherited from tank",
    });
  });

  it("extracts the user properties that have a value", () => {
    const got = parseGet(stdout);
    expect(userProperties(got.get("tank/c1/replica@z")!)).toEqual({ "tideline:lsn": "0/16B3748" });
    expect(userProperties(got.get("tank/c1/replica@a")!)).toEqual({ "tideline:note": "a b=c" });
  });
});

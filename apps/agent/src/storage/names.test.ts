import { describe, expect, it } from "vitest";
import { StorageError } from "./driver";
import {
  assertDatasetName,
  assertInPool,
  assertPropertyName,
  assertPropertyValue,
  assertSnapshotName,
  assertUserPropertyName,
} from "./names";

function rejection(fn: () => void): StorageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StorageError);
    return err as StorageError;
  }
  throw new Error("expected a StorageError");
}

describe("assertDatasetName", () => {
  it.each([
    "tank",
    "tank/tideline/c1/replica",
    "tank/tideline/c1/clones/42",
    "p0/A:b.c-d_e",
    "x".repeat(200),
  ])("accepts %s", (name) => expect(() => assertDatasetName(name)).not.toThrow());

  it.each([
    "a;rm -rf /",
    "tank/a b",
    "../x",
    "tank/..",
    "tank/a..b",
    "-x",
    "tank/-x",
    "tank/",
    "/tank",
    "tank//c1",
    "tank/c1@snap",
    "tank/c1\n",
    "tank/$(id)",
    "tank/`id`",
    "",
    "x".repeat(201),
  ])("rejects %j with INVALID_NAME quoting the value", (name) => {
    const err = rejection(() => assertDatasetName(name));
    expect(err.code).toBe("INVALID_NAME");
    expect(err.message).toContain(JSON.stringify(name));
  });

  it("rejects what is not a string", () => {
    expect(rejection(() => assertDatasetName(undefined)).code).toBe("INVALID_NAME");
    expect(rejection(() => assertDatasetName(42)).code).toBe("INVALID_NAME");
  });
});

describe("assertSnapshotName", () => {
  it.each(["rp-20261122T002300Z", "s1", "a:b.c-d_e"])("accepts %s", (name) =>
    expect(() => assertSnapshotName(name)).not.toThrow(),
  );
  it.each(["", "-x", ".x", "a/b", "a@b", "a b", "a;b", "x".repeat(55)])("rejects %j", (name) =>
    expect(rejection(() => assertSnapshotName(name)).code).toBe("INVALID_NAME"),
  );
});

describe("property names and values", () => {
  it("accepts native and user property names", () => {
    for (const name of ["compression", "tideline:lsn", "com.example:a-b_c.d"]) {
      expect(() => assertPropertyName(name)).not.toThrow();
    }
    expect(() => assertUserPropertyName("tideline:timeline")).not.toThrow();
  });

  it.each(["", "-o", "Compression", "a=b", "a b", "userquota@root", "tideline:x\n"])(
    "rejects name %j",
    (name) => expect(rejection(() => assertPropertyName(name)).code).toBe("INVALID_NAME"),
  );

  it("requires a namespace for user properties", () => {
    const err = rejection(() => assertUserPropertyName("lsn"));
    expect(err.message).toBe(
      'user property name "lsn" is not valid: it needs a namespace such as "tideline:"',
    );
  });

  it("accepts ordinary values and rejects control characters", () => {
    for (const v of ["0/16B3748", "2026-11-22 00:23:00+00", "a b=c;d", ""]) {
      expect(() => assertPropertyValue(v)).not.toThrow();
    }
    for (const v of ["a\nb", "a\tb", "a\u0000", "x".repeat(8192)]) {
      expect(rejection(() => assertPropertyValue(v)).code).toBe("INVALID_NAME");
    }
  });
});

describe("assertInPool", () => {
  it("accepts the pool and what lies below it, nothing else", () => {
    expect(() => assertInPool("tank", "tank")).not.toThrow();
    expect(() => assertInPool("tank/a", "tank")).not.toThrow();
    expect(rejection(() => assertInPool("tanker/a", "tank")).message).toBe(
      'dataset "tanker/a" is not in pool "tank"',
    );
    expect(rejection(() => assertInPool("other", "tank")).code).toBe("INVALID_NAME");
  });
});

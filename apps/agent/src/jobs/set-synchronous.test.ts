import { describe, expect, it } from "vitest";
import { nextStandbyNames, standbyNames } from "./set-synchronous";

describe("zero-loss mode's synchronous_standby_names", () => {
  it("reads the names of every form PostgreSQL takes", () => {
    expect(standbyNames("")).toEqual([]);
    expect(standbyNames("a, b")).toEqual(["a", "b"]);
    expect(standbyNames('FIRST 1 (a, "b")')).toEqual(["a", "b"]);
    expect(standbyNames("ANY 2 (a,b,c)")).toEqual(["a", "b", "c"]);
  });

  it("adds the receiver to an empty setting and takes it out again; leaves other standbys to the DBA", () => {
    expect(nextStandbyNames("", "tideline_wal_shop", true)).toEqual({ value: "tideline_wal_shop" });
    expect(nextStandbyNames("tideline_wal_shop", "tideline_wal_shop", true)).toEqual({
      value: "tideline_wal_shop",
    });
    expect(nextStandbyNames("tideline_wal_shop", "tideline_wal_shop", false)).toEqual({ value: "" });
    expect(nextStandbyNames("", "tideline_wal_shop", false)).toEqual({ value: "" });
    const refused = nextStandbyNames("FIRST 1 (replica1)", "tideline_wal_shop", true);
    expect(refused).toMatchObject({ refuse: expect.stringContaining("ANY 1 (replica1, tideline_wal_shop)") });
    expect(nextStandbyNames("ANY 1 (replica1, tideline_wal_shop)", "tideline_wal_shop", false)).toMatchObject(
      { refuse: expect.stringContaining("'replica1'") },
    );
  });
});

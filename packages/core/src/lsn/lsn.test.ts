import { describe, expect, it } from "vitest";
import { compareLsn, formatLsn, isLsn, lsnDiffBytes, normalizeLsn, parseLsn } from "./lsn";

describe("parseLsn / formatLsn", () => {
  it("reads PostgreSQL's text form", () => {
    expect(parseLsn("0/3000060")).toBe(0x3000060n);
    expect(parseLsn("16/B374D848")).toBe((0x16n << 32n) | 0xb374d848n);
    expect(parseLsn("0/0")).toBe(0n);
    expect(parseLsn("FFFFFFFF/FFFFFFFF")).toBe((1n << 64n) - 1n);
    expect(parseLsn("16/b374d848")).toBe(parseLsn("16/B374D848"));
    expect(parseLsn(" 0/1 ")).toBe(1n);
  });

  it("writes upper-case hex without leading zeros on either half, like pg_lsn_out", () => {
    expect(formatLsn(0x3000060n)).toBe("0/3000060");
    expect(formatLsn((0x16n << 32n) | 0xb374d848n)).toBe("16/B374D848");
    expect(formatLsn(0n)).toBe("0/0");
    expect(formatLsn(1n << 32n)).toBe("1/0");
    expect(normalizeLsn("00000000/03000060")).toBe("0/3000060");
  });

  it.each([
    "",
    "garbage",
    "0/",
    "/0",
    "0-3000060",
    "123456789/0",
    "0/123456789",
    "G/0",
    "0/3000060/1",
    "-1/0",
  ])("refuses %j with INVALID_LSN", (bad) => {
    expect(() => parseLsn(bad)).toThrowError(expect.objectContaining({ code: "INVALID_LSN" }));
    expect(isLsn(bad)).toBe(false);
  });

  it("refuses numbers outside the LSN range", () => {
    expect(() => formatLsn(-1n)).toThrowError(/INVALID_LSN/);
    expect(() => formatLsn(1n << 64n)).toThrowError(/INVALID_LSN/);
  });

  it("round-trips", () => {
    for (const s of ["0/0", "0/1", "1/0", "16/B374D848", "ABCDEF01/23456789"])
      expect(formatLsn(parseLsn(s))).toBe(s);
  });
});

describe("compareLsn / lsnDiffBytes", () => {
  it("compares numerically, not as text", () => {
    expect(compareLsn("0/9000000", "0/10000000")).toBe(-1);
    expect(compareLsn("1/0", "0/FFFFFFFF")).toBe(1);
    expect(compareLsn("0/3000060", "0/03000060")).toBe(0);
    expect(["1/0", "0/A", "0/9"].sort(compareLsn)).toEqual(["0/9", "0/A", "1/0"]);
  });

  it("subtracts like pg_wal_lsn_diff(a, b)", () => {
    expect(lsnDiffBytes("0/3000060", "0/3000000")).toBe(0x60n);
    expect(lsnDiffBytes("1/0", "0/FFFFFFFF")).toBe(1n);
    expect(lsnDiffBytes("0/0", "0/10")).toBe(-16n);
  });
});

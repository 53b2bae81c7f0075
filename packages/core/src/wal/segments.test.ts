import { describe, expect, it } from "vitest";
import {
  DEFAULT_WAL_SEGMENT_SIZE,
  historyFileName,
  lsnToSegno,
  parseWalFileName,
  segmentFileName,
  segnoStartLsn,
  walFileNameForLsn,
} from "./segments";

const MB = 1024 * 1024;

describe("WAL file names for LSNs (what pg_walfile_name returns)", () => {
  it("matches PostgreSQL with 16 MB segments", () => {
    expect(DEFAULT_WAL_SEGMENT_SIZE).toBe(16 * MB);
    expect(walFileNameForLsn(1, "0/3000060")).toBe("000000010000000000000003");
    expect(walFileNameForLsn(1, "16/B374D848")).toBe("0000000100000016000000B3");
    expect(walFileNameForLsn(2, "0/0")).toBe("000000020000000000000000");
    expect(walFileNameForLsn(1, "0/FFFFFFFF")).toBe("0000000100000000000000FF");
    expect(walFileNameForLsn(1, "1/0")).toBe("000000010000000100000000");
    expect(walFileNameForLsn(0xa, "FFFFFFFF/FFFFFFFF")).toBe("0000000AFFFFFFFF000000FF");
  });

  it("follows the segment size (initdb --wal-segsize)", () => {
    expect(walFileNameForLsn(1, "0/3000060", 64 * MB)).toBe("000000010000000000000000");
    expect(walFileNameForLsn(1, "1/4000000", 64 * MB)).toBe("000000010000000100000001");
    expect(walFileNameForLsn(1, "0/C0000000", 1024 * MB)).toBe("000000010000000000000003");
    expect(walFileNameForLsn(1, "0/300000", 1 * MB)).toBe("000000010000000000000003");
    expect(walFileNameForLsn(1, "1/300000", 1 * MB)).toBe("000000010000000100000003");
  });

  it("computes segment numbers and their start LSNs", () => {
    expect(lsnToSegno("0/3000060")).toBe(3n);
    expect(lsnToSegno("16/B374D848")).toBe(0x16n * 256n + 0xb3n);
    expect(lsnToSegno(0x3000000n)).toBe(3n);
    expect(lsnToSegno(0x2ffffffn)).toBe(2n);
    expect(segnoStartLsn(3n)).toBe(0x3000000n);
    expect(segmentFileName(1, 0x16n * 256n + 0xb3n)).toBe("0000000100000016000000B3");
    expect(historyFileName(2)).toBe("00000002.history");
  });

  it("refuses segment sizes PostgreSQL cannot have and bad timelines", () => {
    expect(() => segmentFileName(1, 0n, 3 * MB)).toThrowError(/INVALID_WAL_SEGMENT_SIZE/);
    expect(() => segmentFileName(1, 0n, 512 * 1024)).toThrowError(/INVALID_WAL_SEGMENT_SIZE/);
    expect(() => segmentFileName(1, 0n, 2048 * MB)).toThrowError(/INVALID_WAL_SEGMENT_SIZE/);
    expect(() => segmentFileName(0, 0n)).toThrowError(/INVALID_TIMELINE/);
    expect(() => segmentFileName(1, -1n)).toThrowError(/INVALID_SEGMENT_NUMBER/);
  });
});

describe("parseWalFileName", () => {
  it("recognises segments, .partial segments, history and backup history files", () => {
    expect(parseWalFileName("0000000100000016000000B3")).toEqual({
      kind: "segment",
      timeline: 1,
      segno: 0x16n * 256n + 0xb3n,
      partial: false,
    });
    expect(parseWalFileName("000000020000000000000003.partial")).toEqual({
      kind: "segment",
      timeline: 2,
      segno: 3n,
      partial: true,
    });
    expect(parseWalFileName("00000002.history")).toEqual({ kind: "history", timeline: 2 });
    expect(parseWalFileName("000000010000000000000002.00000028.backup")).toEqual({
      kind: "backup",
      timeline: 1,
      segno: 2n,
      startLsn: "0/2000028",
    });
  });

  it("round-trips with segmentFileName for several segment sizes", () => {
    for (const size of [MB, 16 * MB, 64 * MB, 1024 * MB]) {
      for (const segno of [0n, 1n, 255n, 256n, 4097n, 123456n]) {
        const name = segmentFileName(7, segno, size);
        expect(parseWalFileName(name, size)).toEqual({ kind: "segment", timeline: 7, segno, partial: false });
      }
    }
  });

  it.each([
    "000000010000000000000003.gz",
    "000000010000000000000003.partial.gz",
    "0000000100000000000000030",
    "000000010000000000000003.tmp",
    "00000001000000000000000g",
    "00000001000000000000000a", // PostgreSQL only writes upper-case hex
    "000000000000000000000003", // timeline 0 does not exist
    "000000010000000000000100", // low part beyond 0xFF with 16 MB segments
    "00000001.History",
    "archive_status",
    "000000010000000000000002.01000000.backup", // offset beyond the segment
  ])("ignores %j", (name) => {
    expect(parseWalFileName(name)).toBeNull();
  });

  it("accepts the low part that only bigger segment counts allow", () => {
    expect(parseWalFileName("000000010000000000000FFF", MB)).toMatchObject({
      kind: "segment",
      segno: 0xfffn,
    });
    expect(parseWalFileName("000000010000000000000004", 1024 * MB)).toBeNull();
  });
});

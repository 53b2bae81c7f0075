import { describe, expect, it } from "vitest";
import { parseByteSize } from "./byte-size";

describe("parseByteSize", () => {
  it("reads IEC and SI-looking units as powers of 1024, as PostgreSQL does", () => {
    expect(parseByteSize("256MB")).toBe(256 * 2 ** 20);
    expect(parseByteSize("256MiB")).toBe(256 * 2 ** 20);
    expect(parseByteSize("1GiB")).toBe(2 ** 30);
    expect(parseByteSize("1.5 G")).toBe(1.5 * 2 ** 30);
    expect(parseByteSize("16m")).toBe(16 * 2 ** 20);
    expect(parseByteSize("4096")).toBe(4096);
    expect(parseByteSize("8kB")).toBe(8192);
  });

  it("reads 0 and off as disabled", () => {
    for (const s of ["0", "off", "OFF", " none "]) expect(parseByteSize(s)).toBe(0);
  });

  it("refuses what is not a size, with a code", () => {
    for (const s of ["", "MB", "-1MB", "12 parsecs", "1e9"])
      expect(() => parseByteSize(s)).toThrow(/INVALID_SIZE/);
  });
});

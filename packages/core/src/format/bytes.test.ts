import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration } from "./bytes";

describe("formatBytes", () => {
  it.each<[number | bigint, string]>([
    [0, "0 B"],
    [1, "1 B"],
    [512, "512 B"],
    [1023, "1023 B"],
    [1024, "1 KiB"],
    [1536, "1.5 KiB"],
    [16 * 1024 * 1024, "16 MiB"],
    [1.1 * 1024 ** 3, "1.1 GiB"],
    [123.4 * 1024 ** 2, "123 MiB"],
    [1023.9 * 1024, "1 MiB"],
    [-2048, "-2 KiB"],
    [5n * 1024n ** 4n, "5 TiB"],
  ])("%s → %s", (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });
});

describe("formatDuration", () => {
  it.each<[number, string]>([
    [0, "0 ms"],
    [0.85, "850 ms"],
    [0.9996, "1 s"],
    [0.9, "900 ms"],
    [5.3, "5.3 s"],
    [9.96, "10 s"],
    [45, "45 s"],
    [60, "1 min"],
    [903, "15 min 3 s"],
    [7500, "2 h 5 min"],
    [7200, "2 h"],
    [3 * 86_400 + 4 * 3600 + 59, "3 d 4 h"],
    [-30, "-30 s"],
  ])("%s s → %s", (s, text) => {
    expect(formatDuration(s)).toBe(text);
  });
});

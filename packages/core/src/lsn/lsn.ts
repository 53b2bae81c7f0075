// LSN (pg_lsn) parsing, formatting and arithmetic, with PostgreSQL's text form "16/B374D848".

import { TidelineError } from "../errors";

export const MAX_LSN = (1n << 64n) - 1n;

// pg_lsn_in accepts at most 8 hex digits on each side of the slash.
const LSN_PATTERN = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;

export function isLsn(s: string): boolean {
  return LSN_PATTERN.test(s.trim());
}

export function parseLsn(s: string): bigint {
  const match = typeof s === "string" ? LSN_PATTERN.exec(s.trim()) : null;
  if (!match) {
    throw new TidelineError(
      "INVALID_LSN",
      `${JSON.stringify(s)} is not an LSN; expected two hex numbers separated by a slash, like 16/B374D848`,
    );
  }
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

export function formatLsn(n: bigint): string {
  if (n < 0n || n > MAX_LSN) {
    throw new TidelineError("INVALID_LSN", `${n} is outside the LSN range 0/0 to FFFFFFFF/FFFFFFFF`);
  }
  const hi = n >> 32n;
  const lo = n & 0xffffffffn;
  return `${hi.toString(16).toUpperCase()}/${lo.toString(16).toUpperCase()}`;
}

/** Canonical spelling ("0/03000060" → "0/3000060"), so LSNs can be compared as strings for equality. */
export function normalizeLsn(s: string): string {
  return formatLsn(parseLsn(s));
}

export function toLsnValue(lsn: string | bigint): bigint {
  return typeof lsn === "bigint" ? lsn : parseLsn(lsn);
}

export function compareLsn(a: string | bigint, b: string | bigint): number {
  const x = toLsnValue(a);
  const y = toLsnValue(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** a − b in bytes, like pg_wal_lsn_diff(a, b). */
export function lsnDiffBytes(a: string | bigint, b: string | bigint): bigint {
  return toLsnValue(a) - toLsnValue(b);
}

export function minLsn(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function maxLsn(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

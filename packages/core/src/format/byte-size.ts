// Reading a size a user typed ("256MB", "1GiB", "512 MiB", "0", "off"): the one parser the CLI,
// the console and the API share for byte settings such as a cluster's WAL cadence.
import { TidelineError } from "../errors";

const FACTORS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/**
 * Bytes from "256MB", "1GiB", "1.5G", "4096": units are powers of 1024 whether written MB or MiB,
 * as PostgreSQL reads `max_wal_size = 1GB` (a DBA who writes 256MB next to PostgreSQL settings
 * means 256 × 2^20). "0", "off", "none" and "disabled" give 0 (the setting is off).
 */
export function parseByteSize(text: string): number {
  const s = String(text).trim().toLowerCase();
  if (["0", "off", "none", "disabled"].includes(s)) return 0;
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/.exec(s);
  const factor = m ? FACTORS[m[2]!] : undefined;
  if (!m || factor === undefined) {
    throw new TidelineError(
      "INVALID_SIZE",
      `${JSON.stringify(text)} is not a size: write a number with a unit, like 256MB or 1GiB, or 0 / off to disable`,
    );
  }
  const bytes = Math.round(Number(m[1]) * factor);
  if (!Number.isSafeInteger(bytes))
    throw new TidelineError("INVALID_SIZE", `${JSON.stringify(text)} is too large`);
  return bytes;
}

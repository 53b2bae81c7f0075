// Timestamps as PostgreSQL records them (commit times, replay times): microsecond precision and
// always an explicit zone. Held as microseconds since the Unix epoch; a double is exact for that
// up to the year 2255, and comparing strings would get zones and precision wrong.

import { TidelineError } from "../errors";

/** Microseconds since 1970-01-01 00:00:00 UTC. */
export type Micros = number;

const TIMESTAMP_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?))?$/i;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}

export function isTimestampParseable(s: string): boolean {
  try {
    parseTimestamp(s);
    return true;
  } catch {
    return false;
  }
}

/**
 * Accepts ISO 8601 ("2026-11-21T10:00:00.123Z", "…+02:00") and PostgreSQL's output style
 * ("2026-11-21 10:00:00.123456+00", "… UTC"). A timestamp without a zone is refused: on a fleet
 * spread over zones, guessing one silently restores the wrong moment.
 */
export function parseTimestamp(s: string, code = "INVALID_TIMESTAMP"): Micros {
  const text = typeof s === "string" ? s.trim() : "";
  const m = TIMESTAMP_PATTERN.exec(text);
  if (!m) {
    throw new TidelineError(
      code,
      `${JSON.stringify(s)} is not a timestamp; expected e.g. 2026-11-21 10:00:00Z or 2026-11-21T10:00:00+02:00`,
    );
  }
  const [, ys, mos, ds, hs, mis, ss, fs, zone] = m;
  if (zone === undefined) {
    throw new TidelineError(
      code,
      `${JSON.stringify(s)} has no time zone; the time zone must be explicit (append Z, +00 or an offset like +02:00)`,
    );
  }
  const year = Number(ys);
  const month = Number(mos);
  const day = Number(ds);
  const hour = Number(hs);
  const minute = Number(mis);
  const second = ss === undefined ? 0 : Number(ss);
  if (
    year < 1000 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw new TidelineError(code, `${JSON.stringify(s)} is not a valid date and time`);
  }
  const micros = fs === undefined ? 0 : Number(fs.slice(0, 6).padEnd(6, "0"));
  let offsetMinutes = 0;
  const z = zone.toUpperCase();
  if (z !== "Z" && z !== "UTC" && z !== "GMT") {
    const sign = z.startsWith("-") ? -1 : 1;
    const digits = z.slice(1).replace(":", "");
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (oh > 15 || om > 59)
      throw new TidelineError(code, `${JSON.stringify(s)} has an invalid time zone offset`);
    offsetMinutes = sign * (oh * 60 + om);
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  return ms * 1000 + micros;
}

/** ISO 8601 in UTC, with as many fractional digits as needed (none, 3 or 6). */
export function formatTimestamp(t: Micros): string {
  const ms = Math.floor(t / 1000);
  const extraMicros = t - ms * 1000;
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  const base = iso.slice(0, 19);
  const millis = iso.slice(20, 23);
  if (extraMicros !== 0) return `${base}.${millis}${String(extraMicros).padStart(3, "0")}Z`;
  if (millis !== "000") return `${base}.${millis}Z`;
  return `${base}Z`;
}

/**
 * PostgreSQL's own notation in UTC with all six fractional digits ("2026-11-21 10:00:00.250000+00"):
 * what recovery_target_time's check hook accepts (it refuses ISO 8601's "T…Z"), read back exactly
 * by parseTimestamp.
 */
export function formatTimestampForPostgres(t: Micros): string {
  const ms = Math.floor(t / 1000);
  const micros = String(t - Math.floor(t / 1_000_000) * 1_000_000).padStart(6, "0");
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${micros}+00`;
}

export function normalizeTimestamp(s: string): string {
  return formatTimestamp(parseTimestamp(s));
}

export function parseOptionalTimestamp(s: string | null | undefined): Micros | null {
  return s === null || s === undefined ? null : parseTimestamp(s);
}

export function formatOptionalTimestamp(t: Micros | null): string | null {
  return t === null ? null : formatTimestamp(t);
}

export function dateToMicros(d: Date): Micros {
  return d.getTime() * 1000;
}

export function toMicros(t: string | Date): Micros {
  return typeof t === "string" ? parseTimestamp(t) : dateToMicros(t);
}

/**
 * For sentences: "2026-11-21 10:00:00Z", or just "10:15:00Z" when `sameDayAs` falls on the same
 * UTC date, so two times in one message read like a DBA would write them.
 */
export function formatTimestampForMessage(t: Micros, sameDayAs?: Micros): string {
  const iso = formatTimestamp(t);
  const date = iso.slice(0, 10);
  const time = iso.slice(11);
  if (sameDayAs !== undefined && formatTimestamp(sameDayAs).slice(0, 10) === date) return time;
  return `${date} ${time}`;
}

export function maxMicros(a: Micros | null, b: Micros | null): Micros | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}

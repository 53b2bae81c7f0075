// Times as a DBA types them, in an explicit zone: UTC or the browser's own. What the console
// sends always carries its zone ("2026-11-21T10:15:03+01:00", or a pasted "… 10:15:03+01" as
// typed, which core's codec reads on both sides), so the coordinator never guesses one.
// Precision is one second for typed times, like the input.
import { parseTimestamp } from "@tideline/core";

export type Zone = "utc" | "local";

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** The browser's IANA zone name ("Europe/Berlin"), or "local" where the browser does not say. */
export function localZoneName(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "local";
  } catch {
    return "local";
  }
}

/** "+01:00" for the browser's offset at `ms` (DST-aware), "+00:00" for UTC. */
export function offsetAt(ms: number, zone: Zone): string {
  if (zone === "utc") return "+00:00";
  const off = -new Date(ms).getTimezoneOffset();
  const sign = off >= 0 ? "+" : "-";
  return `${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
}

/** True when the browser's zone is UTC all year: then the two zones are one. */
export function localIsUtc(): boolean {
  const y = new Date().getFullYear();
  return new Date(y, 0, 1).getTimezoneOffset() === 0 && new Date(y, 6, 1).getTimezoneOffset() === 0;
}

/** A label for a zone: "UTC" or "Europe/Berlin (UTC+01:00)". */
export function zoneLabel(zone: Zone, at: number = Date.now()): string {
  return zone === "utc" ? "UTC" : `${localZoneName()} (UTC${offsetAt(at, "local")})`;
}

/** `ms` as "YYYY-MM-DD HH:MM:SS" in the zone (seconds truncated, not rounded). */
export function formatInZone(ms: number, zone: Zone): string {
  const d = new Date(Math.floor(ms / 1000) * 1000);
  if (zone === "utc") {
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  }
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `ms` as ISO 8601 with the zone's offset: "2026-11-21T10:15:03+01:00", or "…Z" in UTC. */
export function isoWithOffset(ms: number, zone: Zone): string {
  const wall = formatInZone(ms, zone).replace(" ", "T");
  return zone === "utc" ? `${wall}Z` : `${wall}${offsetAt(ms, zone)}`;
}

export type ParsedTime = { ok: true; ms: number; iso: string } | { ok: false; error: string };

const WALL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;
const HAS_ZONE = /(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * Reads "YYYY-MM-DD HH:MM[:SS]" as a wall-clock time in `zone`. A pasted time that carries its
 * own zone ("…Z", "…+02:00") is taken as it says, whatever `zone` is. A local time that does not
 * exist (skipped by a DST change) is refused rather than silently moved.
 */
export function parseInZone(text: string, zone: Zone): ParsedTime {
  const s = text.trim();
  if (!s) return { ok: false, error: "enter a time like 2026-11-21 10:15:03" };
  // a pasted time with its own zone goes through the domain's one codec (packages/core), the same
  // the coordinator checks targets with
  if (HAS_ZONE.test(s)) {
    try {
      return { ok: true, ms: Math.floor(parseTimestamp(s) / 1000), iso: s };
    } catch {
      return { ok: false, error: `"${s}" is not a valid time` };
    }
  }
  const m = WALL.exec(s);
  if (!m) return { ok: false, error: `"${s}" is not a time like 2026-11-21 10:15:03` };
  const [y, mo, d, h, mi, se] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? "0"].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!validParts(y, mo, d, h, mi, se)) return { ok: false, error: `"${s}" is not a valid time` };
  let ms: number;
  if (zone === "utc") ms = Date.UTC(y, mo - 1, d, h, mi, se);
  else {
    const local = new Date(y, mo - 1, d, h, mi, se);
    if (
      local.getFullYear() !== y ||
      local.getMonth() !== mo - 1 ||
      local.getDate() !== d ||
      local.getHours() !== h ||
      local.getMinutes() !== mi
    ) {
      return { ok: false, error: `${s} does not exist in ${localZoneName()} (the clocks changed then)` };
    }
    ms = local.getTime();
  }
  return { ok: true, ms, iso: isoWithOffset(ms, zone) };
}

function validParts(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** Parses API times, which may carry microseconds ("…T10:00:00.123456Z"), to epoch ms. */
export function timeMs(t: Date | string | null | undefined): number | null {
  if (t === null || t === undefined) return null;
  if (t instanceof Date) return t.getTime();
  const ms = Date.parse(t.replace(/(\.\d{3})\d+/, "$1"));
  return Number.isFinite(ms) ? ms : null;
}

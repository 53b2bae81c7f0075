// Formatting of sizes, durations, rates and times for the console: one place, so every page
// says "1.2 GiB" and "3 min ago" the same way.
import { formatBytes as formatBytesIec } from "@tideline/core";

/** 1536 → "1.5 KiB": packages/core's IEC units, the same the CLI prints; "—" for nothing. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return "—";
  return formatBytesIec(bytes);
}

/** Bytes per second → "12.3 MiB/s". */
export function formatRate(bytesPerSecond: number | null | undefined): string {
  if (bytesPerSecond === null || bytesPerSecond === undefined || !Number.isFinite(bytesPerSecond)) return "—";
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** Milliseconds → "850 ms", "42 s", "3 min 5 s", "2 h 4 min", "3 d 4 h". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 0) ms = 0;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** A time relative to `now`: "just now", "5 s ago", "3 min ago", "in 2 h", "4 d ago". */
export function formatRelative(
  at: Date | string | number | null | undefined,
  now: number = Date.now(),
): string {
  if (at === null || at === undefined) return "never";
  const t = new Date(at).getTime();
  if (!Number.isFinite(t)) return "—";
  const diff = now - t;
  const abs = Math.abs(diff);
  if (abs < 5_000) return "just now";
  let text: string;
  if (abs < 60_000) text = `${Math.floor(abs / 1000)} s`;
  else if (abs < 3_600_000) text = `${Math.floor(abs / 60_000)} min`;
  else if (abs < 86_400_000) text = `${Math.floor(abs / 3_600_000)} h`;
  else text = `${Math.floor(abs / 86_400_000)} d`;
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** An exact local time with seconds and the UTC offset: "2026-11-21 10:15:03 +01:00". */
export function formatDateTime(at: Date | string | number | null | undefined): string {
  if (at === null || at === undefined) return "—";
  const d = new Date(at);
  if (!Number.isFinite(d.getTime())) return "—";
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? "+" : "-";
  const tz = `${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${tz}`;
}

/** 0.4567 → "46%"; clamps to 0–100. */
export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return "—";
  return `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`;
}

/** "PostgreSQL 15, 16" from a list of major versions. */
export function formatPgVersions(versions: readonly number[] | null | undefined): string {
  if (!versions || versions.length === 0) return "none found";
  return [...versions].sort((a, b) => a - b).join(", ");
}

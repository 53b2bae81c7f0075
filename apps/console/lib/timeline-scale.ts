// The arithmetic behind the recoverable-window chart: the visible time range (zoom from a
// minute to years, pan), where a fork falls in time, and names for spans. Pure functions,
// unit-tested; pixels and axis ticks are d3's (lib/timeline/time-axis.ts), the SVG lives in
// components/window/.
import { isLsn, parseLsn } from "@tideline/core";

export interface View {
  from: number;
  to: number;
}

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

/** The closest zoom: one minute across the chart. */
export const MIN_SPAN_MS = M;
/** The widest: five years. */
export const MAX_SPAN_MS = 5 * 365 * D;

export const PRESETS = [
  { id: "15m", label: "15m", span: 15 * M },
  { id: "1h", label: "1h", span: H },
  { id: "1d", label: "1d", span: D },
  { id: "1w", label: "1w", span: 7 * D },
  { id: "30d", label: "30d", span: 30 * D },
  { id: "all", label: "all", span: null },
] as const;
export type PresetId = (typeof PRESETS)[number]["id"];

/** The part of a preset's span that lies after "now", so the now line is never at the edge. */
const FUTURE_SHARE = 0.04;

/** The view a preset shows: the last N ending a little after now, or everything there is. */
export function presetView(preset: PresetId, now: number, extent: View | null): View {
  const p = PRESETS.find((x) => x.id === preset) ?? PRESETS[1];
  if (p.span === null) {
    if (!extent) return presetView("1h", now, null);
    const from = Math.min(extent.from, now);
    const to = Math.max(extent.to, now);
    const span = Math.max(MIN_SPAN_MS, to - from);
    const pad = span * 0.04;
    return clampSpan({ from: from - pad, to: to + pad });
  }
  return { from: now - p.span * (1 - FUTURE_SHARE), to: now + p.span * FUTURE_SHARE };
}

function clampSpan(v: View): View {
  const span = v.to - v.from;
  if (span >= MIN_SPAN_MS && span <= MAX_SPAN_MS) return v;
  const target = Math.min(MAX_SPAN_MS, Math.max(MIN_SPAN_MS, span));
  const mid = (v.from + v.to) / 2;
  return { from: mid - target / 2, to: mid + target / 2 };
}

/** Zoom by `factor` (< 1 zooms in) keeping `anchor` (a time) where it is on screen. */
export function zoomView(view: View, factor: number, anchor = (view.from + view.to) / 2): View {
  const span = view.to - view.from;
  const next = Math.min(MAX_SPAN_MS, Math.max(MIN_SPAN_MS, span * factor));
  const share = span > 0 ? (anchor - view.from) / span : 0.5;
  const from = anchor - next * share;
  return { from, to: from + next };
}

export function panView(view: View, deltaMs: number): View {
  return { from: view.from + deltaMs, to: view.to + deltaMs };
}

/** "16/B374D848" → a number of bytes (exact up to 2^53, which is 8 PiB of WAL). */
export function lsnToNumber(lsn: string): number | null {
  return isLsn(lsn) ? Number(parseLsn(lsn)) : null;
}

/**
 * The time at which a timeline reached `lsn`, interpolated between known (LSN, time) pairs of
 * that timeline (its restore points and the ends of its WAL). Used to place a fork on the time
 * axis: timeline history files give the switch LSN, not a time.
 */
export function timeAtLsn(lsn: string, known: Array<{ lsn: string; time: number }>): number | null {
  const x = lsnToNumber(lsn);
  if (x === null) return null;
  const pts = known
    .map((k) => ({ x: lsnToNumber(k.lsn), t: k.time }))
    .filter((p): p is { x: number; t: number } => p.x !== null && Number.isFinite(p.t))
    .sort((a, b) => a.x - b.x);
  if (pts.length === 0) return null;
  if (x <= pts[0]!.x) return pts[0]!.t;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    if (x <= b.x) return b.x === a.x ? b.t : a.t + ((x - a.x) / (b.x - a.x)) * (b.t - a.t);
  }
  return pts[pts.length - 1]!.t;
}

/** "42 s", "15 min", "3 h", "2 d", "5 w", "4 mo": the span a view (or a window) covers. */
export function formatSpan(ms: number): string {
  if (ms < M) return `${Math.max(0, Math.round(ms / S))} s`;
  if (ms < H) return `${Math.round(ms / M)} min`;
  if (ms < 2 * D) return `${Math.round(ms / H)} h`;
  if (ms < 21 * D) return `${Math.round(ms / D)} d`;
  if (ms < 90 * D) return `${Math.round(ms / (7 * D))} w`;
  if (ms < 730 * D) return `${Math.round(ms / (30 * D))} mo`;
  return `${Math.round(ms / (365 * D))} y`;
}

// Small statistics for benchmark samples: median and percentiles (linear interpolation between
// closest ranks, as numpy does), and the summary every benchmark reports.
import { formatBytes } from "@tideline/core";

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const s = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo]! + (s[hi]! - s[lo]!) * (rank - lo);
}

export const median = (samples: number[]) => percentile(samples, 50);

export interface Summary {
  n: number;
  min: number;
  median: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(samples: number[]): Summary {
  return {
    n: samples.length,
    min: Math.min(...samples),
    median: median(samples),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    max: Math.max(...samples),
    mean: samples.reduce((a, b) => a + b, 0) / samples.length,
  };
}

export function round(n: number, digits = 3): number {
  if (!Number.isFinite(n)) return n;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Sizes as the console and CLI print them (packages/core's IEC units); "-" for nothing. */
export function fmtBytes(n: number): string {
  return Number.isFinite(n) ? formatBytes(n) : "-";
}

export function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return "-";
  if (s < 1) return `${(s * 1000).toFixed(0)} ms`;
  if (s < 100) return `${s.toFixed(2)} s`;
  return `${s.toFixed(0)} s`;
}

/** "3.2× faster" / "1.5× slower": how the peer's time compares with ours. */
export function speedup(peer: number, ours: number): string {
  if (!Number.isFinite(peer) || !Number.isFinite(ours) || ours <= 0 || peer <= 0) return "-";
  return peer >= ours ? `${(peer / ours).toFixed(1)}× faster` : `${(ours / peer).toFixed(1)}× slower`;
}

/** A seeded PRNG (mulberry32): the same seed draws the same targets, so a run can be repeated. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

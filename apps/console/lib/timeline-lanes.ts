// What the timeline chart draws, worked out from the API's window and restore points: one lane
// per timeline with its WAL coverage cut by gaps, and where on the time axis each timeline
// forks from its parent (history files give a switch LSN, not a time).
import { timeMs } from "./time-input";
import { timeAtLsn } from "./timeline-scale";
import type { TRestorePoint, TWindow } from "./trpc";

export interface Segment {
  from: number;
  to: number;
}

export interface Lane {
  timeline: number;
  /** The archived WAL, as continuous stretches between gaps. */
  segments: Segment[];
  gaps: Array<Segment & { fromLsn: string; toLsn: string }>;
  from: number | null;
  to: number | null;
}

type Point = Pick<TRestorePoint, "timeline" | "lsn" | "dataTime" | "createdAt">;

export function pointTime(p: Pick<Point, "dataTime" | "createdAt">): number {
  return new Date(p.dataTime ?? p.createdAt).getTime();
}

/** (LSN, time) pairs known on a timeline: its window's ends and its restore points. */
function knownPoints(w: TWindow | undefined, points: Point[], timeline: number) {
  return [
    ...(w?.timelines ?? [])
      .filter((t) => t.timeline === timeline)
      .flatMap((t) => {
        const from = timeMs(t.from);
        const to = timeMs(t.to);
        return [
          ...(t.fromLsn && from !== null ? [{ lsn: t.fromLsn, time: from }] : []),
          ...(t.toLsn && to !== null ? [{ lsn: t.toLsn, time: to }] : []),
        ];
      }),
    ...points
      .filter((p) => p.timeline === timeline && p.dataTime)
      .map((p) => ({ lsn: p.lsn, time: pointTime(p) })),
  ];
}

/** Lanes from the window, cut by its gaps; plus lanes for timelines that only have restore points. */
export function buildLanes(w: TWindow | undefined, points: Point[]): Lane[] {
  const lanes = new Map<number, Lane>();
  for (const tl of w?.timelines ?? []) {
    const from = timeMs(tl.from);
    const to = timeMs(tl.to);
    const known = knownPoints(w, points, tl.timeline);
    const gaps = tl.gaps
      .map((g) => {
        // a gap's times are missing when no commit is known on either side: place it by LSN
        const gf = timeMs(g.from) ?? timeAtLsn(g.fromLsn, known);
        const gt = timeMs(g.to) ?? timeAtLsn(g.toLsn, known);
        return gf !== null && gt !== null
          ? { from: gf, to: Math.max(gf, gt), fromLsn: g.fromLsn, toLsn: g.toLsn }
          : null;
      })
      .filter((g): g is NonNullable<typeof g> => g !== null)
      .sort((a, b) => a.from - b.from);
    const segments: Segment[] = [];
    if (from !== null && to !== null) {
      let start = from;
      for (const g of gaps) {
        if (g.to <= start || g.from >= to) continue;
        if (g.from > start) segments.push({ from: start, to: g.from });
        start = Math.max(start, g.to);
      }
      if (to > start || segments.length === 0) segments.push({ from: Math.min(start, to), to });
    }
    lanes.set(tl.timeline, { timeline: tl.timeline, segments, gaps, from, to });
  }
  for (const p of points) {
    if (!lanes.has(p.timeline))
      lanes.set(p.timeline, { timeline: p.timeline, segments: [], gaps: [], from: null, to: null });
  }
  return [...lanes.values()].sort((a, b) => a.timeline - b.timeline);
}

/** Timeline → the time at which it forked from its parent, where that can be placed. */
export function placeForks(w: TWindow | undefined, points: Point[], lanes: Lane[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const f of w?.forks ?? []) {
    const parent = lanes.find((l) => l.timeline === f.parent);
    const child = lanes.find((l) => l.timeline === f.timeline);
    if (!parent || !child) continue;
    const at = timeAtLsn(f.switchLsn, knownPoints(w, points, f.parent)) ?? child.from ?? parent.to;
    if (at !== null) out.set(f.timeline, at);
  }
  return out;
}

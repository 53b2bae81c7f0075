// Retention: which restore points a policy keeps (sanoid-style buckets), and the WAL that the
// kept ones no longer need.

import { TidelineError } from "../errors";
import { formatLsn, MAX_LSN, parseLsn } from "../lsn/lsn";
import { formatTimestamp, type Micros, parseTimestamp, toMicros } from "../time/timestamp";
import { historyOf, type TimelineHistories, timelineAncestry } from "../timelines/history";
import { DEFAULT_WAL_SEGMENT_SIZE, parseWalFileName, segnoStartLsn } from "../wal/segments";

export type RetentionPolicy = {
  /** The N newest restore points. */
  keepLast?: number;
  /** The newest point in each of the last N distinct hours (days, ISO weeks, months) that have points. */
  hourly?: number;
  daily?: number;
  weekly?: number;
  monthly?: number;
  /** Everything newer than now − N days. */
  windowDays?: number;
};

export type RetentionRestorePoint = {
  id: string;
  lsn: string;
  /** Where a clone of the point starts replay; its WAL from here on is kept. Defaults to `lsn`. */
  redoLsn?: string | null;
  timeline: number;
  /** When the point was taken; falls back to its data time. */
  createdAt?: string;
  dataTime?: string | null;
};

export type KeepReason =
  | "policy-empty"
  | "last"
  | "hourly"
  | "daily"
  | "weekly"
  | "monthly"
  | "window"
  | "newest"
  | "clone"
  | "undated";

export type KeepSet = {
  keep: Array<{ id: string; reasons: KeepReason[] }>;
  prune: string[];
  /**
   * Per timeline, the LSN below which archived WAL segments are no longer needed by any kept
   * point. A timeline that is absent must keep all its WAL. FFFFFFFF/FFFFFFFF means the whole
   * timeline is superseded (an ancestor no kept point replays through).
   */
  walPruneBeforeLsn: Record<number, string>;
};

export type ComputeKeepSetInput = {
  policy: RetentionPolicy;
  restorePoints: RetentionRestorePoint[];
  /** Points that must stay whatever the policy says, e.g. because clones depend on them. */
  protectedIds: Set<string>;
  now: string | Date;
  /** Without them only timelines with no kept point on a lower timeline get a WAL bound. */
  histories?: TimelineHistories;
};

const BUCKETS = ["hourly", "daily", "weekly", "monthly"] as const;
type Bucket = (typeof BUCKETS)[number];

export function isEmptyPolicy(policy: RetentionPolicy): boolean {
  return (["keepLast", "windowDays", ...BUCKETS] as const).every((k) => policy[k] === undefined);
}

export function assertRetentionPolicy(policy: RetentionPolicy): void {
  for (const key of ["keepLast", "windowDays", ...BUCKETS] as const) {
    const value = policy[key];
    if (value === undefined) continue;
    const ok =
      key === "windowDays" ? Number.isFinite(value) && value >= 0 : Number.isInteger(value) && value >= 0;
    if (!ok) {
      throw new TidelineError(
        "INVALID_RETENTION_POLICY",
        `${key} must be ${key === "windowDays" ? "a number of days" : "a whole number"} of 0 or more, not ${value}`,
      );
    }
  }
}

/** UTC calendar bucket a time falls in; weeks are ISO weeks (Monday to Sunday). */
export function bucketKey(bucket: Bucket, t: Micros): string {
  const iso = formatTimestamp(t);
  switch (bucket) {
    case "hourly":
      return iso.slice(0, 13);
    case "daily":
      return iso.slice(0, 10);
    case "monthly":
      return iso.slice(0, 7);
    case "weekly": {
      const d = new Date(Math.floor(t / 1000));
      const day = (d.getUTCDay() + 6) % 7; // Monday = 0
      // The ISO week belongs to the year of its Thursday.
      const thursday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day + 3));
      const year = thursday.getUTCFullYear();
      const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1;
      return `${year}-W${String(week).padStart(2, "0")}`;
    }
  }
}

type Point = { p: RetentionRestorePoint; time: Micros | null; lsn: bigint };

export function computeKeepSet(input: ComputeKeepSetInput): KeepSet {
  const { policy } = input;
  assertRetentionPolicy(policy);
  const now = toMicros(input.now);
  const points: Point[] = input.restorePoints.map((p) => {
    const when = p.createdAt ?? p.dataTime ?? null;
    return { p, time: when === null ? null : parseTimestamp(when), lsn: parseLsn(p.lsn) };
  });
  // Newest first; LSN breaks ties within a timeline, the timeline across a fork.
  points.sort(
    (a, b) =>
      (b.time ?? Number.NEGATIVE_INFINITY) - (a.time ?? Number.NEGATIVE_INFINITY) ||
      b.p.timeline - a.p.timeline ||
      (b.lsn > a.lsn ? 1 : b.lsn < a.lsn ? -1 : 0),
  );

  const reasons = new Map<string, Set<KeepReason>>();
  const keep = (id: string, reason: KeepReason) => {
    const set = reasons.get(id) ?? new Set<KeepReason>();
    set.add(reason);
    reasons.set(id, set);
  };

  const dated = points.filter((x) => x.time !== null);
  for (const x of points) if (x.time === null) keep(x.p.id, "undated"); // cannot place it in any bucket
  if (isEmptyPolicy(policy)) for (const x of points) keep(x.p.id, "policy-empty");

  if (policy.keepLast !== undefined) for (const x of dated.slice(0, policy.keepLast)) keep(x.p.id, "last");
  for (const bucket of BUCKETS) {
    const n = policy[bucket];
    if (n === undefined || n === 0) continue;
    const seen = new Set<string>();
    for (const x of dated) {
      const key = bucketKey(bucket, x.time!);
      if (seen.has(key)) continue;
      if (seen.size === n) break;
      seen.add(key);
      keep(x.p.id, bucket); // the first one met in a bucket is its newest
    }
  }
  if (policy.windowDays !== undefined) {
    const cutoff = now - policy.windowDays * 86_400 * 1_000_000;
    for (const x of dated) if (x.time! > cutoff) keep(x.p.id, "window");
  }
  const newest = dated[0] ?? points[0];
  if (newest) keep(newest.p.id, "newest");
  for (const x of points) if (input.protectedIds.has(x.p.id)) keep(x.p.id, "clone");

  const kept = points.filter((x) => reasons.has(x.p.id));
  return {
    keep: kept.map((x) => ({ id: x.p.id, reasons: [...reasons.get(x.p.id)!] })),
    prune: points.filter((x) => !reasons.has(x.p.id)).map((x) => x.p.id),
    walPruneBeforeLsn: walBounds(kept, input.histories ?? new Map()),
  };
}

function walBounds(kept: Point[], histories: TimelineHistories): Record<number, string> {
  const timelines = new Set<number>(kept.map((x) => x.p.timeline));
  for (const tl of histories.keys()) timelines.add(tl);
  for (const entries of histories.values()) for (const e of entries) timelines.add(e.parentTimeline);

  const bounds: Record<number, string> = {};
  for (const timeline of [...timelines].sort((a, b) => a - b)) {
    const known = historyOf(timeline, histories) !== null;
    if (!known) {
      // Unknown ancestry: a kept point on a lower timeline might replay into this one.
      if (kept.some((x) => x.p.timeline < timeline)) continue;
    }
    const spans = timelineAncestry(timeline, histories);
    const own = spans.at(-1)!;
    let bound: bigint | null = null;
    for (const x of kept) {
      let needsFrom: bigint | null = null;
      // a clone replays from the redo pointer, which may lie before the point's LSN
      if (x.p.timeline === timeline)
        needsFrom = x.p.redoLsn && parseLsn(x.p.redoLsn) < x.lsn ? parseLsn(x.p.redoLsn) : x.lsn;
      else {
        const span = spans.find((s) => s.timeline === x.p.timeline && s !== own);
        // A point on an ancestor before the fork replays through all of this timeline's WAL.
        if (span?.toLsn !== undefined && x.lsn <= parseLsn(span.toLsn))
          needsFrom = parseLsn(own.fromLsn ?? "0/0");
      }
      if (needsFrom !== null && (bound === null || needsFrom < bound)) bound = needsFrom;
    }
    if (bound !== null) {
      bounds[timeline] = formatLsn(bound);
    } else if (
      known &&
      kept.some((x) => x.p.timeline !== timeline && descends(x.p.timeline, timeline, histories))
    ) {
      // Superseded: every kept point lives on a descendant, after the fork.
      bounds[timeline] = formatLsn(MAX_LSN);
    }
  }
  return bounds;
}

function descends(child: number, ancestor: number, histories: TimelineHistories): boolean {
  return timelineAncestry(child, histories).some((s) => s.timeline === ancestor && s.toLsn !== undefined);
}

/**
 * The archive files (segments and .partial segments) that lie entirely below their timeline's
 * bound. History and backup-history files are never pruned: they are tiny and recovery needs the
 * history files to follow timelines.
 */
export function walFilesToPrune(
  fileNames: string[],
  walPruneBefore: Record<number, string>,
  segSize: number = DEFAULT_WAL_SEGMENT_SIZE,
): string[] {
  const bounds = new Map(Object.entries(walPruneBefore).map(([tl, lsn]) => [Number(tl), parseLsn(lsn)]));
  return fileNames.filter((name) => {
    const file = parseWalFileName(name, segSize);
    if (file?.kind !== "segment") return false;
    const bound = bounds.get(file.timeline);
    return bound !== undefined && segnoStartLsn(file.segno + 1n, segSize) <= bound;
  });
}

// The WAL catalog: what the archive holds per timeline — LSN and commit-time range, gaps
// (missing segments) and where a timeline forked from its parent.

import type { TWalCatalog, TWalCatalogGap, TWalCatalogTimeline } from "@tideline/protocol";
import { TidelineError } from "../errors";
import { formatLsn, parseLsn } from "../lsn/lsn";
import { formatOptionalTimestamp, type Micros, parseOptionalTimestamp } from "../time/timestamp";
import { type TimelineHistories, timelineAncestry } from "../timelines/history";
import { assertTimeline, DEFAULT_WAL_SEGMENT_SIZE, lsnToSegno, segnoStartLsn } from "./segments";

/** One archived segment file, with what reading it (pg_waldump) told us. */
export type WalSegmentInfo = {
  timeline: number;
  segno: bigint;
  partial?: boolean;
  /** Commit time of the first / last commit record in the segment; null when it has none. */
  firstCommitTime?: string | null;
  lastCommitTime?: string | null;
  /** End of the last valid record; known for the newest (usually .partial) segment. */
  endLsn?: string;
};

/** The catalog's shape is packages/protocol's (the agent sends it in CLUSTER_STATUS). */
export type WalCatalogGap = TWalCatalogGap;
export type WalCatalogTimeline = TWalCatalogTimeline;
export type WalCatalog = TWalCatalog;

type Seg = {
  segno: bigint;
  partial: boolean;
  first: Micros | null;
  last: Micros | null;
  endLsn: bigint | null;
};

function collect(segments: WalSegmentInfo[]): Map<number, Seg[]> {
  const byTimeline = new Map<number, Map<bigint, Seg>>();
  for (const s of segments) {
    assertTimeline(s.timeline);
    if (typeof s.segno !== "bigint" || s.segno < 0n) {
      throw new TidelineError("INVALID_SEGMENT_NUMBER", `${String(s.segno)} is not a WAL segment number`);
    }
    const seg: Seg = {
      segno: s.segno,
      partial: s.partial === true,
      first: parseOptionalTimestamp(s.firstCommitTime),
      last: parseOptionalTimestamp(s.lastCommitTime),
      endLsn: s.endLsn === undefined ? null : parseLsn(s.endLsn),
    };
    // A segment with only one of the two times still tells us a commit happened then.
    seg.first ??= seg.last;
    seg.last ??= seg.first;
    const bySegno = byTimeline.get(s.timeline) ?? new Map<bigint, Seg>();
    byTimeline.set(s.timeline, bySegno);
    const existing = bySegno.get(s.segno);
    // The complete file supersedes the .partial one of the same name (pg_receivewal renames it
    // when the segment is finished; an archive may briefly hold both).
    if (!existing || (existing.partial && !seg.partial)) bySegno.set(s.segno, seg);
  }
  const out = new Map<number, Seg[]>();
  for (const [timeline, bySegno] of byTimeline) {
    out.set(
      timeline,
      [...bySegno.values()].sort((a, b) => (a.segno < b.segno ? -1 : a.segno > b.segno ? 1 : 0)),
    );
  }
  return out;
}

function lastCommitBefore(segs: Seg[], index: number): Micros | null {
  for (let i = index; i >= 0; i--) {
    const t = segs[i]!.last;
    if (t !== null) return t;
  }
  return null;
}

function firstCommitFrom(segs: Seg[], index: number): Micros | null {
  for (let i = index; i < segs.length; i++) {
    const t = segs[i]!.first;
    if (t !== null) return t;
  }
  return null;
}

export function buildWalCatalog(
  segments: WalSegmentInfo[],
  histories: TimelineHistories,
  segSize: number = DEFAULT_WAL_SEGMENT_SIZE,
): WalCatalog {
  const size = BigInt(segSize);
  const byTimeline = collect(segments);
  const catalog: WalCatalog = [];

  for (const [timeline, segs] of [...byTimeline].sort((a, b) => a[0] - b[0])) {
    const first = segs[0]!;
    const last = segs.at(-1)!;
    const gaps: WalCatalogGap[] = [];
    for (let i = 1; i < segs.length; i++) {
      const prev = segs[i - 1]!;
      const next = segs[i]!;
      if (next.segno > prev.segno + 1n) {
        gaps.push({
          fromLsn: formatLsn(segnoStartLsn(prev.segno + 1n, segSize)),
          toLsn: formatLsn(segnoStartLsn(next.segno, segSize)),
          fromTime: formatOptionalTimestamp(lastCommitBefore(segs, i - 1)),
          toTime: formatOptionalTimestamp(firstCommitFrom(segs, i)),
        });
      }
    }
    const segmentEnd = segnoStartLsn(last.segno, segSize) + size;
    // endLsn is only believed for the newest segment and only inside it.
    const endLsn =
      last.endLsn !== null && last.endLsn >= segnoStartLsn(last.segno, segSize) && last.endLsn <= segmentEnd
        ? last.endLsn
        : segmentEnd;

    catalog.push({
      timeline,
      startLsn: formatLsn(segnoStartLsn(first.segno, segSize)),
      endLsn: formatLsn(endLsn),
      startTime: formatOptionalTimestamp(firstCommitFrom(segs, 0)),
      endTime: formatOptionalTimestamp(lastCommitBefore(segs, segs.length - 1)),
      gaps,
      segmentCount: segs.length,
      endsWithPartial: last.partial,
      walSegmentSize: segSize,
      parent: forkOf(timeline, histories, byTimeline, segSize),
    });
  }
  return catalog;
}

function forkOf(
  timeline: number,
  histories: TimelineHistories,
  byTimeline: Map<number, Seg[]>,
  segSize: number,
): WalCatalogTimeline["parent"] {
  const spans = timelineAncestry(timeline, histories);
  const own = spans.at(-1)!;
  const parent = spans.at(-2);
  if (!parent || own.fromLsn === undefined) return null;
  // After a fork the segment holding the switch LSN is read from the new timeline (restore_command
  // asks for the newest timeline's file first), so the ancestors contribute segments before it.
  const forkSegno = lsnToSegno(own.fromLsn, segSize);
  let lastCommit: Micros | null = null;
  for (let i = spans.length - 2; i >= 0 && lastCommit === null; i--) {
    const span = spans[i]!;
    const ownStart = span.fromLsn === undefined ? 0n : lsnToSegno(span.fromLsn, segSize);
    const ownEnd = span.toLsn === undefined ? forkSegno : lsnToSegno(span.toLsn, segSize);
    const segs = byTimeline.get(span.timeline) ?? [];
    for (let j = segs.length - 1; j >= 0; j--) {
      const seg = segs[j]!;
      if (seg.segno >= forkSegno || seg.segno >= ownEnd || seg.segno < ownStart || seg.last === null)
        continue;
      lastCommit = seg.last;
      break;
    }
  }
  return {
    timeline: parent.timeline,
    switchLsn: own.fromLsn,
    lastCommitTimeBeforeFork: formatOptionalTimestamp(lastCommit),
  };
}

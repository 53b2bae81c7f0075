// The WAL stream of one timeline as recovery would read it: the ancestors' segments up to each
// fork, then the timeline's own, cut into runs of continuous WAL. The window and the planner both
// read WAL through this, so they agree on what is replayable.

import { MAX_LSN, parseLsn } from "../lsn/lsn";
import { type Micros, parseOptionalTimestamp } from "../time/timestamp";
import { type TimelineHistories, type TimelineSpan, timelineAncestry } from "../timelines/history";
import type { WalCatalog, WalCatalogTimeline } from "./catalog";
import { DEFAULT_WAL_SEGMENT_SIZE, lsnToSegno, segnoStartLsn } from "./segments";

/** Continuous WAL from `fromLsn` to `toLsn` (exclusive), with the commit times seen in it. */
export type WalRun = {
  fromLsn: bigint;
  toLsn: bigint;
  firstCommitTime: Micros | null;
  lastCommitTime: Micros | null;
};

export type WalStream = { timeline: number; ancestry: TimelineSpan[]; runs: WalRun[] };

function runsOf(entry: WalCatalogTimeline): WalRun[] {
  const runs: WalRun[] = [];
  let from = parseLsn(entry.startLsn);
  let firstTime = parseOptionalTimestamp(entry.startTime);
  for (const gap of entry.gaps) {
    runs.push({
      fromLsn: from,
      toLsn: parseLsn(gap.fromLsn),
      firstCommitTime: firstTime,
      lastCommitTime: parseOptionalTimestamp(gap.fromTime),
    });
    from = parseLsn(gap.toLsn);
    firstTime = parseOptionalTimestamp(gap.toTime);
  }
  runs.push({
    fromLsn: from,
    toLsn: parseLsn(entry.endLsn),
    firstCommitTime: firstTime,
    lastCommitTime: parseOptionalTimestamp(entry.endTime),
  });
  return runs.filter((r) => r.toLsn > r.fromLsn);
}

export function walSegmentSizeOf(catalog: WalCatalog, fallback = DEFAULT_WAL_SEGMENT_SIZE): number {
  return catalog[0]?.walSegmentSize ?? fallback;
}

export function walStream(
  timeline: number,
  catalog: WalCatalog,
  histories: TimelineHistories,
  segSize: number = walSegmentSizeOf(catalog),
): WalStream {
  const ancestry = timelineAncestry(timeline, histories);
  const byTimeline = new Map(catalog.map((e) => [e.timeline, e]));
  const pieces: WalRun[] = [];

  ancestry.forEach((span, i) => {
    const entry = byTimeline.get(span.timeline);
    if (!entry) return;
    // Segment ownership as restore_command sees it: from the segment holding the switch LSN
    // onwards, the child's file is the one read.
    const ownStart =
      span.fromLsn === undefined ? 0n : segnoStartLsn(lsnToSegno(span.fromLsn, segSize), segSize);
    const ownEnd =
      span.toLsn === undefined ? MAX_LSN : segnoStartLsn(lsnToSegno(span.toLsn, segSize), segSize);
    const child = ancestry[i + 1];
    for (const run of runsOf(entry)) {
      if (run.toLsn <= ownStart || run.fromLsn >= ownEnd) continue;
      const piece = { ...run };
      if (piece.fromLsn < ownStart) {
        piece.fromLsn = ownStart;
        piece.firstCommitTime = null;
      }
      if (piece.toLsn > ownEnd) {
        piece.toLsn = ownEnd;
        const childEntry = child ? byTimeline.get(child.timeline) : undefined;
        piece.lastCommitTime = parseOptionalTimestamp(childEntry?.parent?.lastCommitTimeBeforeFork ?? null);
      }
      pieces.push(piece);
    }
  });

  pieces.sort((a, b) => (a.fromLsn < b.fromLsn ? -1 : a.fromLsn > b.fromLsn ? 1 : 0));
  const runs: WalRun[] = [];
  for (const piece of pieces) {
    const prev = runs.at(-1);
    if (prev && piece.fromLsn <= prev.toLsn) {
      if (piece.toLsn > prev.toLsn) {
        prev.toLsn = piece.toLsn;
        prev.lastCommitTime = piece.lastCommitTime ?? prev.lastCommitTime;
      }
      prev.firstCommitTime ??= piece.firstCommitTime;
    } else {
      runs.push({ ...piece });
    }
  }
  return { timeline, ancestry, runs };
}

/** Index of the run holding `lsn` (its end counts: a point there needs no further WAL), or -1. */
export function runIndexAt(stream: WalStream, lsn: bigint): number {
  return stream.runs.findIndex((r) => r.fromLsn <= lsn && lsn <= r.toLsn);
}

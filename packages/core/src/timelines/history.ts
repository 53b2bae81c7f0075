// Timeline history files ("00000002.history") and the ancestry they imply: which timeline owns
// which LSN range on the way from timeline 1 to a given timeline.

import { TidelineError } from "../errors";
import { normalizeLsn, parseLsn } from "../lsn/lsn";

/** One line of a history file: `parentTimeline` ended (and its child began) at `switchLsn`. */
export type HistoryEntry = { parentTimeline: number; switchLsn: string; reason: string };

/** History file contents by the timeline whose file it is (2 → the lines of 00000002.history). */
export type TimelineHistories = Map<number, HistoryEntry[]>;

/** A stretch of the path to a timeline: `timeline` owns WAL from `fromLsn` (inclusive) to `toLsn`. */
export type TimelineSpan = { timeline: number; fromLsn?: string; toLsn?: string };

// Same grammar as readTimeLineHistory(): "%u\t%X/%X" then a free-text reason; sscanf's \t
// matches any run of white space.
const LINE = /^(\d+)\s+([0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8})(?:\s+(.*))?$/;

export function parseTimelineHistory(content: string, forTimeline?: number): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  const lines = content.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const m = LINE.exec(line);
    const where = `line ${index + 1} of the timeline history`;
    if (!m) {
      throw new TidelineError(
        "INVALID_TIMELINE_HISTORY",
        `${where} should read "<parent timeline> <switch LSN> <reason>" but is ${JSON.stringify(raw)}`,
      );
    }
    const parentTimeline = Number(m[1]);
    const switchLsn = normalizeLsn(m[2]!);
    const previous = entries.at(-1);
    if (parentTimeline < 1 || (previous && parentTimeline <= previous.parentTimeline)) {
      throw new TidelineError(
        "INVALID_TIMELINE_HISTORY",
        `${where}: timeline IDs must be in increasing sequence`,
      );
    }
    if (previous && parseLsn(switchLsn) < parseLsn(previous.switchLsn)) {
      throw new TidelineError("INVALID_TIMELINE_HISTORY", `${where}: switch LSNs must not go backwards`);
    }
    if (forTimeline !== undefined && parentTimeline >= forTimeline) {
      throw new TidelineError(
        "INVALID_TIMELINE_HISTORY",
        `${where}: timeline ${parentTimeline} cannot be an ancestor of timeline ${forTimeline}`,
      );
    }
    entries.push({ parentTimeline, switchLsn, reason: (m[3] ?? "").trim() });
  });
  return entries;
}

/**
 * The history entries leading to `timeline`. Its own file says it; failing that, the file of any
 * descendant lists the same prefix (PostgreSQL copies the parent's lines into each new file).
 * Null when nothing is known about a timeline other than 1.
 */
export function historyOf(timeline: number, histories: TimelineHistories): HistoryEntry[] | null {
  const own = histories.get(timeline);
  if (own) return own;
  for (const entries of histories.values()) {
    const at = entries.findIndex((e) => e.parentTimeline === timeline);
    if (at >= 0) return entries.slice(0, at);
  }
  return timeline === 1 ? [] : null;
}

/**
 * From the root timeline to `timeline`: who owns which LSN range. A timeline whose history is
 * unknown is treated as a root of its own, which only ever makes less WAL and fewer restore points
 * count for it, never more.
 */
export function timelineAncestry(timeline: number, histories: TimelineHistories): TimelineSpan[] {
  const entries = historyOf(timeline, histories) ?? [];
  const spans: TimelineSpan[] = [];
  let from: string | undefined;
  for (const entry of entries) {
    spans.push(
      from === undefined
        ? { timeline: entry.parentTimeline, toLsn: entry.switchLsn }
        : {
            timeline: entry.parentTimeline,
            fromLsn: from,
            toLsn: entry.switchLsn,
          },
    );
    from = entry.switchLsn;
  }
  spans.push(from === undefined ? { timeline } : { timeline, fromLsn: from });
  return spans;
}

/** Every timeline the history files mention, ascending. */
export function timelinesInHistories(histories: TimelineHistories): number[] {
  const all = new Set<number>();
  for (const [timeline, entries] of histories) {
    all.add(timeline);
    for (const e of entries) all.add(e.parentTimeline);
  }
  return [...all].sort((a, b) => a - b);
}

/**
 * Whether a point (timeline, LSN) lies on the path to `spans`' last timeline: on that timeline,
 * or on an ancestor no later than where the path leaves it.
 */
export function isOnPath(point: { timeline: number; lsn: string | bigint }, spans: TimelineSpan[]): boolean {
  const at = spans.findIndex((s) => s.timeline === point.timeline);
  if (at < 0) return false;
  const span = spans[at]!;
  if (span.toLsn === undefined) return true;
  const lsn = typeof point.lsn === "bigint" ? point.lsn : parseLsn(point.lsn);
  return lsn <= parseLsn(span.toLsn);
}

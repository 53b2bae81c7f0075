// WAL segment file names and the LSN ↔ segment number math behind them, exactly as PostgreSQL's
// xlog_internal.h does it (XLogFileName, XLByteToSeg, IsXLogFileName, IsTLHistoryFileName, …).

import { TidelineError } from "../errors";
import { formatLsn, toLsnValue } from "../lsn/lsn";

export const DEFAULT_WAL_SEGMENT_SIZE = 16 * 1024 * 1024;

const MIN_WAL_SEGMENT_SIZE = 1024 * 1024;
const MAX_WAL_SEGMENT_SIZE = 1024 * 1024 * 1024;
const MAX_TIMELINE = 0xffffffff;

export type WalFileName =
  | { kind: "segment"; timeline: number; segno: bigint; partial: boolean }
  | { kind: "history"; timeline: number }
  | { kind: "backup"; timeline: number; segno: bigint; startLsn: string };

export function assertWalSegmentSize(segSize: number): void {
  // initdb --wal-segsize only allows powers of two from 1 MB to 1 GB.
  const ok =
    Number.isInteger(segSize) &&
    segSize >= MIN_WAL_SEGMENT_SIZE &&
    segSize <= MAX_WAL_SEGMENT_SIZE &&
    (segSize & (segSize - 1)) === 0;
  if (!ok) {
    throw new TidelineError(
      "INVALID_WAL_SEGMENT_SIZE",
      `${segSize} is not a WAL segment size; it must be a power of two between 1 MB and 1 GB`,
    );
  }
}

export function assertTimeline(timeline: number): void {
  if (!Number.isInteger(timeline) || timeline < 1 || timeline > MAX_TIMELINE) {
    throw new TidelineError("INVALID_TIMELINE", `${timeline} is not a timeline ID (1 to 4294967295)`);
  }
}

/** How many segments share one "xlogid" (the middle 8 hex digits of a file name). */
export function segmentsPerXLogId(segSize: number = DEFAULT_WAL_SEGMENT_SIZE): bigint {
  assertWalSegmentSize(segSize);
  return 0x100000000n / BigInt(segSize);
}

function hex8(n: bigint | number): string {
  return n.toString(16).toUpperCase().padStart(8, "0");
}

export function segmentFileName(
  timeline: number,
  segno: bigint,
  segSize: number = DEFAULT_WAL_SEGMENT_SIZE,
): string {
  assertTimeline(timeline);
  const perId = segmentsPerXLogId(segSize);
  if (segno < 0n || segno / perId > 0xffffffffn) {
    throw new TidelineError("INVALID_SEGMENT_NUMBER", `${segno} is not a WAL segment number`);
  }
  return `${hex8(timeline)}${hex8(segno / perId)}${hex8(segno % perId)}`;
}

export function historyFileName(timeline: number): string {
  assertTimeline(timeline);
  return `${hex8(timeline)}.history`;
}

// PostgreSQL only ever writes upper-case hex, and IsXLogFileName only accepts that.
const SEGMENT = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})(\.partial)?$/;
const HISTORY = /^([0-9A-F]{8})\.history$/;
const BACKUP = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})\.([0-9A-F]{8})\.backup$/;

/** Classifies a file of the WAL archive; anything else (temp files, .gz, lower case) gives null. */
export function parseWalFileName(
  name: string,
  segSize: number = DEFAULT_WAL_SEGMENT_SIZE,
): WalFileName | null {
  const perId = segmentsPerXLogId(segSize);
  const segnoOf = (id: string, seg: string): bigint | null => {
    const low = BigInt(`0x${seg}`);
    return low < perId ? BigInt(`0x${id}`) * perId + low : null;
  };

  let m = SEGMENT.exec(name);
  if (m) {
    const timeline = Number.parseInt(m[1]!, 16);
    const segno = segnoOf(m[2]!, m[3]!);
    if (timeline < 1 || segno === null) return null;
    return { kind: "segment", timeline, segno, partial: m[4] !== undefined };
  }
  m = HISTORY.exec(name);
  if (m) {
    const timeline = Number.parseInt(m[1]!, 16);
    return timeline < 1 ? null : { kind: "history", timeline };
  }
  m = BACKUP.exec(name);
  if (m) {
    const timeline = Number.parseInt(m[1]!, 16);
    const segno = segnoOf(m[2]!, m[3]!);
    const offset = BigInt(`0x${m[4]}`);
    if (timeline < 1 || segno === null || offset >= BigInt(segSize)) return null;
    return { kind: "backup", timeline, segno, startLsn: formatLsn(segno * BigInt(segSize) + offset) };
  }
  return null;
}

/** XLByteToSeg: the segment that holds the byte at `lsn`. */
export function lsnToSegno(lsn: string | bigint, segSize: number = DEFAULT_WAL_SEGMENT_SIZE): bigint {
  assertWalSegmentSize(segSize);
  return toLsnValue(lsn) / BigInt(segSize);
}

/** XLogSegNoOffsetToRecPtr(segno, 0): the first LSN of a segment. */
export function segnoStartLsn(segno: bigint, segSize: number = DEFAULT_WAL_SEGMENT_SIZE): bigint {
  assertWalSegmentSize(segSize);
  return segno * BigInt(segSize);
}

export function walFileNameForLsn(
  timeline: number,
  lsn: string | bigint,
  segSize: number = DEFAULT_WAL_SEGMENT_SIZE,
): string {
  return segmentFileName(timeline, lsnToSegno(lsn, segSize), segSize);
}

// Reading WAL with pg_waldump: its record lines parsed once (parseRecordLine), commit times (for
// the recoverable window), named restore points (pg_create_restore_point, for `--name` targets)
// and where the valid WAL ends; wal/events.ts reads what happened from the same lines. A `.partial`
// segment is read through a symlink with the plain segment name, which pg_waldump requires.
import { mkdtemp, rm, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { normalizeLsn, normalizeTimestamp } from "@tideline/core";
import { findBinDir, run } from "@tideline/postgres";

export interface SegmentScan {
  firstCommitTime: string | null;
  lastCommitTime: string | null;
  lastCommitLsn: string | null;
  /** End of the last valid record read. */
  endLsn: string | null;
  restorePoints: Array<{ name: string; lsn: string; time: string | null }>;
}

/** One WAL record as pg_waldump prints it. */
export interface WalRecordLine {
  /** Resource manager: Transaction, Heap, Storage, Database, XLOG, … */
  rmgr: string;
  /** The record's transaction id (0 when none). */
  xid: string;
  lsn: string;
  /** The record type, the first word of pg_waldump's description: COMMIT, DROP, CREATE, RESTORE_POINT, … */
  type: string;
  /** The rest of the description. */
  desc: string;
}

const LINE = /^rmgr: (\S+)\s+len \(rec\/tot\):\s*\d+\/\s*\d+, tx:\s*(\d+), lsn: ([0-9A-F]+\/[0-9A-F]+), prev [0-9A-F]+\/[0-9A-F]+, desc: (\S+) ?(.*)$/;
const COMMIT_TIME = /(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?) (UTC|[+-]\d\d(?::?\d\d)?)/;

export function parseRecordLine(line: string): WalRecordLine | null {
  const m = LINE.exec(line);
  if (!m) return null;
  // pg_waldump pads ("0/01527938"); PostgreSQL's own form is 0/1527938
  return { rmgr: m[1]!, xid: m[2]!, lsn: normalizeLsn(m[3]!)!, type: m[4]!, desc: m[5] ?? "" };
}

/** Commit times keep their microseconds: a target between two commits of the same millisecond is real. */
function isoFromWaldump(s: string, zone: string): string {
  const tz = zone === "UTC" ? "Z" : zone.length === 3 ? `${zone}:00` : zone.includes(":") ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return normalizeTimestamp(`${s.replace(" ", "T")}${tz}`);
}

/** The time in a COMMIT/ABORT description ("2026-11-22 00:33:24.0758 UTC; rels: …", or "734: 2026-…" when prepared). */
export function recordTime(desc: string): string | null {
  const t = COMMIT_TIME.exec(desc);
  return t ? isoFromWaldump(t[1]!, t[2]!) : null;
}

export function parseWaldump(stdout: string, stderr: string): SegmentScan {
  const scan: SegmentScan = { firstCommitTime: null, lastCommitTime: null, lastCommitLsn: null, endLsn: null, restorePoints: [] };
  let lastLsn: string | null = null;
  for (const line of stdout.split("\n")) {
    const r = parseRecordLine(line);
    if (!r || !["COMMIT", "ABORT", "RESTORE_POINT", "COMMIT_PREPARED", "ABORT_PREPARED"].includes(r.type)) continue;
    lastLsn = r.lsn;
    if (r.type === "COMMIT") {
      const iso = recordTime(r.desc);
      if (!iso) continue;
      scan.firstCommitTime ??= iso;
      scan.lastCommitTime = iso;
      scan.lastCommitLsn = r.lsn;
    } else if (r.type === "RESTORE_POINT") {
      scan.restorePoints.push({ name: r.desc.trim(), lsn: r.lsn, time: scan.lastCommitTime });
    }
  }
  // "error in WAL record at A: invalid record length at B": B is where valid WAL ends
  const ends = [...stderr.matchAll(/at ([0-9A-F]+\/[0-9A-F]+)/g)];
  scan.endLsn = ends.length ? normalizeLsn(ends[ends.length - 1]![1]!) : lastLsn;
  return scan;
}

/** Scan one WAL file of `dir` (a segment or `X.partial`). */
export async function scanSegment(dir: string, fileName: string, opts: { binDir?: string; startLsn?: string } = {}): Promise<SegmentScan> {
  const r = await dumpSegment(dir, fileName, opts);
  return parseWaldump(r.stdout, r.stderr);
}

/** pg_waldump's output for one WAL file of `dir` (a segment or `X.partial`), from `startLsn` when given. */
export async function dumpSegment(dir: string, fileName: string, opts: { binDir?: string; startLsn?: string } = {}): Promise<{ stdout: string; stderr: string }> {
  const bin = path.join(opts.binDir ?? findBinDir(), "pg_waldump");
  let readDir = dir;
  let name = fileName;
  let tmp: string | null = null;
  if (fileName.endsWith(".partial")) {
    tmp = await mkdtemp(path.join(os.tmpdir(), "tl-waldump-"));
    name = fileName.slice(0, -".partial".length);
    await symlink(path.join(dir, fileName), path.join(tmp, name));
    readDir = tmp;
  }
  try {
    const args = ["-p", readDir];
    if (opts.startLsn) args.push("-s", opts.startLsn);
    args.push(name);
    // pg_waldump exits non-zero at the end of valid WAL in an unfinished segment: that is expected
    const r = await run(bin, args, { allowFail: true, timeoutMs: 120_000 });
    return { stdout: r.stdout, stderr: r.stderr };
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

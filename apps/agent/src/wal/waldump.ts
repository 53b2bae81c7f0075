// Reading WAL with pg_waldump: commit times (for the recoverable window), named restore points
// (pg_create_restore_point, for `--name` targets) and where the valid WAL ends. A `.partial`
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

const RECORD = /lsn: ([0-9A-F]+\/[0-9A-F]+), prev [0-9A-F]+\/[0-9A-F]+, desc: (COMMIT|ABORT|RESTORE_POINT) ?(.*)$/;
const COMMIT_TIME = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?) (UTC|[+-]\d\d(?::?\d\d)?)/;

/** Commit times keep their microseconds: a target between two commits of the same millisecond is real. */
function isoFromWaldump(s: string, zone: string): string {
  const tz = zone === "UTC" ? "Z" : zone.length === 3 ? `${zone}:00` : zone.includes(":") ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return normalizeTimestamp(`${s.replace(" ", "T")}${tz}`);
}

export function parseWaldump(stdout: string, stderr: string): SegmentScan {
  const scan: SegmentScan = { firstCommitTime: null, lastCommitTime: null, lastCommitLsn: null, endLsn: null, restorePoints: [] };
  let lastLsn: string | null = null;
  for (const line of stdout.split("\n")) {
    const m = RECORD.exec(line);
    if (!m) continue;
    const [, raw, kind, desc] = m;
    const lsn = normalizeLsn(raw!); // pg_waldump pads ("0/01527938"); PostgreSQL's own form is 0/1527938
    lastLsn = lsn!;
    if (kind === "COMMIT") {
      const t = COMMIT_TIME.exec(desc ?? "");
      if (!t) continue;
      const iso = isoFromWaldump(t[1]!, t[2]!);
      scan.firstCommitTime ??= iso;
      scan.lastCommitTime = iso;
      scan.lastCommitLsn = lsn!;
    } else if (kind === "RESTORE_POINT") {
      scan.restorePoints.push({ name: (desc ?? "").trim(), lsn: lsn!, time: scan.lastCommitTime });
    }
  }
  // "error in WAL record at A: invalid record length at B": B is where valid WAL ends
  const ends = [...stderr.matchAll(/at ([0-9A-F]+\/[0-9A-F]+)/g)];
  scan.endLsn = ends.length ? normalizeLsn(ends[ends.length - 1]![1]!) : lastLsn;
  return scan;
}

/** Scan one WAL file of `dir` (a segment or `X.partial`). */
export async function scanSegment(dir: string, fileName: string, opts: { binDir?: string; startLsn?: string } = {}): Promise<SegmentScan> {
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
    return parseWaldump(r.stdout, r.stderr);
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

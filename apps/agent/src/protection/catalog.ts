// The WAL archive of one cluster, read from its directory: segments with their commit times
// (pg_waldump, cached by size and mtime so each full segment is read once), history files, and
// named restore points; turned into packages/core's WalCatalog.
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { buildWalCatalog, parseTimelineHistory, parseWalFileName, type TimelineHistories, type WalCatalog, type WalSegmentInfo } from "@tideline/core";
import type { WalFileTimes } from "../wal/events";
import { scanSegment, type SegmentScan } from "../wal/waldump";

interface CacheEntry extends SegmentScan {
  size: number;
  mtimeMs: number;
}

export interface ArchiveView {
  catalog: WalCatalog;
  histories: Record<string, string>;
  namedPoints: Array<{ name: string; lsn: string; timeline: number; time: string | null }>;
  files: string[];
  /** Every segment file with its commit times, for reading a time range (wal/events.ts). */
  segmentFiles: WalFileTimes[];
}

export class WalArchive {
  private cache = new Map<string, CacheEntry>();
  private loaded = false;

  constructor(
    private readonly walDir: string,
    private readonly cacheFile: string,
    private readonly segSize: number,
    private readonly binDir?: string,
  ) {}

  private async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    if (existsSync(this.cacheFile)) {
      try {
        this.cache = new Map(Object.entries(JSON.parse(await readFile(this.cacheFile, "utf8")) as Record<string, CacheEntry>));
      } catch {
        this.cache.clear();
      }
    }
  }

  async view(): Promise<ArchiveView> {
    await this.load();
    const files = existsSync(this.walDir) ? (await readdir(this.walDir)).sort() : [];
    const segments: WalSegmentInfo[] = [];
    const histories: Record<string, string> = {};
    const namedPoints: ArchiveView["namedPoints"] = [];
    const segmentFiles: WalFileTimes[] = [];
    const seen = new Set<string>();
    let dirty = false;
    for (const f of files) {
      const parsed = parseWalFileName(f, this.segSize);
      if (!parsed) continue;
      if (parsed.kind === "history") {
        histories[String(parsed.timeline)] = await readFile(path.join(this.walDir, f), "utf8");
        continue;
      }
      if (parsed.kind !== "segment") continue;
      seen.add(f);
      const st = await stat(path.join(this.walDir, f));
      let entry = this.cache.get(f);
      if (!entry || entry.size !== st.size || entry.mtimeMs !== st.mtimeMs) {
        // the segment being received grows in place: read only what arrived since the last scan
        const incremental = entry && parsed.partial && entry.endLsn ? entry : null;
        const scan = await scanSegment(this.walDir, f, { binDir: this.binDir, startLsn: incremental?.endLsn ?? undefined });
        entry = incremental
          ? {
              firstCommitTime: incremental.firstCommitTime ?? scan.firstCommitTime,
              lastCommitTime: scan.lastCommitTime ?? incremental.lastCommitTime,
              lastCommitLsn: scan.lastCommitLsn ?? incremental.lastCommitLsn,
              endLsn: scan.endLsn ?? incremental.endLsn,
              restorePoints: [...incremental.restorePoints, ...scan.restorePoints],
              size: st.size,
              mtimeMs: st.mtimeMs,
            }
          : { ...scan, size: st.size, mtimeMs: st.mtimeMs };
        this.cache.set(f, entry);
        dirty = true;
      }
      segments.push({
        timeline: parsed.timeline,
        segno: parsed.segno,
        partial: parsed.partial,
        firstCommitTime: entry.firstCommitTime,
        lastCommitTime: entry.lastCommitTime,
        endLsn: parsed.partial ? (entry.endLsn ?? undefined) : undefined,
      });
      segmentFiles.push({ file: f, timeline: parsed.timeline, segno: parsed.segno, partial: parsed.partial, firstCommitTime: entry.firstCommitTime, lastCommitTime: entry.lastCommitTime });
      for (const rp of entry.restorePoints) {
        if (!namedPoints.some((n) => n.lsn === rp.lsn && n.name === rp.name)) namedPoints.push({ ...rp, timeline: parsed.timeline });
      }
    }
    for (const k of [...this.cache.keys()]) {
      if (!seen.has(k)) {
        this.cache.delete(k);
        dirty = true;
      }
    }
    if (dirty) {
      await mkdir(path.dirname(this.cacheFile), { recursive: true });
      await writeFile(this.cacheFile, JSON.stringify(Object.fromEntries(this.cache)));
    }
    // a finished segment and its former .partial may both exist for a moment: the catalog takes the full one
    const dedup = new Map<string, WalSegmentInfo>();
    for (const s of segments) {
      const key = `${s.timeline}:${s.segno}`;
      const prev = dedup.get(key);
      if (!prev || (prev.partial && !s.partial)) dedup.set(key, s);
    }
    const hist: TimelineHistories = new Map(Object.entries(histories).map(([tl, text]) => [Number(tl), parseTimelineHistory(text, Number(tl))]));
    return { catalog: buildWalCatalog([...dedup.values()], hist, this.segSize), histories, namedPoints, files, segmentFiles };
  }
}

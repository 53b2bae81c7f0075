// What happened in a time range, read from the archived WAL ("find the moment"): which WAL files
// to read for the range, and the events in pg_waldump's lines — one per finished transaction,
// classified by what it did, and the named restore points.
//
// PostgreSQL's WAL names no tables: a DROP shows up as the commit record's `rels:` (the files
// removed at commit) and, from PostgreSQL 15 on, its `dropped stats: 2/DB/OID` (the relations
// whose statistics went with them). A TRUNCATE under wal_level = replica is a new set of files
// (Storage CREATE in the same transaction) and the old ones removed at commit, which a rewrite
// (VACUUM FULL, CLUSTER, ALTER TABLE … TYPE) also is; only wal_level = logical writes a Heap
// TRUNCATE record naming the tables.
import { type Micros, parseTimestamp } from "@tideline/core";
import { DESTRUCTIVE_WAL_EVENT_KINDS, type TWalEvent, type TWalEventsResult } from "@tideline/protocol";
import { parseRecordLine, recordTime } from "./waldump";

/** One archived WAL file with the commit times the catalog already read from it. */
export interface WalFileTimes {
  file: string;
  timeline: number;
  segno: bigint;
  partial: boolean;
  firstCommitTime: string | null;
  lastCommitTime: string | null;
}

/**
 * The files to read for [from, to], per timeline in WAL order: from the last file whose commits
 * are all before `from` (it holds what the first transactions in range did before they
 * committed, and the commit before a restore point) to the first file whose commits are all
 * after `to` (the commit after one).
 */
export function filesForRange(files: WalFileTimes[], from: Micros, to: Micros): WalFileTimes[] {
  const byTimeline = new Map<number, Map<bigint, WalFileTimes>>();
  for (const f of files) {
    const segs = byTimeline.get(f.timeline) ?? new Map<bigint, WalFileTimes>();
    byTimeline.set(f.timeline, segs);
    const prev = segs.get(f.segno);
    // the finished segment supersedes its former .partial
    if (!prev || (prev.partial && !f.partial)) segs.set(f.segno, f);
  }
  const out: WalFileTimes[] = [];
  for (const timeline of [...byTimeline.keys()].sort((a, b) => a - b)) {
    const segs = [...byTimeline.get(timeline)!.values()].sort((a, b) =>
      a.segno < b.segno ? -1 : a.segno > b.segno ? 1 : 0,
    );
    let lo = 0;
    let hi = segs.length - 1;
    segs.forEach((s, i) => {
      if (s.lastCommitTime && parseTimestamp(s.lastCommitTime) < from) lo = i;
    });
    for (let i = segs.length - 1; i >= lo; i--) {
      const first = segs[i]!.firstCommitTime;
      if (first && parseTimestamp(first) > to) hi = i;
    }
    if (hi < lo) continue;
    // a timeline whose commits all lie outside the range contributes nothing
    const times = segs
      .slice(lo, hi + 1)
      .flatMap((s) => [s.firstCommitTime, s.lastCommitTime])
      .filter((t): t is string => t !== null)
      .map((t) => parseTimestamp(t));
    if (times.length && (Math.max(...times) < from || Math.min(...times) > to)) continue;
    out.push(...segs.slice(lo, hi + 1));
  }
  return out;
}

interface TxState {
  createdFiles: boolean;
  truncatedOids: string[];
  database: { op: "create" | "drop"; oid: string } | null;
}

interface PendingPoint {
  event: TWalEvent;
  /** Time of the transaction that ended last before it, on its timeline. */
  after: Micros | null;
}

const listAfter = (desc: string, label: string): string[] => {
  const m = new RegExp(`(?:^|; )${label}: ([^;]*)`).exec(desc);
  return m ? m[1]!.trim().split(/\s+/).filter(Boolean) : [];
};

/**
 * Reads pg_waldump's output file by file, in WAL order, and keeps the events in [from, to]
 * (inclusive). The first `limit` are kept, oldest first; `full` says when reading further
 * cannot change the answer.
 */
export class WalEventCollector {
  private readonly events: TWalEvent[] = [];
  private readonly counts = { commits: 0, aborts: 0, destructive: 0, restorePoints: 0 };
  private matched = 0;
  private timeline: number | null = null;
  private tx = new Map<string, TxState>();
  private pending: PendingPoint[] = [];
  private lastEnd: Micros | null = null;

  constructor(private readonly opts: { from: Micros; to: Micros; limit: number; destructiveOnly: boolean }) {}

  /** More events matched than the limit: the answer is the first `limit`, and reading on only counts. */
  get full(): boolean {
    return this.matched > this.opts.limit;
  }

  /** pg_waldump's output for the next WAL file of `timeline`. */
  add(stdout: string, timeline: number): void {
    if (timeline !== this.timeline) {
      this.resolvePending(null);
      this.timeline = timeline;
      this.tx.clear();
      this.lastEnd = null;
    }
    for (const line of stdout.split("\n")) {
      const r = parseRecordLine(line);
      if (!r) continue;
      if (
        r.rmgr === "Transaction" &&
        ["COMMIT", "ABORT", "COMMIT_PREPARED", "ABORT_PREPARED"].includes(r.type)
      ) {
        this.endTransaction(r.type, r.xid, r.lsn, r.desc, timeline);
      } else if (r.rmgr === "XLOG" && r.type === "RESTORE_POINT") {
        const name = r.desc.trim();
        this.pending.push({
          event: {
            lsn: r.lsn,
            timeline,
            time: null,
            xid: null,
            kind: "restore-point",
            name,
            detail: `restore point "${name}" (pg_create_restore_point)`,
          },
          after: this.lastEnd,
        });
      } else if (r.xid !== "0" && r.rmgr === "Storage" && r.type === "CREATE") {
        this.state(r.xid).createdFiles = true;
      } else if (r.xid !== "0" && r.rmgr === "Heap" && r.type === "TRUNCATE") {
        this.state(r.xid).truncatedOids.push(
          ...(/\brelids ([\d ]+)/.exec(r.desc)?.[1]?.trim().split(/\s+/) ?? []),
        );
      } else if (r.xid !== "0" && r.rmgr === "Database") {
        // "CREATE_WAL_LOG create dir 1663/16398", "CREATE_FILE_COPY copy dir 1663/1 to 1663/16399", "DROP dir 1663/16398"
        const dirs = [...r.desc.matchAll(/\d+\/(\d+)/g)].map((m) => m[1]!);
        const oid = r.type === "DROP" ? dirs[0] : dirs[dirs.length - 1];
        if (oid && (r.type === "DROP" || r.type.startsWith("CREATE")))
          this.state(r.xid).database = { op: r.type === "DROP" ? "drop" : "create", oid };
      }
    }
  }

  result(): Pick<TWalEventsResult, "events" | "truncated" | "counts"> {
    this.resolvePending(null);
    return { events: this.events, truncated: this.full, counts: { ...this.counts } };
  }

  private state(xid: string): TxState {
    let s = this.tx.get(xid);
    if (!s) {
      s = { createdFiles: false, truncatedOids: [], database: null };
      this.tx.set(xid, s);
    }
    return s;
  }

  private endTransaction(type: string, recordXid: string, lsn: string, desc: string, timeline: number): void {
    // a prepared transaction ends in a record of its own: "COMMIT_PREPARED 734: 2026-…"
    const prepared = /^(\d+): /.exec(desc);
    const xid = type.endsWith("_PREPARED") && prepared ? prepared[1]! : recordXid;
    const iso = recordTime(desc);
    const time = iso ? parseTimestamp(iso) : null;
    const subxacts = listAfter(desc, "subxacts");
    const did: TxState = { createdFiles: false, truncatedOids: [], database: null };
    for (const x of [xid, ...subxacts]) {
      const s = this.tx.get(x);
      this.tx.delete(x);
      if (!s) continue;
      did.createdFiles ||= s.createdFiles;
      did.truncatedOids.push(...s.truncatedOids);
      did.database ??= s.database;
    }
    if (time !== null) {
      this.resolvePending(time);
      this.lastEnd = time;
    }
    const base = { lsn, timeline, time: iso, xid };
    const event: TWalEvent = type.startsWith("ABORT")
      ? {
          ...base,
          kind: "abort",
          detail: type === "ABORT" ? "transaction rolled back" : "prepared transaction rolled back",
        }
      : commitEvent(base, desc, did, type === "COMMIT_PREPARED");
    if (time === null || time < this.opts.from || time > this.opts.to) return;
    if (event.kind === "abort") this.counts.aborts++;
    else this.counts.commits++;
    this.keep(event);
  }

  /** Restore points before a transaction that ended at `next` (null: no later one) are in range when the gap around them touches it. */
  private resolvePending(next: Micros | null): void {
    for (const p of this.pending) {
      const startsInRange = p.after === null || p.after <= this.opts.to;
      const endsInRange = next === null || next >= this.opts.from;
      if (startsInRange && endsInRange) {
        this.counts.restorePoints++;
        this.keep(p.event);
      }
    }
    this.pending = [];
  }

  private keep(event: TWalEvent): void {
    const destructive = DESTRUCTIVE_WAL_EVENT_KINDS.includes(event.kind);
    if (destructive) this.counts.destructive++;
    if (this.opts.destructiveOnly && !destructive && event.kind !== "restore-point") return;
    this.matched++;
    if (this.events.length < this.opts.limit) this.events.push(event);
  }
}

function commitEvent(
  base: Pick<TWalEvent, "lsn" | "timeline" | "time" | "xid">,
  desc: string,
  did: TxState,
  prepared: boolean,
): TWalEvent {
  const rels = listAfter(desc, "rels");
  // "dropped stats: 2/5/16391": kind 2 is a relation (1 a database, 3 a function), then database and object OIDs
  const droppedRelations = listAfter(desc, "dropped stats")
    .map((s) => s.split("/"))
    .filter((p) => p[0] === "2" && p[2])
    .map((p) => p[2]!);
  const files = rels.join(" ");
  const ofTables = (oids: string[]) =>
    oids.length ? ` (relation OID${oids.length > 1 ? "s" : ""} ${oids.join(", ")})` : "";
  if (did.database?.op === "drop") {
    return {
      ...base,
      kind: "drop-database",
      databaseOid: did.database.oid,
      detail: `database with OID ${did.database.oid} dropped (DROP DATABASE): its directory removed`,
    };
  }
  if (droppedRelations.length || (rels.length && !did.createdFiles && !did.truncatedOids.length)) {
    return {
      ...base,
      kind: "drop-relation",
      relations: rels,
      relationOids: droppedRelations,
      detail: `relation files ${files} removed at commit: a DROP${ofTables(droppedRelations)}`,
    };
  }
  if (did.truncatedOids.length) {
    return {
      ...base,
      kind: "truncate",
      relations: rels,
      relationOids: did.truncatedOids,
      detail: `TRUNCATE${ofTables(did.truncatedOids)}${rels.length ? `; old files ${files} removed at commit` : ""}`,
    };
  }
  if (rels.length) {
    return {
      ...base,
      kind: "rewrite-relation",
      relations: rels,
      detail: `relation files ${files} replaced by new ones at commit: a TRUNCATE, or a rewrite (VACUUM FULL, CLUSTER, ALTER TABLE … TYPE)`,
    };
  }
  if (did.database?.op === "create") {
    return {
      ...base,
      kind: "create-database",
      databaseOid: did.database.oid,
      detail: `database with OID ${did.database.oid} created (CREATE DATABASE)`,
    };
  }
  return {
    ...base,
    kind: "commit",
    detail: prepared ? "prepared transaction committed (COMMIT PREPARED)" : "transaction committed",
  };
}

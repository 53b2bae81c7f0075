// The events in real pg_waldump output of PostgreSQL 15 (testdata/, captured from a scratch
// cluster): under wal_level = replica a DROP TABLE, a TRUNCATE, a rollback, a restore point,
// CREATE/DROP DATABASE and a DROP of four relations; under wal_level = logical a prepared
// commit and rollback, a TRUNCATE with its Heap TRUNCATE record and a DROP in a transaction with
// a subtransaction.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseTimestamp } from "@tideline/core";
import { describe, expect, it } from "vitest";
import { filesForRange, WalEventCollector, type WalFileTimes } from "./events";
import { parseRecordLine } from "./waldump";

const data = (name: string) => readFileSync(path.join(import.meta.dirname, "testdata", name), "utf8");
const REPLICA = data("pg15-replica.waldump");
const LOGICAL = data("pg15-logical.waldump");
const t = (s: string) => parseTimestamp(s);
const ALL = {
  from: t("2026-12-02 00:00:00Z"),
  to: t("2026-12-03 00:00:00Z"),
  limit: 1000,
  destructiveOnly: false,
};

function collect(stdout: string, opts: Partial<typeof ALL> = {}) {
  const c = new WalEventCollector({ ...ALL, ...opts });
  c.add(stdout, 1);
  return c.result();
}

describe("parseRecordLine", () => {
  it("reads the resource manager, xid, LSN (unpadded), record type and description", () => {
    const line = REPLICA.split("\n").find((l) => l.includes("0/0153EBC8"))!;
    expect(parseRecordLine(line)).toMatchObject({
      rmgr: "Transaction",
      xid: "726",
      lsn: "0/153EBC8",
      type: "COMMIT",
    });
    expect(parseRecordLine(line)!.desc).toMatch(
      /^2026-12-02 15:08:18.838929 UTC; rels: base\/5\/16391; dropped stats: 2\/5\/16391;/,
    );
    expect(
      parseRecordLine("pg_waldump: error: error in WAL record at 0/2000000: invalid record length"),
    ).toBeNull();
  });
});

describe("WalEventCollector", () => {
  it("finds a DROP TABLE with its xid and commit time, and tells it from a TRUNCATE under wal_level = replica", () => {
    const { events, counts, truncated } = collect(REPLICA);
    expect(events.map((e) => [e.kind, e.xid])).toEqual([
      ["commit", "725"],
      ["drop-relation", "726"],
      ["rewrite-relation", "727"],
      ["abort", "728"],
      ["restore-point", null],
      ["create-database", "729"],
      ["drop-database", "730"],
      ["create-database", "731"],
      ["drop-relation", "732"],
    ]);
    expect(events[1]).toEqual({
      lsn: "0/153EBC8",
      timeline: 1,
      time: "2026-12-02T15:08:18.838929Z",
      xid: "726",
      kind: "drop-relation",
      relations: ["base/5/16391"],
      relationOids: ["16391"],
      detail: "relation files base/5/16391 removed at commit: a DROP (relation OID 16391)",
    });
    expect(events[2]).toMatchObject({ relations: ["base/5/16394"], time: "2026-12-02T15:08:18.968933Z" });
    expect(events[4]).toMatchObject({ name: "before-db", lsn: "0/153F0B0", time: null });
    expect(events[6]).toMatchObject({ databaseOid: "16398", time: "2026-12-02T15:08:19.469335Z" });
    expect(events[7]).toMatchObject({ databaseOid: "16399" });
    expect(events[8]!.relations).toEqual(["base/5/16384", "base/5/16387", "base/5/16388", "base/5/16389"]);
    expect(counts).toEqual({ commits: 7, aborts: 1, destructive: 4, restorePoints: 1 });
    expect(truncated).toBe(false);
  });

  it("reads prepared transactions, a Heap TRUNCATE and a DROP whose transaction had a subtransaction", () => {
    const { events } = collect(LOGICAL);
    expect(events.map((e) => [e.kind, e.xid])).toEqual([
      ["commit", "733"],
      ["commit", "734"],
      ["abort", "735"],
      ["truncate", "736"],
      ["drop-relation", "737"],
    ]);
    expect(events[1]).toMatchObject({
      lsn: "0/2017EE0",
      detail: "prepared transaction committed (COMMIT PREPARED)",
      time: "2026-12-02T15:08:29.887650Z",
    });
    expect(events[3]).toMatchObject({ relationOids: ["16400"], relations: ["base/5/16400"] });
    // t2 was truncated (new files 16403) and then dropped: the table's OID and its current files
    expect(events[4]).toMatchObject({ relationOids: ["16400"], relations: ["base/5/16403"] });
  });

  it("keeps only what lies in the range, inclusive at both ends", () => {
    const { events } = collect(REPLICA, {
      from: t("2026-12-02 15:08:18.838929Z"),
      to: t("2026-12-02 15:08:19.049535Z"),
    });
    // the restore point's record has no time: it was made after the abort (19.049535) and before
    // the next commit (19.343988), so it may lie in the range and is shown
    expect(events.map((e) => e.kind)).toEqual([
      "drop-relation",
      "rewrite-relation",
      "abort",
      "restore-point",
    ]);
    expect(
      collect(REPLICA, { from: t("2026-12-02 15:08:18.8Z"), to: t("2026-12-02 15:08:19.0Z") }).events.map(
        (e) => e.kind,
      ),
    ).toEqual(["drop-relation", "rewrite-relation"]);
    const around = collect(REPLICA, { from: t("2026-12-02 15:08:19.1Z"), to: t("2026-12-02 15:08:19.2Z") });
    expect(around.events.map((e) => e.kind)).toEqual(["restore-point"]);
    expect(around.counts.commits).toBe(0);
  });

  it("keeps the first `limit` events and says it truncated; destructiveOnly leaves plain commits out", () => {
    const limited = collect(REPLICA, { limit: 2 });
    expect(limited.events.map((e) => e.xid)).toEqual(["725", "726"]);
    expect(limited.truncated).toBe(true);
    const destructive = collect(REPLICA, { destructiveOnly: true });
    expect(destructive.events.map((e) => e.kind)).toEqual([
      "drop-relation",
      "rewrite-relation",
      "restore-point",
      "drop-database",
      "drop-relation",
    ]);
    expect(destructive.counts.commits).toBe(7);
  });
});

describe("filesForRange", () => {
  const seg = (segno: number, first: string | null, last: string | null, partial = false): WalFileTimes => ({
    file: `00000001000000000000000${segno}${partial ? ".partial" : ""}`,
    timeline: 1,
    segno: BigInt(segno),
    partial,
    firstCommitTime: first,
    lastCommitTime: last,
  });
  const files = [
    seg(1, "2026-12-02 10:00:00Z", "2026-12-02 10:10:00Z"),
    seg(2, "2026-12-02 10:10:01Z", "2026-12-02 10:20:00Z"),
    seg(3, null, null),
    seg(4, "2026-12-02 10:30:00Z", "2026-12-02 10:40:00Z"),
    seg(5, "2026-12-02 10:40:01Z", "2026-12-02 10:50:00Z", true),
    seg(5, "2026-12-02 10:40:01Z", "2026-12-02 10:50:00Z"),
  ];
  const pick = (from: string, to: string) => filesForRange(files, t(from), t(to)).map((f) => f.file);

  it("reads from the file before the range to the file after it, the finished segment over its .partial", () => {
    expect(pick("2026-12-02 10:25:00Z", "2026-12-02 10:35:00Z")).toEqual([
      "000000010000000000000002",
      "000000010000000000000003",
      "000000010000000000000004",
      "000000010000000000000005",
    ]);
    expect(pick("2026-12-02 10:45:00Z", "2026-12-02 11:00:00Z")).toEqual([
      "000000010000000000000004",
      "000000010000000000000005",
    ]);
    expect(pick("2026-12-02 09:00:00Z", "2026-12-02 10:05:00Z")).toEqual([
      "000000010000000000000001",
      "000000010000000000000002",
    ]);
  });

  it("reads nothing for a range the archive has no commits in", () => {
    expect(pick("2026-12-01 09:00:00Z", "2026-12-01 10:00:00Z")).toEqual([]);
    expect(pick("2026-12-03 09:00:00Z", "2026-12-03 10:00:00Z")).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { parseTimelineHistory } from "../timelines/history";
import { buildWalCatalog } from "../wal/catalog";
import { walStream } from "../wal/stream";
import { type RestorePointRef, restorePointsOnPath, usableRestorePoints } from "./usable";

const rp = (id: string, lsn: string, timeline = 1): RestorePointRef => ({
  id,
  lsn,
  timeline,
  dataTime: null,
});

describe("usableRestorePoints", () => {
  const histories = new Map([[2, parseTimelineHistory("1\t0/3000158\tx")]]);
  const catalog = buildWalCatalog(
    [1, 2, 3, 4, 6].map((n) => ({ timeline: 1, segno: BigInt(n) })).concat([{ timeline: 2, segno: 3n }]),
    histories,
  );
  const points = [
    rp("pruned", "0/800000"),
    rp("a", "0/1800000"),
    rp("at-fork", "0/3000158"),
    rp("old-branch", "0/3800000"),
    rp("in-hole", "0/5800000"),
    rp("b", "0/3100000", 2),
  ];

  it("keeps points on the path whose WAL is archived from their LSN on, oldest first", () => {
    const ids = (tl: number) =>
      usableRestorePoints(walStream(tl, catalog, histories), points).map((u) => u.point.id);
    expect(ids(1)).toEqual(["a", "at-fork", "old-branch"]);
    expect(ids(2)).toEqual(["a", "at-fork", "b"]);
  });

  it("tells the points on the path apart from the usable ones", () => {
    expect(restorePointsOnPath(walStream(2, catalog, histories), points).map((p) => p.id)).toEqual([
      "pruned",
      "a",
      "at-fork",
      "b",
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { parseWaldump } from "./waldump";

const OUT = `rmgr: Transaction len (rec/tot):    405/   405, tx:        724, lsn: 0/01527938, prev 0/015278F0, desc: COMMIT 2026-11-22 00:33:24.055522 UTC; inval msgs: catcache 80
rmgr: Heap        len (rec/tot):     59/    59, tx:        725, lsn: 0/01527AD0, prev 0/01527938, desc: INSERT off 2 flags 0x00, blkref #0: rel 1663/5/16384 blk 0
rmgr: Transaction len (rec/tot):     34/    34, tx:        725, lsn: 0/01527B10, prev 0/01527AD0, desc: COMMIT 2026-11-22 00:33:24.0758 UTC
rmgr: XLOG        len (rec/tot):     98/    98, tx:          0, lsn: 0/01527B38, prev 0/01527B10, desc: RESTORE_POINT before-x
rmgr: Transaction len (rec/tot):     34/    34, tx:        726, lsn: 0/01527BE0, prev 0/01527BA0, desc: COMMIT 2026-11-22 00:33:24.119217 UTC
`;

describe("parseWaldump", () => {
  it("reads commit times, restore points and the end of valid WAL", () => {
    const s = parseWaldump(OUT, "pg_waldump: error: error in WAL record at 0/1527BE0: invalid record length at 0/1527C08: wanted 24, got 0\n");
    expect(s.firstCommitTime).toBe("2026-11-22T00:33:24.055522Z");
    expect(s.lastCommitTime).toBe("2026-11-22T00:33:24.119217Z");
    expect(s.lastCommitLsn).toBe("0/1527BE0");
    expect(s.restorePoints).toEqual([{ name: "before-x", lsn: "0/1527B38", time: "2026-11-22T00:33:24.075800Z" }]);
    expect(s.endLsn).toBe("0/1527C08");
  });
  it("handles a segment without commits", () => {
    const s = parseWaldump("", "");
    expect(s.lastCommitTime).toBeNull();
    expect(s.restorePoints).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { formatLsn, lsnValue, nameChoices } from "./restore-point-names";

describe("restore point names offered in the restore dialog", () => {
  it("orders LSNs by their numeric value, not as text", () => {
    expect(lsnValue("0/A000000") > lsnValue("0/9FFFFFF")).toBe(true);
    expect(lsnValue("1/0") > lsnValue("0/FFFFFFFF")).toBe(true);
    expect(lsnValue("16/B374D848")).toBe(0x16b374d848n);
  });

  it("writes LSNs like the planner, without the zero padding some WAL readers add", () => {
    expect(formatLsn("0/03000060")).toBe("0/3000060");
    expect(formatLsn("16/b374d848")).toBe("16/B374D848");
    expect(formatLsn("0/0")).toBe("0/0");
  });

  it("lists each name once, newest first, with the occurrence the planner would pick", () => {
    const choices = nameChoices([
      { name: "before-migration", lsn: "0/3000100", timeline: 1, time: "2026-11-21T10:00:00Z" },
      { name: "nightly", lsn: "0/5000000", timeline: 1, time: "2026-11-21T11:00:00Z" },
      { name: "before-migration", lsn: "0/7000000", timeline: 1, time: "2026-11-21T12:00:00Z" },
      { name: "after-failover", lsn: "0/6000000", timeline: 2, time: null },
    ]);
    expect(choices.map((c) => c.name)).toEqual(["after-failover", "before-migration", "nightly"]);
    const again = choices.find((c) => c.name === "before-migration")!;
    expect(again.count).toBe(2);
    expect(again.newest.lsn).toBe("0/7000000");
    expect(again.timelines).toEqual([1]);
  });

  it("notes every timeline a name was created on", () => {
    const [c] = nameChoices([
      { name: "x", lsn: "0/9000000", timeline: 1, time: null },
      { name: "x", lsn: "0/4000000", timeline: 3, time: null },
    ]);
    expect(c!.timelines).toEqual([1, 3]);
    expect(c!.newest.timeline).toBe(3);
  });
});

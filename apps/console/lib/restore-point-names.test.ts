import { describe, expect, it } from "vitest";
import { nameChoices } from "./restore-point-names";

describe("restore point names offered in the restore dialog", () => {
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

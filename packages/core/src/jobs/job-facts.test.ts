import { describe, expect, it } from "vitest";
import { describeJob } from "./job-facts";

const value = (facts: Array<{ label: string; value: string }>, label: string) =>
  facts.find((f) => f.label === label)?.value;

describe("describeJob", () => {
  it("tells a DBA the target, restore point, reached LSN/time, duration and size of a clone — no password", () => {
    const facts = describeJob(
      "clone.create",
      {
        cloneId: "abc123",
        cluster: "shop",
        source: {
          restorePointId: "rp_1",
          kind: "snapshot",
          dataset: "tank/tideline/shop/replica",
          snapshot: "rp-1",
        },
        recoveryTarget: { time: "2026-11-21 10:00:00.250000+00" },
        timeline: 1,
        user: "tideline",
        password: "********",
      },
      {
        cloneId: "abc123",
        dataset: "tank/x",
        dataDir: "/x",
        host: "10.0.0.5",
        port: 6500,
        reachedLsn: "0/3000148",
        reachedTime: "2026-11-21T09:59:59.9Z",
        seconds: 2.294303753000044,
        sizeBytes: 25 * 1024 * 1024,
      },
    );
    expect(value(facts.request, "Target")).toBe("time 2026-11-21 10:00:00.250 UTC");
    expect(value(facts.request, "Restore point")).toBe("rp_1");
    expect(value(facts.outcome, "Reached LSN")).toBe("0/3000148");
    expect(value(facts.outcome, "Duration")).toBe("2.3 s");
    expect(value(facts.outcome, "Size")).toBe("25 MiB");
    expect(value(facts.outcome, "Server")).toBe("10.0.0.5:6500");
    expect(JSON.stringify(facts)).not.toMatch(/password|\*{8}|2\.2943/);
  });

  it("shows nothing of the outcome before the job has a result", () => {
    expect(describeJob("restore-point.create", { cluster: "shop", reason: "schedule" }, null)).toEqual({
      request: [
        { label: "Cluster", value: "shop" },
        { label: "Reason", value: "schedule" },
      ],
      outcome: [],
    });
  });

  it("falls back to scalar fields with units for other kinds, leaving out anything secret-looking", () => {
    const facts = describeJob(
      "future.kind",
      { a: 1.23456, sizeBytes: 2048, conninfo: "password=x", nested: { waitSeconds: 90 } },
      { token: "t" },
    );
    expect(facts.request).toEqual([
      { label: "a", value: "1.235" },
      { label: "sizeBytes", value: "2 KiB" },
      { label: "nested waitSeconds", value: "1 min 30 s" },
    ]);
    expect(facts.outcome).toEqual([]);
  });
});

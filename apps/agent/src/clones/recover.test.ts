import { describe, expect, it } from "vitest";
import { pgTimestamp, replayTuning } from "./recover";

describe("pgTimestamp", () => {
  it("writes recovery_target_time the way PostgreSQL's check hook accepts, in UTC to the microsecond", () => {
    expect(pgTimestamp("2026-11-22T01:09:23.614Z")).toBe("2026-11-22 01:09:23.614000+00");
    expect(pgTimestamp("2026-11-22T01:09:23.614123Z")).toBe("2026-11-22 01:09:23.614123+00");
    expect(pgTimestamp("2026-11-22 03:09:23+02:00")).toBe("2026-11-22 01:09:23.000000+00");
    expect(() => pgTimestamp("yesterday")).toThrow(/INVALID_TARGET|cannot write/);
  });
});

describe("replayTuning", () => {
  const GiB = 2 ** 30;
  it("sizes shared_buffers at a sixteenth of the host's memory, between 128 MB and 1 GB", () => {
    expect(replayTuning(4 * GiB).duringReplay.shared_buffers).toBe("256MB");
    expect(replayTuning(1 * GiB).duringReplay.shared_buffers).toBe("128MB");
    expect(replayTuning(64 * GiB).duringReplay.shared_buffers).toBe("1024MB");
  });

  it("takes back only what must not outlive replay, and never turns fsync off", () => {
    const t = replayTuning(8 * GiB);
    expect(t.replayOnly.sort()).toEqual(["checkpoint_timeout", "max_wal_size"]);
    for (const k of t.replayOnly) expect(t.duringReplay).toHaveProperty(k);
    expect(t.duringReplay).not.toHaveProperty("fsync");
    expect(t.duringReplay.recovery_prefetch).toBe("on");
  });
});

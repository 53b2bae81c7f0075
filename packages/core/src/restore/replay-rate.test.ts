import { describe, expect, it } from "vitest";
import { learnReplayRate, MIN_REPLAY_BYTES_FOR_RATE } from "./replay-rate";

const MiB = 1024 * 1024;

describe("learnReplayRate", () => {
  it("learns the start-up time from clones that replayed almost nothing", () => {
    const once = learnReplayRate({ bytesPerSecond: null, startSeconds: null }, { bytes: 176, seconds: 0.9 });
    expect(once).toEqual({ bytesPerSecond: null, startSeconds: 0.9 });
    // smoothed: one slow clone moves the figure by 30 % of the difference
    expect(learnReplayRate(once, { bytes: 0, seconds: 1.9 }).startSeconds).toBeCloseTo(1.2);
  });

  it("learns the rate from clones with enough replay, after taking off the start-up time", () => {
    const r = learnReplayRate({ bytesPerSecond: null, startSeconds: 1 }, { bytes: 200 * MiB, seconds: 5 });
    expect(r).toEqual({ bytesPerSecond: 50 * MiB, startSeconds: 1 });
    expect(learnReplayRate(r, { bytes: 200 * MiB, seconds: 3 }).bytesPerSecond).toBeCloseTo(
      0.7 * 50 * MiB + 0.3 * 100 * MiB,
    );
  });

  it("does not take a small replay as a slow rate", () => {
    const r = learnReplayRate(
      { bytesPerSecond: 80 * MiB, startSeconds: null },
      { bytes: MIN_REPLAY_BYTES_FOR_RATE - 1, seconds: 2 },
    );
    expect(r.bytesPerSecond).toBe(80 * MiB);
  });

  it("ignores samples that cannot be right", () => {
    const prev = { bytesPerSecond: 10 * MiB, startSeconds: 1 };
    expect(learnReplayRate(prev, { bytes: 100 * MiB, seconds: 0 })).toBe(prev);
    expect(learnReplayRate(prev, { bytes: -1, seconds: 3 })).toBe(prev);
  });
});

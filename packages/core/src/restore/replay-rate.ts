// What clones on a storage pool have actually achieved, for the planner's estimate: a clone takes
// `startSeconds` (clone, start-up, promotion) plus its replayed WAL at `bytesPerSecond`. Each
// finished clone is one sample; the figures are smoothed so one slow clone does not swing them.

import { DEFAULT_CLONE_START_SECONDS } from "./plan";

export type LearntReplayRate = { bytesPerSecond: number | null; startSeconds: number | null };

/**
 * Below this much replay the clone's time is mostly start-up, and says nothing about the rate:
 * such a clone teaches the start-up time instead.
 */
export const MIN_REPLAY_BYTES_FOR_RATE = 16 * 1024 * 1024;
/** Weight of the newest sample. */
const ALPHA = 0.3;

const smooth = (prev: number | null, sample: number) =>
  prev === null ? sample : prev * (1 - ALPHA) + sample * ALPHA;

/** The pool's figures after one more clone that replayed `bytes` of WAL in `seconds` all told. */
export function learnReplayRate(
  prev: LearntReplayRate,
  sample: { bytes: number; seconds: number },
): LearntReplayRate {
  if (!(sample.seconds > 0) || !(sample.bytes >= 0)) return prev;
  const start = prev.startSeconds ?? DEFAULT_CLONE_START_SECONDS;
  if (sample.bytes < MIN_REPLAY_BYTES_FOR_RATE) {
    const replaySeconds = prev.bytesPerSecond ? sample.bytes / prev.bytesPerSecond : 0;
    return {
      ...prev,
      startSeconds: smooth(prev.startSeconds, Math.max(0.05, sample.seconds - replaySeconds)),
    };
  }
  // at least a tenth of the clone's time was replay, whatever start-up we believed
  const replaySeconds = Math.max(sample.seconds * 0.1, sample.seconds - start);
  return { ...prev, bytesPerSecond: smooth(prev.bytesPerSecond, sample.bytes / replaySeconds) };
}

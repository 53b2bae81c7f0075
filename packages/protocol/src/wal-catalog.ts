// What a storage agent's WAL archive holds, per timeline (packages/core computes it from the
// archive; the agent sends it in CLUSTER_STATUS; the coordinator keeps it for the window and the
// planner). LSNs and times are text as PostgreSQL writes them.
import { z } from "zod";

/** A run of missing segments: WAL from `fromLsn` up to (not including) `toLsn` is not archived. */
export const ZWalCatalogGap = z.object({
  fromLsn: z.string(),
  toLsn: z.string(),
  /** Last commit before the missing WAL, and first commit after it. */
  fromTime: z.string().nullable(),
  toTime: z.string().nullable(),
});

export const ZWalCatalogTimeline = z.object({
  timeline: z.number().int().positive(),
  /** Start of the first archived segment and end of the archived WAL. */
  startLsn: z.string(),
  endLsn: z.string(),
  /** First and last commit time seen in the archived WAL of this timeline. */
  startTime: z.string().nullable(),
  endTime: z.string().nullable(),
  gaps: z.array(ZWalCatalogGap),
  segmentCount: z.number().int().nonnegative(),
  /** The newest segment is a .partial one (WAL still being received, or the old timeline's tail). */
  endsWithPartial: z.boolean(),
  walSegmentSize: z.number().int().positive(),
  /**
   * Where this timeline forked, when a history file says so. `lastCommitTimeBeforeFork` is the
   * last commit in the ancestors' segments that precede this timeline's first segment: the
   * newest moment the parent contributes to this timeline's path.
   */
  parent: z
    .object({
      timeline: z.number().int().positive(),
      switchLsn: z.string(),
      lastCommitTimeBeforeFork: z.string().nullable(),
    })
    .nullable(),
});

export const ZWalCatalog = z.array(ZWalCatalogTimeline);
export type TWalCatalog = z.infer<typeof ZWalCatalog>;
export type TWalCatalogTimeline = z.infer<typeof ZWalCatalogTimeline>;
export type TWalCatalogGap = z.infer<typeof ZWalCatalogGap>;

// @tideline/core: PostgreSQL point-in-time-recovery domain logic with no I/O. LSN and WAL file
// math, timelines, the recoverable window, the restore planner, retention and schedules.

export { isTidelineError, TidelineError } from "./errors";
export { formatBytes, formatDuration } from "./format/bytes";
export { parseByteSize } from "./format/byte-size";
export { describeJob, type JobFact, type JobFacts } from "./jobs/job-facts";
export {
  compareLsn,
  formatLsn,
  isLsn,
  lsnDiffBytes,
  MAX_LSN,
  maxLsn,
  minLsn,
  normalizeLsn,
  parseLsn,
  toLsnValue,
} from "./lsn/lsn";
export {
  DEFAULT_CLONE_START_SECONDS,
  DEFAULT_REPLAY_BYTES_PER_SECOND,
  type NamedRestorePoint,
  PlanRefusal,
  type PlanRefusalCode,
  type PlanRestoreInput,
  type PlanResult,
  parseTargetTime,
  planRestore,
  type ReplayRate,
  type RestorePlan,
  type RestoreTarget,
} from "./restore/plan";
export { type LearntReplayRate, learnReplayRate, MIN_REPLAY_BYTES_FOR_RATE } from "./restore/replay-rate";
export { compareRestorePoints, type OrderableRestorePoint } from "./restore-points/order";
export { type RestorePointRef, type UsableRestorePoint, usableRestorePoints } from "./restore-points/usable";
export {
  archiveHead,
  assertSnapshotWalBytes,
  DEFAULT_SNAPSHOT_WAL_BYTES,
  MIN_SNAPSHOT_WAL_BYTES,
  parseSnapshotWal,
  type WalVolumeDecision,
  type WalVolumeInput,
  walVolumeDue,
} from "./restore-points/wal-volume";
export {
  assertRetentionPolicy,
  bucketKey,
  type ComputeKeepSetInput,
  computeKeepSet,
  isEmptyPolicy,
  type KeepReason,
  type KeepSet,
  type RetentionPolicy,
  type RetentionRestorePoint,
  walFilesToPrune,
} from "./retention/policy";
export { isTimeZone, nextRun, nextRuns, parseSchedule, type Schedule } from "./schedule/schedule";
export {
  formatTimestamp,
  formatTimestampForMessage,
  formatTimestampForPostgres,
  isTimestampParseable,
  type Micros,
  normalizeTimestamp,
  parseTimestamp,
} from "./time/timestamp";
export {
  type HistoryEntry,
  historyOf,
  isOnPath,
  parseTimelineHistory,
  type TimelineHistories,
  type TimelineSpan,
  timelineAncestry,
  timelinesInHistories,
} from "./timelines/history";
export {
  buildWalCatalog,
  type WalCatalog,
  type WalCatalogGap,
  type WalCatalogTimeline,
  type WalSegmentInfo,
} from "./wal/catalog";
export {
  assertWalSegmentSize,
  DEFAULT_WAL_SEGMENT_SIZE,
  historyFileName,
  lsnToSegno,
  parseWalFileName,
  segmentFileName,
  segmentsPerXLogId,
  segnoStartLsn,
  type WalFileName,
  walFileNameForLsn,
} from "./wal/segments";
export { type WalRun, type WalStream, walStream } from "./wal/stream";
export {
  type ComputeWindowInput,
  computeWindow,
  type RecoverableWindow,
  type TimelineWindow,
  type WindowGap,
} from "./window/window";

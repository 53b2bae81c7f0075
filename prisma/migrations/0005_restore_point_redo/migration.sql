-- Restore points know where a clone's replay starts (the redo pointer of their checkpoint), and
-- storage pools remember how fast their clones replayed WAL and started, for the planner's estimate.
ALTER TABLE "restore_points" ADD COLUMN "redo_lsn" TEXT;
ALTER TABLE "storage_pools"
  ADD COLUMN "replay_bytes_per_second" DOUBLE PRECISION,
  ADD COLUMN "clone_start_seconds" DOUBLE PRECISION;

-- Restore to time: what a clone was asked for and reached, its own login, and restore drills.
ALTER TABLE "clones"
  ADD COLUMN "job_id" TEXT,
  ADD COLUMN "login_user" TEXT,
  ADD COLUMN "login_password" TEXT,
  ADD COLUMN "plan" JSONB,
  ADD COLUMN "seconds" DOUBLE PRECISION,
  ADD COLUMN "size_bytes" BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN "error" JSONB;
CREATE INDEX "clones_state_expires_at_idx" ON "clones"("state", "expires_at");
CREATE INDEX "clones_cluster_id_idx" ON "clones"("cluster_id");

ALTER TABLE "clusters" ADD COLUMN "next_drill_at" TIMESTAMP(3);

CREATE TABLE "drills" (
  "id" TEXT PRIMARY KEY,
  "cluster_id" TEXT NOT NULL REFERENCES "clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE,
  "restore_point_id" TEXT REFERENCES "restore_points"("id") ON DELETE SET NULL ON UPDATE CASCADE,
  "job_id" TEXT,
  "state" TEXT NOT NULL DEFAULT 'running',
  "passed" BOOLEAN,
  "checks" JSONB NOT NULL DEFAULT '[]',
  "seconds_to_ready" DOUBLE PRECISION,
  "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "finished_at" TIMESTAMP(3)
);
CREATE INDEX "drills_cluster_id_started_at_idx" ON "drills"("cluster_id", "started_at");

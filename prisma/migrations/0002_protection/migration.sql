-- Protection: where a cluster's storage lives, what the storage agent last reported about its WAL
-- archive, and the restore point schedule.
ALTER TABLE "clusters"
  ADD COLUMN "storage_agent_id" TEXT REFERENCES "agents"("id") ON DELETE SET NULL ON UPDATE CASCADE,
  ADD COLUMN "shared_dataset" TEXT,
  ADD COLUMN "protection" JSONB NOT NULL DEFAULT '{}',
  ADD COLUMN "wal_catalog" JSONB NOT NULL DEFAULT '[]',
  ADD COLUMN "wal_histories" JSONB NOT NULL DEFAULT '{}',
  ADD COLUMN "named_points" JSONB NOT NULL DEFAULT '[]',
  ADD COLUMN "status_at" TIMESTAMP(3),
  ADD COLUMN "next_snapshot_at" TIMESTAMP(3),
  ADD COLUMN "retention_checked_at" TIMESTAMP(3);
CREATE INDEX "clusters_state_next_snapshot_at_idx" ON "clusters"("state", "next_snapshot_at");
CREATE INDEX "restore_points_cluster_id_created_at_idx" ON "restore_points"("cluster_id", "created_at");

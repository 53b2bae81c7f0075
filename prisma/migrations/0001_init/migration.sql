-- Tideline inventory, first version. Hand-written to match prisma/schema.prisma.
CREATE TYPE "Role" AS ENUM ('viewer', 'operator', 'admin');

CREATE TABLE "users" (
  "id" TEXT PRIMARY KEY,
  "email" TEXT NOT NULL UNIQUE,
  "name" TEXT NOT NULL,
  "password_hash" TEXT NOT NULL,
  "role" "Role" NOT NULL DEFAULT 'viewer',
  "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "disabled_at" TIMESTAMP(3)
);

CREATE TABLE "sessions" (
  "id" TEXT PRIMARY KEY,
  "token_hash" TEXT NOT NULL UNIQUE,
  "user_id" TEXT NOT NULL REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE,
  "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "expires_at" TIMESTAMP(3) NOT NULL
);

CREATE TABLE "api_tokens" (
  "id" TEXT PRIMARY KEY,
  "name" TEXT NOT NULL,
  "token_hash" TEXT NOT NULL UNIQUE,
  "user_id" TEXT NOT NULL REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE,
  "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "last_used_at" TIMESTAMP(3),
  "revoked_at" TIMESTAMP(3)
);

CREATE TABLE "enrollment_tokens" (
  "id" TEXT PRIMARY KEY,
  "token_hash" TEXT NOT NULL UNIQUE,
  "created_by_id" TEXT,
  "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "expires_at" TIMESTAMP(3) NOT NULL,
  "used_at" TIMESTAMP(3),
  "used_by_agent" TEXT,
  "roles" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[]
);

CREATE TABLE "coordinators" (
  "id" TEXT PRIMARY KEY,
  "url" TEXT,
  "version" TEXT NOT NULL,
  "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "last_seen_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE "agents" (
  "id" TEXT PRIMARY KEY,
  "name" TEXT NOT NULL UNIQUE,
  "hostname" TEXT NOT NULL,
  "secret_hash" TEXT NOT NULL,
  "roles" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
  "capabilities" JSONB NOT NULL DEFAULT '{}',
  "discovered_clusters" JSONB NOT NULL DEFAULT '[]',
  "version" TEXT,
  "address" TEXT,
  "coordinator_id" TEXT,
  "connected" BOOLEAN NOT NULL DEFAULT false,
  "connected_at" TIMESTAMP(3),
  "last_seen_at" TIMESTAMP(3),
  "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE "storage_pools" (
  "id" TEXT PRIMARY KEY,
  "agent_id" TEXT NOT NULL REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE CASCADE,
  "name" TEXT NOT NULL,
  "driver" TEXT NOT NULL,
  "mountpoint" TEXT NOT NULL,
  "size_bytes" BIGINT NOT NULL DEFAULT 0,
  "free_bytes" BIGINT NOT NULL DEFAULT 0,
  "properties" JSONB NOT NULL DEFAULT '{}',
  "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE ("agent_id", "name")
);

CREATE TABLE "clusters" (
  "id" TEXT PRIMARY KEY,
  "name" TEXT NOT NULL UNIQUE,
  "agent_id" TEXT NOT NULL REFERENCES "agents"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  "pgdata" TEXT NOT NULL,
  "host" TEXT,
  "port" INTEGER NOT NULL,
  "pg_version" INTEGER,
  "system_identifier" TEXT,
  "mode" TEXT NOT NULL DEFAULT 'replica',
  "storage_pool_id" TEXT REFERENCES "storage_pools"("id") ON DELETE SET NULL ON UPDATE CASCADE,
  "replication_conninfo" TEXT,
  "snapshot_schedule" TEXT NOT NULL DEFAULT '15m',
  "retention" JSONB NOT NULL DEFAULT '{}',
  "drill" JSONB,
  "state" TEXT NOT NULL DEFAULT 'adding',
  "health" JSONB NOT NULL DEFAULT '{}',
  "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE "jobs" (
  "id" TEXT PRIMARY KEY,
  "kind" TEXT NOT NULL,
  "agent_id" TEXT NOT NULL REFERENCES "agents"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  "cluster_id" TEXT REFERENCES "clusters"("id") ON DELETE SET NULL ON UPDATE CASCADE,
  "payload" JSONB NOT NULL DEFAULT '{}',
  "state" TEXT NOT NULL DEFAULT 'queued',
  "attempts" INTEGER NOT NULL DEFAULT 0,
  "max_attempts" INTEGER NOT NULL DEFAULT 3,
  "run_after" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "lease_expires_at" TIMESTAMP(3),
  "coordinator_id" TEXT,
  "idempotency_key" TEXT NOT NULL UNIQUE,
  "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
  "bytes_done" BIGINT NOT NULL DEFAULT 0,
  "bytes_total" BIGINT,
  "result" JSONB,
  "error" JSONB,
  "cancel_requested" BOOLEAN NOT NULL DEFAULT false,
  "created_by_id" TEXT,
  "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "dispatched_at" TIMESTAMP(3),
  "started_at" TIMESTAMP(3),
  "finished_at" TIMESTAMP(3),
  "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "jobs_agent_id_state_run_after_idx" ON "jobs"("agent_id", "state", "run_after");
CREATE INDEX "jobs_state_lease_expires_at_idx" ON "jobs"("state", "lease_expires_at");
CREATE INDEX "jobs_cluster_id_created_at_idx" ON "jobs"("cluster_id", "created_at");

CREATE TABLE "job_events" (
  "id" BIGSERIAL PRIMARY KEY,
  "job_id" TEXT NOT NULL REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE,
  "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "type" TEXT NOT NULL,
  "level" TEXT NOT NULL DEFAULT 'info',
  "message" TEXT NOT NULL,
  "data" JSONB
);
CREATE INDEX "job_events_job_id_id_idx" ON "job_events"("job_id", "id");

CREATE TABLE "restore_points" (
  "id" TEXT PRIMARY KEY,
  "cluster_id" TEXT NOT NULL REFERENCES "clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE,
  "kind" TEXT NOT NULL,
  "lsn" TEXT NOT NULL,
  "timeline" INTEGER NOT NULL,
  "data_time" TIMESTAMP(3),
  "size_bytes" BIGINT NOT NULL DEFAULT 0,
  "dataset" TEXT NOT NULL,
  "snapshot" TEXT NOT NULL,
  "backup_label" TEXT,
  "tablespace_map" TEXT,
  "idempotency_key" TEXT NOT NULL UNIQUE,
  "drill_status" TEXT NOT NULL DEFAULT 'never',
  "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "pruned_at" TIMESTAMP(3)
);
CREATE INDEX "restore_points_cluster_id_lsn_idx" ON "restore_points"("cluster_id", "lsn");

CREATE TABLE "wal_ranges" (
  "id" TEXT PRIMARY KEY,
  "cluster_id" TEXT NOT NULL REFERENCES "clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE,
  "timeline" INTEGER NOT NULL,
  "start_lsn" TEXT NOT NULL,
  "end_lsn" TEXT NOT NULL,
  "start_time" TIMESTAMP(3),
  "end_time" TIMESTAMP(3),
  "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "wal_ranges_cluster_id_timeline_idx" ON "wal_ranges"("cluster_id", "timeline");

CREATE TABLE "clones" (
  "id" TEXT PRIMARY KEY,
  "cluster_id" TEXT NOT NULL REFERENCES "clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE,
  "restore_point_id" TEXT REFERENCES "restore_points"("id") ON DELETE SET NULL ON UPDATE CASCADE,
  "agent_id" TEXT NOT NULL,
  "owner_id" TEXT,
  "purpose" TEXT NOT NULL DEFAULT 'restore',
  "target" JSONB NOT NULL,
  "dataset" TEXT,
  "host" TEXT,
  "port" INTEGER,
  "state" TEXT NOT NULL DEFAULT 'creating',
  "reached_lsn" TEXT,
  "reached_time" TIMESTAMP(3),
  "protected" BOOLEAN NOT NULL DEFAULT false,
  "expires_at" TIMESTAMP(3),
  "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "ready_at" TIMESTAMP(3),
  "destroyed_at" TIMESTAMP(3)
);

CREATE TABLE "audit_log" (
  "id" BIGSERIAL PRIMARY KEY,
  "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "actor_id" TEXT,
  "actor" TEXT NOT NULL,
  "action" TEXT NOT NULL,
  "cluster_id" TEXT,
  "target" TEXT,
  "details" JSONB
);
CREATE INDEX "audit_log_at_idx" ON "audit_log"("at");

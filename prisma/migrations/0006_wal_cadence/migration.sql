-- Restore points by WAL volume as well as by time: a restore point is due once the archive holds
-- snapshot_wal_bytes of WAL past the newest one (0 turns it off). 256 MiB by default, existing
-- clusters included: the cadence DESIGN.md describes is "every 15 minutes or every N MiB of WAL".
ALTER TABLE "clusters" ADD COLUMN "snapshot_wal_bytes" BIGINT NOT NULL DEFAULT 268435456;

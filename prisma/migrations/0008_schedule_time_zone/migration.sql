-- The time zone a cluster's cron schedules (restore points, drills) are read in: DBAs schedule in
-- their own zone ("0 3 * * *" at 03:00 Berlin time, summer and winter). Intervals ignore it.
ALTER TABLE "clusters" ADD COLUMN "schedule_time_zone" TEXT NOT NULL DEFAULT 'UTC';

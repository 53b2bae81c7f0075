-- Table-level restore: a clone made for it carries the request (tables, names, database; no
-- secrets) and, once the clone is ready, the job that loads the tables into the primary and how it
-- ended. The clone is destroyed when that job ends.
ALTER TABLE "clones" ADD COLUMN "follow_up" JSONB;

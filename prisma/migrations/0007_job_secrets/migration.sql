-- Secrets a job needs (a replication conninfo with its password, a clone's superuser password),
-- kept apart from the payload that every API and the console show. The coordinator puts them back
-- only into the frame that dispatches the job to its agent, and drops them once the job succeeds.
CREATE TABLE "job_secrets" (
  "job_id" TEXT PRIMARY KEY REFERENCES "jobs"("id") ON DELETE CASCADE,
  "secrets" JSONB NOT NULL
);

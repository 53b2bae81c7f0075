-- Clones a DBA can work with: a clone made from another clone remembers its source (which cannot
-- be destroyed while copies of it live); the storage agent reports when a clone last had a client
-- connected, and a cluster may destroy clones idle for clone_idle_minutes (unless protected).
ALTER TABLE "clones" ADD COLUMN "source_clone_id" TEXT;
ALTER TABLE "clones" ADD COLUMN "last_active_at" TIMESTAMPTZ;
ALTER TABLE "clusters" ADD COLUMN "clone_idle_minutes" INTEGER;

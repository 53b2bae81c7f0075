-- Zero-loss mode: Tideline's WAL receiver is in the primary's synchronous_standby_names, so a
-- commit returns only once its WAL is fsynced on the storage host.
ALTER TABLE "clusters" ADD COLUMN "synchronous" BOOLEAN NOT NULL DEFAULT false;

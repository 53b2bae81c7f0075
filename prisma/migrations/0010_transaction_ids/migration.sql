-- Transaction ids for recovery_target_xid: each restore point records the first 64-bit xid that had
-- not completed at it (a clone from it meets the commit of any xid at or above), and each cluster
-- the archive's horizon as its storage agent's replica last reported it (an xid at or above it has
-- not completed in the archived WAL). Decimal text: xid8 does not fit a signed BIGINT's range.
ALTER TABLE "restore_points" ADD COLUMN "next_xid" TEXT;
ALTER TABLE "clusters" ADD COLUMN "next_xid" TEXT;

-- A fleet of 1,000: the overview (clusters.list) reads one summary row per cluster instead of
-- counting every restore point on each call. The summary is kept by triggers on restore_points,
-- so every writer (the recording path, retention's pruning, a cluster's removal, a hand-written
-- INSERT) keeps it right without having to remember it.
CREATE TABLE "cluster_summaries" (
  "cluster_id" TEXT PRIMARY KEY REFERENCES "clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE,
  -- restore points not pruned, and the oldest and newest of them (by created_at)
  "restore_point_count" INTEGER NOT NULL DEFAULT 0,
  "first_restore_point_at" TIMESTAMP(3),
  "last_restore_point_at" TIMESTAMP(3),
  "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);

INSERT INTO "cluster_summaries" (cluster_id, restore_point_count, first_restore_point_at, last_restore_point_at)
SELECT c.id, count(rp.id)::int, min(rp.created_at), max(rp.created_at)
  FROM clusters c LEFT JOIN restore_points rp ON rp.cluster_id = c.id AND rp.pruned_at IS NULL
 GROUP BY c.id;

-- Recorded restore points only add: a delta under the summary row's lock (concurrent inserts for
-- one cluster each add theirs; none is lost to a stale read).
CREATE FUNCTION tideline_summaries_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO cluster_summaries AS s (cluster_id, restore_point_count, first_restore_point_at, last_restore_point_at, updated_at)
  SELECT n.cluster_id, count(*)::int, min(n.created_at), max(n.created_at), now()
    FROM new_rows n WHERE n.pruned_at IS NULL
   GROUP BY n.cluster_id
  ON CONFLICT (cluster_id) DO UPDATE SET
    restore_point_count = s.restore_point_count + EXCLUDED.restore_point_count,
    first_restore_point_at = LEAST(s.first_restore_point_at, EXCLUDED.first_restore_point_at),
    last_restore_point_at = GREATEST(s.last_restore_point_at, EXCLUDED.last_restore_point_at),
    updated_at = now();
  RETURN NULL;
END $$;

-- Pruning, deleting or re-dating may remove the oldest or newest point: the clusters touched are
-- counted again. Their summary rows are locked first, so the count below (a new statement, so a
-- new snapshot in READ COMMITTED) sees every insert committed before the lock was granted, and an
-- insert that comes later adds its delta on top. Rare (retention runs every few minutes), so an
-- exact recount is worth more than a clever delta.
CREATE FUNCTION tideline_summaries_recount(ids TEXT[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF ids IS NULL OR cardinality(ids) = 0 THEN RETURN; END IF;
  PERFORM 1 FROM cluster_summaries WHERE cluster_id = ANY(ids) ORDER BY cluster_id FOR UPDATE;
  -- a cluster being removed (the cascade that deleted its points) is not counted again
  INSERT INTO cluster_summaries AS s (cluster_id, restore_point_count, first_restore_point_at, last_restore_point_at, updated_at)
  SELECT c.id, count(rp.id)::int, min(rp.created_at), max(rp.created_at), now()
    FROM clusters c LEFT JOIN restore_points rp ON rp.cluster_id = c.id AND rp.pruned_at IS NULL
   WHERE c.id = ANY(ids)
   GROUP BY c.id
  ON CONFLICT (cluster_id) DO UPDATE SET
    restore_point_count = EXCLUDED.restore_point_count,
    first_restore_point_at = EXCLUDED.first_restore_point_at,
    last_restore_point_at = EXCLUDED.last_restore_point_at,
    updated_at = now();
END $$;

CREATE FUNCTION tideline_summaries_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- most updates (sizes, drill status) change nothing the summary holds: no recount for them
  PERFORM tideline_summaries_recount(ARRAY(
    SELECT DISTINCT x.cluster_id FROM (
      SELECT o.cluster_id FROM old_rows o JOIN new_rows n ON n.id = o.id
       WHERE (o.pruned_at IS NULL) <> (n.pruned_at IS NULL) OR o.created_at <> n.created_at OR o.cluster_id <> n.cluster_id
      UNION ALL
      SELECT n.cluster_id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.cluster_id <> n.cluster_id
    ) x ORDER BY 1));
  RETURN NULL;
END $$;

CREATE FUNCTION tideline_summaries_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM tideline_summaries_recount(ARRAY(SELECT DISTINCT o.cluster_id FROM old_rows o WHERE o.pruned_at IS NULL ORDER BY 1));
  RETURN NULL;
END $$;

CREATE TRIGGER "restore_points_summary_insert" AFTER INSERT ON "restore_points"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tideline_summaries_after_insert();
CREATE TRIGGER "restore_points_summary_update" AFTER UPDATE ON "restore_points"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tideline_summaries_after_update();
CREATE TRIGGER "restore_points_summary_delete" AFTER DELETE ON "restore_points"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tideline_summaries_after_delete();

// The fleet overview: every cluster with what the overview shows of it, in one query. Restore point
// counts and ages come from cluster_summaries, kept on write by triggers on restore_points
// (migration 0014), so a call costs the same with 200 or 200,000 restore points; the WAL catalog
// and the other large columns the overview does not show are not read. Plain SQL rather than
// Prisma: with 1,000 clusters, mapping rows through the ORM cost more than the query itself.
import type pg from "pg";

export interface FleetCluster {
  id: string;
  name: string;
  agentId: string;
  agentName: string;
  pgdata: string;
  port: number;
  pgVersion: number | null;
  systemIdentifier: string | null;
  mode: string;
  state: string;
  snapshotSchedule: string;
  snapshotWalBytes: number;
  retention: Record<string, number>;
  health: unknown;
  restorePointCount: number;
  lastRestorePointAt: Date | null;
  createdAt: Date;
}

export async function listFleetClusters(pool: Pick<pg.Pool, "query">): Promise<FleetCluster[]> {
  // timestamps are stored without a zone, in UTC (Prisma's convention): read them as such
  const { rows } = await pool.query<FleetCluster>(
    `SELECT c.id, c.name, c.agent_id AS "agentId", a.name AS "agentName", c.pgdata, c.port, c.pg_version AS "pgVersion",
            c.system_identifier AS "systemIdentifier", c.mode, c.state, c.snapshot_schedule AS "snapshotSchedule",
            c.snapshot_wal_bytes::float8 AS "snapshotWalBytes", c.retention, c.health,
            COALESCE(s.restore_point_count, 0) AS "restorePointCount",
            s.last_restore_point_at AT TIME ZONE 'UTC' AS "lastRestorePointAt",
            c.created_at AT TIME ZONE 'UTC' AS "createdAt"
       FROM clusters c
       JOIN agents a ON a.id = c.agent_id
       LEFT JOIN cluster_summaries s ON s.cluster_id = c.id
      ORDER BY c.name`,
  );
  for (const r of rows) r.retention ??= {};
  return rows;
}

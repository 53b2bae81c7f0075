// Recording a restore point an agent reported, once per job (the idempotency key is the job's).
import type { TRestorePointRecord } from "@tideline/protocol";
import type { Services } from "../context";

export async function recordRestorePoint(c: Services, clusterId: string, key: string, rp: TRestorePointRecord): Promise<string> {
  const { rows } = await c.pool.query<{ id: string }>(
    `INSERT INTO restore_points (id, cluster_id, kind, lsn, redo_lsn, timeline, data_time, size_bytes, dataset, snapshot, backup_label, tablespace_map, idempotency_key, created_at, next_xid)
     VALUES ('rp_' || substr(md5(random()::text || clock_timestamp()::text), 1, 20), $1, $2, $3, $13, $4, $5, $6, $7, $8, $9, $10, $11, $12, $14)
     ON CONFLICT (idempotency_key) DO UPDATE SET size_bytes = EXCLUDED.size_bytes
     RETURNING id`,
    [clusterId, rp.kind, rp.lsn, rp.timeline, rp.dataTime ? new Date(rp.dataTime) : null, Math.round(rp.sizeBytes), rp.dataset, rp.snapshot, rp.backupLabel ?? null, rp.tablespaceMap ?? null, key, new Date(rp.createdAt), rp.redoLsn ?? null, rp.nextXid ?? null],
  );
  await c.bus.publish({ entity: "restore-point", id: rows[0]!.id, clusterId });
  return rows[0]!.id;
}

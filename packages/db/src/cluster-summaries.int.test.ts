// The per-cluster summary the fleet overview reads (cluster_summaries, migration 0014) stays equal
// to a count over restore_points through everything that writes them: a bulk insert, concurrent
// recordings, pruning (the newest and the oldest), an undo of a prune, a delete, a cluster's removal.
import { startTestCluster, type TestCluster } from "@tideline/postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "./index";

describe("cluster summaries kept on write", () => {
  let cluster: TestCluster;
  let pool: pg.Pool;

  beforeAll(async () => {
    cluster = await startTestCluster();
    const url = `postgresql://postgres@127.0.0.1:${cluster.port}/postgres`;
    await migrate(url);
    pool = new pg.Pool({ connectionString: url, max: 8 });
    await pool.query("INSERT INTO agents (id, name, hostname, secret_hash) VALUES ('a1', 'db1', 'db1', 'h')");
    await pool.query(
      `INSERT INTO clusters (id, name, agent_id, pgdata, port, updated_at)
       SELECT 'c' || g, 'cluster-' || g, 'a1', '/pg/' || g, 5432, now() FROM generate_series(1, 3) g`,
    );
  });
  afterAll(async () => {
    await pool?.end();
    await cluster?.destroy();
  });

  let seq = 0;
  const insert = (clusterId: string, minutesAgo: number, client: Pick<pg.Pool, "query"> = pool) =>
    client.query(
      `INSERT INTO restore_points (id, cluster_id, kind, lsn, timeline, dataset, snapshot, idempotency_key, created_at)
       VALUES ($1, $2, 'snapshot', '0/1', 1, 'tank/x', $1, $1, now() - make_interval(mins => $3))`,
      [`rp${++seq}`, clusterId, minutesAgo],
    );

  /** The summary as kept, and as counted from scratch: they must agree. */
  async function both() {
    const kept = await pool.query(
      `SELECT c.id, COALESCE(s.restore_point_count, 0) AS n, s.first_restore_point_at AS first, s.last_restore_point_at AS last
         FROM clusters c LEFT JOIN cluster_summaries s ON s.cluster_id = c.id ORDER BY c.id`,
    );
    const counted = await pool.query(
      `SELECT c.id, count(rp.id)::int AS n, min(rp.created_at) AS first, max(rp.created_at) AS last
         FROM clusters c LEFT JOIN restore_points rp ON rp.cluster_id = c.id AND rp.pruned_at IS NULL
        GROUP BY c.id ORDER BY c.id`,
    );
    return { kept: kept.rows, counted: counted.rows };
  }
  const expectRight = async () => {
    const { kept, counted } = await both();
    expect(kept).toEqual(counted);
    return kept;
  };

  it("counts a bulk insert and single recordings", async () => {
    await pool.query(
      `INSERT INTO restore_points (id, cluster_id, kind, lsn, timeline, dataset, snapshot, idempotency_key, created_at)
       SELECT 'bulk' || c || '_' || k, 'c' || c, 'snapshot', '0/1', 1, 'tank/x', 's' || k, 'bulk' || c || '_' || k, now() - make_interval(mins => k * 15)
         FROM generate_series(1, 2) c, generate_series(1, 200) k`,
    );
    await insert("c1", 1);
    const kept = await expectRight();
    expect(kept.map((r) => r.n)).toEqual([201, 200, 0]);
  });

  it("stays right under concurrent recordings for one cluster", async () => {
    // each in its own transaction, all open at once: the summary row's lock orders them
    const clients = await Promise.all(Array.from({ length: 6 }, () => pool.connect()));
    try {
      await Promise.all(clients.map((c) => c.query("BEGIN")));
      await Promise.all(
        clients.map(async (c, i) => {
          await insert("c3", 100 - i, c);
          await c.query("COMMIT");
        }),
      );
    } finally {
      for (const c of clients) c.release();
    }
    const kept = await expectRight();
    expect(kept[2]!.n).toBe(6);
  });

  it("follows pruning of the oldest and the newest, an undone prune, and a delete", async () => {
    // retention prunes the oldest
    await pool.query(
      "UPDATE restore_points SET pruned_at = now() WHERE id IN (SELECT id FROM restore_points WHERE cluster_id = 'c1' ORDER BY created_at LIMIT 50)",
    );
    await expectRight();
    // the newest goes (a snapshot destroyed by hand): the newest time moves back
    await pool.query(
      "UPDATE restore_points SET pruned_at = now() WHERE id = (SELECT id FROM restore_points WHERE cluster_id = 'c1' AND pruned_at IS NULL ORDER BY created_at DESC LIMIT 1)",
    );
    await expectRight();
    await pool.query("UPDATE restore_points SET pruned_at = NULL WHERE cluster_id = 'c1'");
    await expectRight();
    // sizes change all the time; the summary is not recounted for them, and stays right
    await pool.query("UPDATE restore_points SET size_bytes = size_bytes + 1 WHERE cluster_id = 'c2'");
    await pool.query(
      "DELETE FROM restore_points WHERE cluster_id = 'c2' AND created_at < now() - interval '1 day 7 minutes'",
    );
    const kept = await expectRight();
    expect(kept.map((r) => r.n)).toEqual([201, 96, 6]);
  });

  it("goes with its cluster", async () => {
    await pool.query("DELETE FROM clusters WHERE id = 'c2'");
    await expectRight();
    const { rows } = await pool.query("SELECT cluster_id FROM cluster_summaries ORDER BY 1");
    expect(rows.map((r) => r.cluster_id)).toEqual(["c1", "c3"]);
  });
});

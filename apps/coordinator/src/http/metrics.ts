// GET /metrics in Prometheus text format.
import type { Coordinator } from "../context";

export async function metrics(c: Coordinator): Promise<string> {
  const lines: string[] = [];
  const gauge = (name: string, help: string, values: Array<[Record<string, string>, number]>, type = "gauge") => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, v] of values) {
      const l = Object.entries(labels).map(([k, val]) => `${k}="${val.replace(/["\\\n]/g, "_")}"`).join(",");
      lines.push(`${name}${l ? `{${l}}` : ""} ${v}`);
    }
  };
  gauge("tideline_agents_connected_here", "Agents connected to this coordinator.", [[{}, c.registry.size]]);
  gauge("tideline_jobs_dispatched_total", "Jobs this coordinator dispatched since it started.", [[{}, c.metrics.dispatched]], "counter");
  gauge("tideline_agent_bad_frames_total", "Malformed frames received from agents.", [[{}, c.metrics.badFrames]], "counter");
  try {
    const agents = await c.pool.query<{ connected: boolean; n: number }>("SELECT connected, count(*)::int AS n FROM agents GROUP BY connected");
    gauge("tideline_agents", "Enrolled agents by connection state.", agents.rows.map((r) => [{ connected: String(r.connected) }, r.n]));
    const jobs = await c.pool.query<{ state: string; n: number }>("SELECT state, count(*)::int AS n FROM jobs GROUP BY state");
    gauge("tideline_jobs", "Jobs by state.", jobs.rows.map((r) => [{ state: r.state }, r.n]));
    const clusters = await c.pool.query<{ name: string; health: Record<string, unknown> }>("SELECT name, health FROM clusters");
    const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
    const series = (key: string) =>
      clusters.rows.flatMap((r) => {
        const v = num(r.health?.[key]);
        return v === null ? [] : [[{ cluster: r.name }, v] as [Record<string, string>, number]];
      });
    gauge("tideline_cluster_last_restore_point_age_seconds", "Age of the newest restore point.", series("lastRestorePointAgeSeconds"));
    gauge("tideline_cluster_wal_lag_bytes", "Bytes of WAL not yet durable on the storage host.", series("walLagBytes"));
    gauge("tideline_cluster_wal_lag_seconds", "Seconds between the last commit and its WAL being durable.", series("walLagSeconds"));
    gauge("tideline_cluster_space_used_bytes", "Space used on the storage host.", series("spaceUsedBytes"));
    gauge("tideline_inventory_up", "Whether the inventory database answers.", [[{}, 1]]);
  } catch {
    gauge("tideline_inventory_up", "Whether the inventory database answers.", [[{}, 0]]);
  }
  return `${lines.join("\n")}\n`;
}

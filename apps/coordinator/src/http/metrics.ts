// GET /metrics: Prometheus exposition through prom-client, one registry per coordinator (several
// can run in one process). Process and event-loop metrics come from prom-client's defaults; the
// fleet's gauges (agents, jobs, clusters' health) are read from the inventory at scrape time.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type pg from "pg";
import type { AgentRegistry } from "../agents/registry";

export interface CoordinatorMetrics {
  registry: Registry;
  dispatched: Counter;
  /** Claim statements the dispatcher ran: a burst of jobs is claimed in a few. */
  claims: Counter;
  badFrames: Counter;
  /** Seconds from a job's start (agent's acknowledgement) to its end, by kind and final state. */
  jobSeconds: Histogram<"kind" | "state">;
}

export function createMetrics(c: { pool: pg.Pool; registry: AgentRegistry }): CoordinatorMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "tideline_coordinator_" });
  const dispatched = new Counter({
    name: "tideline_jobs_dispatched_total",
    help: "Jobs this coordinator dispatched since it started.",
    registers: [registry],
  });
  const claims = new Counter({
    name: "tideline_dispatch_claims_total",
    help: "Claim statements the dispatcher ran (each claims a batch of jobs).",
    registers: [registry],
  });
  const badFrames = new Counter({
    name: "tideline_agent_bad_frames_total",
    help: "Malformed frames received from agents.",
    registers: [registry],
  });
  const jobSeconds = new Histogram({
    name: "tideline_job_duration_seconds",
    help: "How long jobs ran, from the agent's acknowledgement to the result.",
    labelNames: ["kind", "state"] as const,
    // a restore point takes under a second, a base backup of a large cluster hours
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600],
    registers: [registry],
  });
  new Gauge({
    name: "tideline_agents_connected_here",
    help: "Agents connected to this coordinator.",
    registers: [registry],
    collect() {
      this.set(c.registry.size);
    },
  });

  // Everything below reads the inventory once per scrape: prom-client collects the gauges
  // concurrently, so they share one snapshot (kept a second, the length of a scrape).
  let last: { at: number; snapshot: Promise<Snapshot | null> } | null = null;
  const snapshot = () => {
    if (!last || Date.now() - last.at > 1000)
      last = { at: Date.now(), snapshot: readInventory(c.pool).catch(() => null) };
    return last.snapshot;
  };
  new Gauge({
    name: "tideline_inventory_up",
    help: "Whether the inventory database answers.",
    registers: [registry],
    async collect() {
      this.set((await snapshot()) ? 1 : 0);
    },
  });
  new Gauge({
    name: "tideline_agents",
    help: "Enrolled agents by connection state.",
    labelNames: ["connected"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of (await snapshot())?.agents ?? []) this.set({ connected: String(r.connected) }, r.n);
    },
  });
  new Gauge({
    name: "tideline_jobs",
    help: "Jobs by state.",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of (await snapshot())?.jobs ?? []) this.set({ state: r.state }, r.n);
    },
  });
  const healthGauges: Array<[string, string, string]> = [
    [
      "tideline_cluster_last_restore_point_age_seconds",
      "Age of the newest restore point.",
      "lastRestorePointAgeSeconds",
    ],
    ["tideline_cluster_wal_lag_bytes", "Bytes of WAL not yet durable on the storage host.", "walLagBytes"],
    [
      "tideline_cluster_wal_lag_seconds",
      "Seconds between the last commit and its WAL being durable.",
      "walLagSeconds",
    ],
    ["tideline_cluster_space_used_bytes", "Space used on the storage host.", "spaceUsedBytes"],
  ];
  for (const [name, help, key] of healthGauges) {
    new Gauge({
      name,
      help,
      labelNames: ["cluster"],
      registers: [registry],
      async collect() {
        this.reset();
        for (const r of (await snapshot())?.clusters ?? []) {
          const v = r.health?.[key];
          if (typeof v === "number" && Number.isFinite(v)) this.set({ cluster: r.name }, v);
        }
      },
    });
  }
  return { registry, dispatched, claims, badFrames, jobSeconds };
}

interface Snapshot {
  agents: Array<{ connected: boolean; n: number }>;
  jobs: Array<{ state: string; n: number }>;
  clusters: Array<{ name: string; health: Record<string, unknown> | null }>;
}

async function readInventory(pool: pg.Pool): Promise<Snapshot> {
  const [a, j, cl] = await Promise.all([
    pool.query<{ connected: boolean; n: number }>(
      "SELECT connected, count(*)::int AS n FROM agents GROUP BY connected",
    ),
    pool.query<{ state: string; n: number }>("SELECT state, count(*)::int AS n FROM jobs GROUP BY state"),
    pool.query<{ name: string; health: Record<string, unknown> | null }>("SELECT name, health FROM clusters"),
  ]);
  return { agents: a.rows, jobs: j.rows, clusters: cl.rows };
}

export function metrics(m: CoordinatorMetrics): Promise<string> {
  return m.registry.metrics();
}

// GET /healthz: is this coordinator able to do its job (inventory reachable) and who is connected.
import type { Coordinator } from "../coordinator";

export async function health(c: Coordinator) {
  const started = performance.now();
  let reachable = true;
  let connectedTotal: number | null = null;
  try {
    const r = await c.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM agents WHERE connected");
    connectedTotal = r.rows[0]?.n ?? 0;
  } catch {
    reachable = false;
  }
  return {
    status: reachable ? "ok" : "degraded",
    version: c.config.version,
    coordinatorId: c.id,
    database: { reachable, latencyMs: Math.round((performance.now() - started) * 10) / 10 },
    agents: { connectedHere: c.registry.size, connectedTotal },
  };
}

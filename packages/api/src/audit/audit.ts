// The audit log: who did what to which cluster. Written by every mutation that changes state.
import type { Services } from "../context";
import type { Caller } from "../context";

export async function audit(c: Services, caller: Caller | null, action: string, opts: { clusterId?: string | null; target?: string; details?: unknown } = {}): Promise<void> {
  await c.pool.query("INSERT INTO audit_log (actor_id, actor, action, cluster_id, target, details) VALUES ($1, $2, $3, $4, $5, $6::jsonb)", [
    caller?.id ?? null,
    caller ? `${caller.email}${caller.via === "token" ? " (api token)" : ""}` : "system",
    action,
    opts.clusterId ?? null,
    opts.target ?? null,
    opts.details === undefined ? null : JSON.stringify(opts.details),
  ]);
}

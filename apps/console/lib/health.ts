// Reading a cluster's health, as the coordinator stores it from the storage agent's status
// reports (apps/coordinator/src/clusters/cluster-status.ts). It arrives as JSON; these helpers
// narrow it defensively, so a cluster that has not reported yet (or an older coordinator)
// renders as "no report yet" instead of crashing a page.

export type HealthStatus = "ok" | "warning" | "error";

export interface Problem {
  code: string;
  message: string;
  fix: string | null;
}

export interface LastDrill {
  passed: boolean | null;
  at: string | null;
  secondsToReady: number | null;
}

export interface Health {
  status: HealthStatus;
  lastRestorePointAt: string | null;
  lastRestorePointAgeSeconds: number | null;
  walState: string | null;
  walLagBytes: number | null;
  walLagSeconds: number | null;
  slotState: string | null;
  replicaRunning: boolean | null;
  spaceUsedBytes: number | null;
  problems: Problem[];
  lastDrill: LastDrill | null;
  reportedAt: string | null;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

/** The health a cluster reported, or null when it has not reported yet. */
export function healthOf(raw: unknown): Health | null {
  if (!isObj(raw) || !["ok", "warning", "error"].includes(raw.status as string)) return null;
  const problems = Array.isArray(raw.problems)
    ? raw.problems.filter(isObj).map((p) => ({
        code: str(p.code) ?? "PROBLEM",
        message: str(p.message) ?? "",
        fix: str(p.fix),
      }))
    : [];
  const d = isObj(raw.lastDrill) ? raw.lastDrill : null;
  return {
    status: raw.status as HealthStatus,
    lastRestorePointAt: str(raw.lastRestorePointAt),
    lastRestorePointAgeSeconds: num(raw.lastRestorePointAgeSeconds),
    walState: str(raw.walState),
    walLagBytes: num(raw.walLagBytes),
    walLagSeconds: num(raw.walLagSeconds),
    slotState: str(raw.slotState),
    replicaRunning: typeof raw.replicaRunning === "boolean" ? raw.replicaRunning : null,
    spaceUsedBytes: num(raw.spaceUsedBytes),
    problems,
    lastDrill: d
      ? {
          passed: typeof d.passed === "boolean" ? d.passed : null,
          at: str(d.at),
          secondsToReady: num(d.secondsToReady),
        }
      : null,
    reportedAt: str(raw.reportedAt),
  };
}

/**
 * One word for where a cluster stands: its health once it is protected and reporting, otherwise
 * its lifecycle state ("checking", "protecting", "error", …).
 */
export function clusterStatus(cluster: { state: string; health: unknown }): string {
  const h = healthOf(cluster.health);
  if (cluster.state === "protected") return h?.status ?? "no report";
  return cluster.state;
}

/** Restore point age in seconds, from the report if there is one, else from the newest point's time. */
export function restorePointAgeSeconds(
  cluster: { health: unknown; lastRestorePointAt?: Date | string | null },
  now: number,
): number | null {
  const at = cluster.lastRestorePointAt ?? healthOf(cluster.health)?.lastRestorePointAt ?? null;
  if (!at) return null;
  return Math.max(0, Math.round((now - new Date(at).getTime()) / 1000));
}

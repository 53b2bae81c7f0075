// Taking in a storage agent's CLUSTER_STATUS: the WAL catalog for the window, and the cluster's
// health at a glance (restore point age, WAL lag, slot, space, problems with their fixes).
import { createHash } from "node:crypto";
import type { AgentToCoordinator } from "@tideline/protocol";
import type { z } from "zod";
import type { Services } from "../context";
import { notify } from "../notifications/notify";

type Status = z.infer<(typeof AgentToCoordinator)["CLUSTER_STATUS"]>;

export interface ClusterHealth {
  status: "ok" | "warning" | "error";
  lastRestorePointAt: string | null;
  lastRestorePointAgeSeconds: number | null;
  walState: string;
  walLagBytes: number | null;
  walLagSeconds: number | null;
  slotState: "active" | "inactive" | "missing" | "unknown";
  replicaRunning: boolean | null;
  replicaLagBytes: number | null;
  spaceUsedBytes: number | null;
  receiverRestarts: number;
  problems: Array<{ code: string; message: string; fix?: string }>;
  lastDrill?: unknown;
  reportedAt: string;
}

export async function ingestClusterStatus(c: Services, agentId: string, s: Status): Promise<void> {
  const cl = await c.db.cluster.findUnique({ where: { id: s.clusterId } });
  if (!cl || cl.storageAgentId !== agentId) return; // not ours (or removed meanwhile)
  // the newest restore point from the summary kept on write (cluster_summaries), not a lookup
  const newest =
    (await c.db.clusterSummary.findUnique({ where: { clusterId: cl.id } }))?.lastRestorePointAt ?? null;
  const ageSeconds = newest ? Math.round((Date.now() - newest.getTime()) / 1000) : null;
  const problems = [...s.problems];
  const prev = (cl.health ?? {}) as Partial<ClusterHealth>;
  const slotState = !s.wal.slot
    ? "unknown"
    : s.wal.slot.active === null
      ? "missing"
      : s.wal.slot.active
        ? "active"
        : "inactive";
  if (slotState === "inactive" && s.wal.state === "streaming")
    problems.push({ code: "SLOT_INACTIVE", message: `replication slot ${s.wal.slot?.name} is not in use` });
  if (cl.synchronous && s.wal.state !== "streaming") {
    problems.push({
      code: "SYNCHRONOUS_WAITING",
      message:
        "zero-loss mode is on and Tideline's WAL receiver is not streaming: commits on the primary wait until it is back",
      fix: "see the receiver's error above; to let commits go on without it, turn zero-loss mode off (tideline clusters update CLUSTER --synchronous off)",
    });
  }
  const scheduleSeconds = scheduleIntervalSeconds(cl.snapshotSchedule);
  if (
    ageSeconds !== null &&
    scheduleSeconds &&
    ageSeconds > scheduleSeconds * 3 &&
    cl.state === "protected"
  ) {
    problems.push({
      code: "RESTORE_POINTS_LATE",
      message: `the newest restore point is ${Math.round(ageSeconds / 60)} min old (schedule: ${cl.snapshotSchedule})`,
      fix: "check the cluster's jobs for failed restore-point.create runs",
    });
  }
  const health: ClusterHealth = {
    status: problems.some(
      (p) =>
        !["POOL_NEARLY_FULL", "RESTORE_POINTS_LATE", "SLOT_INACTIVE", "CHECKPOINT_NOT_ALLOWED"].includes(
          p.code,
        ),
    )
      ? "error"
      : problems.length
        ? "warning"
        : "ok",
    lastRestorePointAt: newest?.toISOString() ?? null,
    lastRestorePointAgeSeconds: ageSeconds,
    walState: s.wal.state,
    walLagBytes: s.wal.lagBytes,
    walLagSeconds: s.wal.lagSeconds,
    slotState,
    replicaRunning: s.replica ? s.replica.running : null,
    replicaLagBytes: s.replica?.lagBytes ?? null,
    spaceUsedBytes: s.spaceUsedBytes,
    receiverRestarts: s.wal.restarts,
    problems,
    lastDrill: prev.lastDrill,
    reportedAt: s.at,
  };
  await c.db.cluster.update({
    where: { id: cl.id },
    data: {
      health: health as object,
      walCatalog: s.catalog as object,
      walHistories: s.histories,
      namedPoints: s.namedPoints,
      statusAt: new Date(s.at),
      ...(s.replica?.nextXid ? { nextXid: s.replica.nextXid } : {}),
    },
  });
  // clones: the space each holds now, and whether a client was connected (the idle policy's clock)
  for (const cs of s.clones ?? []) {
    await c.pool.query(
      "UPDATE clones SET size_bytes = $3, last_active_at = CASE WHEN $4::int > 0 THEN now() ELSE last_active_at END WHERE id = $1 AND cluster_id = $2 AND state = 'ready'",
      [cs.cloneId, cl.id, Math.round(cs.usedBytes), cs.connections],
    );
  }
  for (const sz of s.snapshotSizes ?? []) {
    await c.pool.query(
      "UPDATE restore_points SET size_bytes = $4 WHERE cluster_id = $1 AND dataset = $2 AND snapshot = $3 AND size_bytes <> $4",
      [cl.id, sz.dataset, sz.snapshot, Math.round(sz.usedBytes)],
    );
  }
  if (prev.status !== health.status || (prev.problems?.length ?? 0) !== problems.length) {
    c.log.info("cluster health changed", {
      cluster: cl.name,
      status: health.status,
      problems: problems.map((p) => p.code),
    });
    if (prev.status && prev.status !== health.status)
      notify(c, "cluster.health", {
        cluster: cl.name,
        status: health.status,
        previous: prev.status,
        problems,
      });
  }
  // Every console on every coordinator refetches on a publish: only say so when something a DBA
  // sees changed (state, problems, the archive's reach, timelines), not on every 5-second report.
  const seen = fingerprint(health, s);
  if (lastPublished.get(cl.id) !== seen) {
    lastPublished.set(cl.id, seen);
    await c.bus.publish({ entity: "cluster", id: cl.id, clusterId: cl.id });
  }
}

const lastPublished = new Map<string, string>();

function fingerprint(h: ClusterHealth, s: Status): string {
  const { status, walState, slotState, replicaRunning, lastRestorePointAt, problems } = h;
  return createHash("sha1")
    .update(
      JSON.stringify([
        status,
        walState,
        slotState,
        replicaRunning,
        lastRestorePointAt,
        problems,
        s.catalog,
        s.histories,
        s.namedPoints,
      ]),
    )
    .digest("hex");
}

function scheduleIntervalSeconds(s: string): number | null {
  const m = /^(\d+)(s|m|h|d)$/.exec(s.trim());
  if (!m) return null;
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as "s" | "m" | "h" | "d"];
}

// Protecting clusters from the CLI: storage, add, window, restore points, retention.
import { setTimeout as sleep } from "node:timers/promises";
import type { ApiClient } from "@tideline/client";
import { formatBytes } from "@tideline/core";
import { CliError, printJson, printTable } from "../output";
import { waitForJob } from "./listings";

export async function storageList(client: ApiClient, json: boolean) {
  const pools = await client.storage.list.query();
  if (json) return printJson(pools);
  printTable(
    pools.map((p) => ({ ...p, size: formatBytes(p.sizeBytes), free: formatBytes(p.freeBytes), compression: p.properties.compression, ratio: p.properties.compressratio })),
    ["ref", "driver", "size", "free", "compression", "ratio", "mountpoint"],
  );
  if (pools.some((p) => p.driver === "directory"))
    process.stdout.write("\ndirectory pools keep a full copy of the data directory per restore point (reflinks where the filesystem has them); zfs and btrfs pools keep only changed blocks\n");
}

export interface AddFlags {
  name?: string;
  agent?: string;
  pgdata?: string;
  port?: string;
  storage?: string;
  "replication-conninfo"?: string;
  mode?: string;
  "snapshot-every"?: string;
  "snapshot-wal"?: string;
  "time-zone"?: string;
  "shared-dataset"?: string;
  compression?: string;
  dedup?: boolean;
  recordsize?: string;
  wait?: boolean;
}

export async function clustersAdd(client: ApiClient, f: AddFlags, json: boolean) {
  if (!f.name || !f.agent || !f.storage) throw new CliError("USAGE", "tideline clusters add --name N --agent A (--pgdata DIR --port P | --port P of a discovered cluster) --storage AGENT/POOL [--mode replica|shared] [--snapshot-every 15m]");
  const { clusterId, jobId } = await client.clusters.add.mutate({
    name: f.name,
    agent: f.agent,
    pgdata: f.pgdata,
    port: f.port ? Number(f.port) : undefined,
    storage: f.storage,
    replicationConninfo: f["replication-conninfo"],
    mode: (f.mode ?? "replica") as "replica" | "shared",
    snapshotEvery: f["snapshot-every"] ?? "15m",
    snapshotWal: f["snapshot-wal"],
    timeZone: f["time-zone"],
    sharedDataset: f["shared-dataset"],
    compression: f.compression,
    dedup: f.dedup,
    recordsize: f.recordsize,
  });
  if (!f.wait) {
    if (json) return printJson({ clusterId, jobId });
    process.stdout.write(`cluster ${f.name} added (${clusterId}); checking it in job ${jobId}\nfollow with: tideline clusters show ${f.name}\n`);
    return;
  }
  const check = await waitForJob(client, jobId, { quiet: json });
  if (check.state !== "succeeded") throw new CliError(check.error?.code ?? "CLUSTER_CHECK_FAILED", check.error?.message ?? "the check failed");
  // the protect job follows the check
  const protect = await waitFor(async () => (await client.jobs.list.query({ clusterId, kind: "cluster.protect", limit: 1 }))[0], 60_000);
  const done = await waitForJob(client, protect.id, { quiet: json });
  if (done.state !== "succeeded") throw new CliError(done.error?.code ?? "PROTECT_FAILED", done.error?.message ?? "protecting the cluster failed");
  const cluster = await client.clusters.get.query({ cluster: clusterId });
  if (json) return printJson(cluster);
  process.stdout.write(`cluster ${cluster.name} is ${cluster.state}; next restore point at ${cluster.nextSnapshotAt?.toISOString() ?? "-"}\n`);
}

export async function clustersShow(client: ApiClient, name: string, json: boolean) {
  const c = await client.clusters.get.query({ cluster: name });
  if (json) return printJson(c);
  const h = (c.health ?? {}) as { status?: string; walLagBytes?: number; walLagSeconds?: number; slotState?: string; lastRestorePointAgeSeconds?: number; problems?: Array<{ code: string; message: string; fix?: string }> };
  printTable(
    [{ ...c, health: h.status ?? "-", lag: h.walLagBytes === undefined ? "-" : `${h.walLagBytes} B / ${h.walLagSeconds ?? 0} s`, slot: h.slotState ?? "-", snapshotWal: c.snapshotWalBytes ? formatBytes(c.snapshotWalBytes) : "off" }],
    ["name", "state", "mode", "agent", "pool", "port", "health", "lag", "slot", "snapshotSchedule", "snapshotWal"],
  );
  const zone = c.scheduleTimeZone;
  const local = (d: Date) => new Intl.DateTimeFormat("sv-SE", { timeZone: zone, dateStyle: "short", timeStyle: "short" }).format(d);
  if (c.nextScheduledRuns.length) process.stdout.write(`\nnext restore points (${zone}): ${c.nextScheduledRuns.map(local).join(", ")}\n`);
  for (const p of h.problems ?? []) process.stdout.write(`\n${p.code}: ${p.message}${p.fix ? `\n  fix: ${p.fix}` : ""}\n`);
}

export async function windowShow(client: ApiClient, name: string, json: boolean) {
  const w = await client.clusters.window.query({ cluster: name });
  if (json) return printJson({ timelines: w.timelines.map((t) => ({ timeline: t.timeline, from: t.from, to: t.to, fromLsn: t.fromLsn, toLsn: t.toLsn, gaps: t.gaps })), forks: w.forks });
  printTable(w.timelines.map((t) => ({ ...t, gaps: t.gaps.length })), ["timeline", "from", "to", "fromLsn", "toLsn", "gaps"]);
  for (const t of w.timelines) for (const g of t.gaps) process.stdout.write(`timeline ${t.timeline}: gap from ${g.from ?? g.fromLsn} to ${g.to ?? g.toLsn}\n`);
}

export async function snapshot(client: ApiClient, name: string, opts: { wait: boolean; json: boolean; kind: "snapshot" | "base-backup" }) {
  const { jobId } = await client.restorePoints.create.mutate({ cluster: name, kind: opts.kind });
  if (!opts.wait) {
    if (opts.json) printJson({ jobId });
    else process.stdout.write(`restore point requested: job ${jobId}\n`);
    return;
  }
  const job = await waitForJob(client, jobId, { quiet: opts.json });
  if (job.state !== "succeeded") throw new CliError(job.error?.code ?? "SNAPSHOT_FAILED", job.error?.message ?? "the restore point failed");
  const r = job.result as { id: string; kind: string; lsn: string; timeline: number; dataTime: string | null; sizeBytes: number };
  const out = { id: r.id, kind: r.kind, lsn: r.lsn, timeline: r.timeline, dataTime: r.dataTime, sizeBytes: r.sizeBytes };
  if (opts.json) return printJson(out);
  printTable([out], ["id", "kind", "lsn", "timeline", "dataTime", "sizeBytes"]);
}

export async function restorePointsList(client: ApiClient, name: string, json: boolean) {
  const rps = await client.restorePoints.list.query({ cluster: name });
  if (json) return printJson(rps.map((r) => ({ id: r.id, kind: r.kind, lsn: r.lsn, redoLsn: r.redoLsn, timeline: r.timeline, dataTime: r.dataTime, sizeBytes: r.sizeBytes, createdAt: r.createdAt, drillStatus: r.drillStatus, clones: r.clones })));
  printTable(rps, ["id", "kind", "lsn", "redoLsn", "timeline", "dataTime", "sizeBytes", "drillStatus", "clones"]);
}

export async function retention(client: ApiClient, name: string, opts: { dryRun: boolean; json: boolean }) {
  const r = opts.dryRun ? await client.retention.preview.query({ cluster: name }) : await client.retention.run.mutate({ cluster: name });
  if (opts.json) return printJson(r);
  process.stdout.write(`${opts.dryRun ? "would keep" : "keeping"} ${r.keep.length}, ${opts.dryRun ? "would prune" : "pruning"} ${r.prune.length}${r.jobId ? ` (job ${r.jobId})` : ""}\n`);
  printTable([...r.keep.map((k) => ({ ...k, action: "keep", why: k.reasons.join(",") })), ...r.prune.map((p) => ({ ...p, action: "prune", why: "" }))], ["action", "id", "createdAt", "lsn", "why"]);
}

async function waitFor<T>(fn: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new CliError("TIMEOUT", "timed out");
    await sleep(250);
  }
}

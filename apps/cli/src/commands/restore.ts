// Restore to time from the CLI: plan, clone, follow progress, and manage clones and drills.
import type { ApiClient } from "@tideline/client";
import { formatBytes, formatDuration } from "@tideline/core";
import type { TRestoreTarget } from "@tideline/protocol";
import { CliError, printJson, printTable } from "../output";
import { waitForJob } from "./listings";

export type TargetFlags = {
  to?: string;
  lsn?: string;
  xid?: string;
  name?: string;
  immediate?: boolean;
  "restore-point"?: string;
  latest?: boolean;
  exclusive?: boolean;
  timeline?: string;
};

export function targetFrom(f: TargetFlags): TRestoreTarget {
  // --immediate with --restore-point ID is the same as --restore-point ID alone
  const point = f["restore-point"];
  const given = [f.to, f.lsn, f.xid, f.name, f.immediate || point ? "immediate" : undefined, f.latest ? "latest" : undefined].filter(Boolean);
  if (given.length !== 1) {
    throw new CliError("USAGE", "give exactly one of --to TIME, --lsn LSN, --xid XID, --name NAME, --immediate [--restore-point ID] or --latest", 2);
  }
  const exclusive = f.exclusive ? { exclusive: true } : {};
  if (f.exclusive && !(f.to || f.lsn || f.xid)) throw new CliError("USAGE", "--exclusive goes with --to, --lsn or --xid", 2);
  if (f.to) return { kind: "time", time: f.to, ...exclusive };
  if (f.lsn) return { kind: "lsn", lsn: f.lsn, ...exclusive };
  if (f.xid) return { kind: "xid", xid: f.xid, ...exclusive };
  if (f.name) return { kind: "name", name: f.name };
  if (f.immediate || point) return { kind: "immediate", ...(point ? { restorePointId: point } : {}) };
  return { kind: "latest" };
}

export async function restore(client: ApiClient, cluster: string, f: TargetFlags & { ttl?: string; wait?: boolean; "dry-run"?: boolean }, json: boolean) {
  const target = targetFrom(f);
  const timeline = f.timeline ? Number(f.timeline) : undefined;
  if (f["dry-run"]) {
    const plan = await client.restore.plan.query({ cluster, target, timeline });
    if (json) return printJson(plan);
    process.stdout.write(
      `${plan.summary}\nexpected to reach ${plan.expected.time ?? plan.expected.lsn ?? "the end of the WAL"}; replays ${plan.replayBytesUpperBound ? "up to " : ""}${formatBytes(plan.replayBytes)} of WAL, ≈ ${formatDuration(plan.estimatedSeconds)} (${plan.estimate.measured ? "rate measured on this pool" : "default rate, not measured yet"})\n${plan.notes.map((n) => `note: ${n}\n`).join("")}`,
    );
    return;
  }
  const started = performance.now();
  const r = await client.restore.create.mutate({ cluster, target, timeline, ttl: f.ttl });
  if (!f.wait) {
    if (json) return printJson(r);
    process.stdout.write(`clone ${r.cloneId} is being created (job ${r.jobId}); follow with: tideline jobs show ${r.jobId}\n`);
    return;
  }
  const job = await waitForJob(client, r.jobId, { quiet: json });
  if (job.state !== "succeeded") throw new CliError(job.error?.code ?? "RESTORE_FAILED", job.error?.message ?? "the restore failed");
  const clone = await client.clones.get.query({ id: r.cloneId });
  const out = {
    cloneId: clone.id,
    host: clone.host,
    port: clone.port,
    connectionString: clone.connectionString,
    restorePointId: clone.restorePointId,
    reachedLsn: clone.reachedLsn,
    reachedTime: clone.reachedTime,
    seconds: Math.round(((performance.now() - started) / 1000) * 100) / 100,
    expiresAt: clone.expiresAt,
    notes: r.notes,
  };
  if (json) return printJson(out);
  process.stdout.write(`clone ${out.cloneId} ready in ${out.seconds} s at ${out.reachedTime?.toISOString() ?? out.reachedLsn}\n\n  ${out.connectionString}\n\n${r.notes.map((n) => `note: ${n}\n`).join("")}`);
}

export async function clonesList(client: ApiClient, json: boolean) {
  const clones = await client.clones.list.query({});
  if (json) return printJson(clones);
  printTable(clones.map((c) => ({ ...c, target: JSON.stringify(c.target) })), ["id", "cluster", "state", "owner", "port", "reachedTime", "expiresAt", "protected"]);
}

export async function disasterRecovery(client: ApiClient, cluster: string, f: TargetFlags & { agent?: string; "target-dir"?: string; port?: string; pause?: boolean; wait?: boolean }, json: boolean) {
  if (!f.agent || !f["target-dir"] || !f.port) throw new CliError("USAGE", "tideline restore-dr CLUSTER (--to|--lsn|--name|--latest) --agent A --target-dir DIR --port P [--pause] [--wait]", 2);
  const r = await client.restore.disasterRecovery.mutate({ cluster, target: targetFrom(f), agent: f.agent, targetDir: f["target-dir"], port: Number(f.port), action: f.pause ? "pause" : "promote" });
  if (!f.wait) return json ? printJson(r) : void process.stdout.write(`restoring in job ${r.jobId}\n`);
  const job = await waitForJob(client, r.jobId, { quiet: json });
  if (job.state !== "succeeded") throw new CliError(job.error?.code ?? "RESTORE_FAILED", job.error?.message ?? "the restore failed");
  const out = { ...(job.result as object), user: r.user, password: r.password };
  if (json) return printJson(out);
  printTable([out as Record<string, unknown>], ["dataDir", "port", "reachedLsn", "reachedTime", "seconds", "bytesCopied", "user"]);
}

export async function drillRun(client: ApiClient, cluster: string, wait: boolean, json: boolean) {
  const r = await client.drills.run.mutate({ cluster });
  if (!wait) return json ? printJson(r) : void process.stdout.write(`drill ${r.drillId} running in job ${r.jobId}\n`);
  const job = await waitForJob(client, r.jobId, { quiet: json });
  const result = job.result as { passed: boolean } | null;
  if (json) return printJson({ ...r, state: job.state, result, error: job.error });
  process.stdout.write(`drill ${result?.passed ? "PASSED" : "FAILED"}\n`);
}

export type TableRestoreFlags = TargetFlags & {
  table?: string[];
  into?: string[];
  db?: string;
  database?: string;
  "into-database"?: string;
  replace?: boolean;
  wait?: boolean;
};

/** Tables (or a whole database) as they were at the target, loaded into the primary under new names. */
export async function restoreTable(client: ApiClient, cluster: string, f: TableRestoreFlags, json: boolean) {
  const target = targetFrom(f);
  const tables = f.table ?? [];
  const into = f.into ?? [];
  if (f.database && tables.length) throw new CliError("USAGE", "give --table (one or more) or --database NAME, not both", 2);
  if (!f.database && !tables.length) throw new CliError("USAGE", "give --table SCHEMA.NAME (one or more) or --database NAME", 2);
  if (into.length && into.length !== tables.length) throw new CliError("USAGE", "give one --into per --table, in the same order", 2);
  const started = performance.now();
  const r = await client.restore.table.mutate({
    cluster,
    target,
    timeline: f.timeline ? Number(f.timeline) : undefined,
    database: f.database ?? f.db ?? "postgres",
    tables: tables.map((t, i) => ({ table: t, ...(into[i] ? { into: into[i] } : {}) })),
    wholeDatabase: Boolean(f.database),
    intoDatabase: f["into-database"],
    replace: Boolean(f.replace),
  });
  const planned = r.tables.length ? r.tables.map((t) => `${t.from} → ${t.into}`).join(", ") : `database → ${r.intoDatabase}`;
  if (!f.wait) {
    if (json) return printJson(r);
    process.stdout.write(`restoring ${planned}: clone ${r.cloneId} is being created (job ${r.jobId}); follow with: tideline clones show ${r.cloneId}\n`);
    return;
  }
  const cloneJob = await waitForJob(client, r.jobId, { quiet: json });
  if (cloneJob.state !== "succeeded") throw new CliError(cloneJob.error?.code ?? "RESTORE_FAILED", cloneJob.error?.message ?? "the clone could not be made");
  // the load job is queued when the clone is ready
  let loadJobId: string | null = null;
  for (let i = 0; !loadJobId && i < 400; i++) {
    const clone = await client.clones.get.query({ id: r.cloneId });
    loadJobId = clone.followUp?.jobId ?? null;
    if (!loadJobId && clone.followUp?.state === "failed") throw new CliError(clone.followUp.error?.code ?? "TABLE_RESTORE_FAILED", clone.followUp.error?.message ?? "the table restore failed");
    if (!loadJobId) await new Promise((res) => setTimeout(res, 250));
  }
  if (!loadJobId) throw new CliError("TABLE_RESTORE_STUCK", `the load job for clone ${r.cloneId} was not queued`);
  const load = await waitForJob(client, loadJobId, { quiet: json });
  if (load.state !== "succeeded") throw new CliError(load.error?.code ?? "TABLE_RESTORE_FAILED", load.error?.message ?? "the load failed");
  const result = load.result as { tables: Array<{ from: string; into: string; rows: number }>; database: string; bytes: number; seconds: number };
  const out = { ...result, jobId: loadJobId, cloneId: r.cloneId, seconds: Math.round(((performance.now() - started) / 1000) * 100) / 100 };
  if (json) return printJson(out);
  if (result.tables.length) printTable(result.tables.map((t) => ({ ...t, rows: String(t.rows) })), ["from", "into", "rows"]);
  else process.stdout.write(`database restored as ${result.database}\n`);
  process.stdout.write(`${formatBytes(result.bytes)} copied in ${out.seconds} s; the clone is being destroyed\n`);
}

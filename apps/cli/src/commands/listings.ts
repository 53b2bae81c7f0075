// Read-only commands: agents, clusters, jobs, enrollment tokens.
import { setTimeout as sleep } from "node:timers/promises";
import type { ApiClient } from "@tideline/client";
import { printJson, printTable } from "../output";

export async function agentsList(client: ApiClient, json: boolean) {
  const agents = await client.agents.list.query();
  if (json) return printJson(agents);
  printTable(
    agents.map((a) => ({ ...a, state: a.connected ? "connected" : "disconnected", roles: a.roles.join(","), pools: a.pools.map((p) => p.name).join(",") })),
    ["name", "state", "hostname", "roles", "pools", "lastSeenAt", "id"],
  );
}

export async function clustersList(client: ApiClient, json: boolean) {
  const clusters = await client.clusters.list.query();
  if (json) return printJson(clusters);
  printTable(clusters.map((c) => ({ ...c, agent: c.agentName, points: c.restorePointCount })), ["name", "state", "agent", "port", "pgVersion", "mode", "points", "lastRestorePointAt"]);
}

export async function jobsList(client: ApiClient, json: boolean, filter: { state?: string; limit?: number }) {
  const jobs = await client.jobs.list.query({ state: filter.state as never, limit: filter.limit ?? 50 });
  if (json) return printJson(jobs);
  printTable(jobs.map((j) => ({ ...j, agent: j.agentName, progress: `${Math.round(j.progress * 100)}%` })), ["id", "kind", "state", "agent", "progress", "attempts", "createdAt", "finishedAt"]);
}

export async function jobsShow(client: ApiClient, id: string, json: boolean) {
  const job = await client.jobs.get.query({ id });
  if (json) return printJson(job);
  const { events, ...rest } = job;
  printTable([{ ...rest, agent: rest.agentName, progress: `${Math.round(rest.progress * 100)}%` }], ["id", "kind", "state", "agent", "progress", "attempts"]);
  if (job.error) process.stdout.write(`error: ${job.error.code}: ${job.error.message}\n`);
  process.stdout.write("\n");
  for (const e of events) process.stdout.write(`${e.at.toISOString()}  ${e.level.padEnd(5)}  ${e.message}\n`);
  for (const [title, facts] of [["request", job.facts.request], ["outcome", job.facts.outcome]] as const) {
    if (facts.length === 0) continue;
    const width = Math.max(...facts.map((f) => f.label.length));
    process.stdout.write(`\n${title}:\n${facts.map((f) => `  ${f.label.padEnd(width)}  ${f.value}\n`).join("")}`);
  }
}

/** Follow a job until it ends, drawing its progress on stderr (stdout stays clean for --json). */
export async function waitForJob(client: ApiClient, id: string, opts: { quiet?: boolean; timeoutMs?: number } = {}) {
  const deadline = Date.now() + (opts.timeoutMs ?? 24 * 3600_000);
  let lastEvent: string | undefined;
  for (;;) {
    const job = await client.jobs.get.query({ id, afterEventId: lastEvent });
    if (!opts.quiet) {
      for (const e of job.events) process.stderr.write(`  ${e.message}\n`);
    }
    if (job.events.length) lastEvent = job.events[job.events.length - 1]!.id;
    if (["succeeded", "failed", "cancelled"].includes(job.state)) return client.jobs.get.query({ id });
    if (Date.now() > deadline) return job;
    await sleep(250);
  }
}

export async function enrollTokenCreate(client: ApiClient, json: boolean, ttlMinutes?: number) {
  const t = await client.agents.createEnrollmentToken.mutate({ ttlMinutes });
  if (json) return printJson(t);
  process.stdout.write(`enrollment token (valid until ${t.expiresAt.toISOString()}, usable once):\n\n  ${t.token}\n\non the new host run:\n\n  ${t.installCommand}\n`);
}

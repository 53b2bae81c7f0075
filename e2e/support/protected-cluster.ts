// The cluster the "protected" specs work on (added through the console by
// fleet/add-cluster.setup.ts), and helpers around it: marker rows written to the primary at
// known times, restore points taken through the API, and waiting for the archive to hold them.
import type { ApiClient } from "@tideline/client";
import { waitFor } from "@tideline/testkit";
import pg from "pg";
import type { Stack } from "./stack";

export const CLUSTER = "e2e-main";

/** testkit's waitFor with the patience a browser-driven stack needs. */
export function waitUntil<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  return waitFor(what, fn, timeoutMs, everyMs);
}

export async function waitForJob(api: ApiClient, jobId: string, timeoutMs = 90_000) {
  const job = await waitUntil(
    `job ${jobId} to finish`,
    async () => {
      const j = await api.jobs.get.query({ id: jobId });
      return ["succeeded", "failed", "cancelled"].includes(j.state) ? j : null;
    },
    timeoutMs,
  );
  if (job.state !== "succeeded") {
    throw new Error(
      `job ${jobId} (${job.kind}) ${job.state}: ${JSON.stringify(job.error)} ${JSON.stringify(job.events.slice(-5))}`,
    );
  }
  return job;
}

/** Protected and reporting its health. */
export async function waitProtected(api: ApiClient, timeoutMs = 120_000) {
  return waitUntil(
    `cluster ${CLUSTER} to be protected and report its health`,
    async () => {
      const c = await api.clusters.get.query({ cluster: CLUSTER });
      if (c.state === "error") throw new Error(`cluster ${CLUSTER} is in error: ${JSON.stringify(c.health)}`);
      return c.state === "protected" && c.health ? c : null;
    },
    timeoutMs,
  );
}

export async function takeRestorePoint(api: ApiClient) {
  const { jobId } = await api.restorePoints.create.mutate({ cluster: CLUSTER, kind: "snapshot" });
  await waitForJob(api, jobId);
  const points = await api.restorePoints.list.query({ cluster: CLUSTER });
  return points[points.length - 1]!;
}

export function primaryClient(stack: Stack): pg.Client {
  return new pg.Client({
    host: stack.primary.socketDir,
    port: stack.primary.port,
    user: "postgres",
    database: "postgres",
  });
}

export interface Marker {
  id: number;
  /** clock_timestamp() at the insert, as epoch ms (the commit follows within milliseconds). */
  at: number;
}

/** Inserts a marker row in its own transaction and returns when it was written. */
export async function insertMarker(db: pg.Client, id: number): Promise<Marker> {
  const r = await db.query<{ t: Date }>("INSERT INTO marks (id) VALUES ($1) RETURNING t", [id]);
  return { id, at: r.rows[0]!.t.getTime() };
}

/** Waits until the archive holds WAL committed at or after `at` (the window's end passed it). */
export async function waitWindowEnd(api: ApiClient, at: number, timeoutMs = 60_000) {
  return waitUntil(
    "the recoverable window to reach the last commit",
    async () => {
      const w = await api.clusters.window.query({ cluster: CLUSTER });
      const to = w.timelines[w.timelines.length - 1]?.to;
      return to && Date.parse(to.replace(/(\.\d{3})\d+/, "$1")) >= at ? w : null;
    },
    timeoutMs,
  );
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

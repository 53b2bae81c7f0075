// Adding a cluster: validate what the DBA asked for, record the cluster, and start the chain
// check → protect on the storage agent (continued by the job result handlers).
import { DEFAULT_SNAPSHOT_WAL_BYTES, parseSchedule } from "@tideline/core";
import { ZIdent, type TDiscoveredCluster, type TProtection } from "@tideline/protocol";
import { audit } from "../audit/audit";
import type { Caller } from "../context";
import type { Services } from "../context";
import { AppError } from "../errors";
import { createJob } from "../jobs/create-job";
import { snapshotWalBytes } from "./snapshot-wal";

export interface AddClusterInput {
  name: string;
  agent: string;
  pgdata?: string;
  port?: number;
  storage: string;
  replicationConninfo?: string;
  mode: "replica" | "shared";
  snapshotEvery: string;
  /** IANA zone the cron schedules are read in (UTC when not given). */
  timeZone?: string;
  snapshotWal?: string;
  sharedDataset?: string;
  retention?: Record<string, number>;
  compression?: string;
  dedup?: boolean;
  recordsize?: string;
}

async function agentNamed(c: Services, nameOrId: string) {
  const a = await c.db.agent.findFirst({ where: { OR: [{ id: nameOrId }, { name: nameOrId }] } });
  if (!a) throw new AppError("AGENT_NOT_FOUND", `no agent named ${nameOrId}; see \`tideline agents list\``);
  return a;
}

export async function addCluster(c: Services, caller: Caller, input: AddClusterInput) {
  if (!ZIdent.safeParse(input.name).success) throw new AppError("INVALID_NAME", `cluster name "${input.name}" may use lowercase letters, digits, - and _ only`);
  if (await c.db.cluster.findUnique({ where: { name: input.name } })) throw new AppError("CLUSTER_EXISTS", `a cluster named ${input.name} exists already`);
  try {
    parseSchedule(input.snapshotEvery, input.timeZone);
  } catch (err) {
    const e = err as Error & { code?: string };
    const code = e.code === "INVALID_TIME_ZONE" ? "INVALID_TIME_ZONE" : "INVALID_SCHEDULE";
    throw new AppError(code, e.message.replace(/^INVALID_(SCHEDULE|TIME_ZONE): /, ""));
  }
  const walBytes = input.snapshotWal === undefined ? DEFAULT_SNAPSHOT_WAL_BYTES : snapshotWalBytes(input.snapshotWal);
  const dbAgent = await agentNamed(c, input.agent);
  const [storageAgentName, poolName, extra] = input.storage.split("/");
  if (!storageAgentName || !poolName || extra !== undefined) throw new AppError("INVALID_STORAGE", `--storage takes AGENT/POOL, e.g. ${dbAgent.name}/tank; see \`tideline storage list\``);
  const storageAgent = await agentNamed(c, storageAgentName);
  const pool = await c.db.storagePool.findUnique({ where: { agentId_name: { agentId: storageAgent.id, name: poolName } } });
  if (!pool) {
    const pools = await c.db.storagePool.findMany({ where: { agentId: storageAgent.id } });
    throw new AppError("POOL_NOT_FOUND", `agent ${storageAgent.name} has no pool ${poolName}; it offers: ${pools.map((p) => p.name).join(", ") || "none"}`);
  }
  if (input.mode === "shared" && storageAgent.id !== dbAgent.id) {
    throw new AppError("SHARED_NEEDS_STORAGE_HOST", "mode shared protects a cluster whose data directory is a dataset of the storage host: run it there (database agent = storage agent)");
  }
  const discovered = (dbAgent.discoveredClusters as TDiscoveredCluster[]).find(
    (d) => (input.pgdata && d.pgdata === input.pgdata) || (!input.pgdata && input.port && d.port === input.port),
  );
  const pgdata = input.pgdata ?? discovered?.pgdata;
  const port = input.port ?? discovered?.port ?? undefined;
  if (!pgdata || !port) throw new AppError("CLUSTER_UNKNOWN", `give --pgdata and --port, or the port of a cluster agent ${dbAgent.name} found (${(dbAgent.discoveredClusters as TDiscoveredCluster[]).map((d) => `${d.pgdata}:${d.port}`).join(", ") || "none"})`);
  const host = storageAgent.id === dbAgent.id ? (discovered?.socketDir ?? "127.0.0.1") : (dbAgent.address ?? dbAgent.hostname);
  const conninfo = input.replicationConninfo ?? `host=${host} port=${port} user=postgres dbname=postgres`;

  const cluster = await c.db.cluster.create({
    data: {
      name: input.name,
      agentId: dbAgent.id,
      storageAgentId: storageAgent.id,
      storagePoolId: pool.id,
      pgdata,
      port,
      pgVersion: discovered?.version ?? null,
      systemIdentifier: discovered?.systemIdentifier ?? null,
      mode: input.mode,
      replicationConninfo: conninfo,
      snapshotSchedule: input.snapshotEvery,
      scheduleTimeZone: input.timeZone ?? "UTC",
      snapshotWalBytes: BigInt(walBytes),
      retention: input.retention ?? {},
      sharedDataset: input.sharedDataset ?? null,
      state: "checking",
      // only what the DBA set for this cluster; the rest is inherited from the pool (`tideline storage set`)
      protection: { compression: input.compression ?? null, dedup: input.dedup ?? null, recordsize: input.recordsize ?? null },
    },
  });
  const job = await createJob(c.pool, c.bus, {
    kind: "cluster.check",
    agentId: storageAgent.id,
    clusterId: cluster.id,
    payload: { primary: primaryOf(cluster), mode: input.mode },
    createdById: caller.id,
    maxAttempts: 1,
  });
  await audit(c, caller, "cluster.add", { clusterId: cluster.id, target: cluster.name, details: { agent: dbAgent.name, storage: input.storage, mode: input.mode, schedule: input.snapshotEvery, timeZone: input.timeZone ?? "UTC", snapshotWalBytes: walBytes } });
  await c.bus.publish({ entity: "cluster", id: cluster.id, clusterId: cluster.id, state: "checking" });
  return { clusterId: cluster.id, jobId: job.id };
}

interface ClusterRow {
  id: string;
  name: string;
  pgdata: string;
  port: number;
  pgVersion: number | null;
  replicationConninfo: string | null;
  mode: string;
  sharedDataset: string | null;
  protection: unknown;
  storagePool?: { name: string; driver: string } | null;
}

export function primaryOf(cl: ClusterRow) {
  return { conninfo: cl.replicationConninfo ?? `host=127.0.0.1 port=${cl.port} user=postgres dbname=postgres`, port: cl.port, pgdata: cl.pgdata, version: cl.pgVersion };
}

export function protectionPayload(cl: ClusterRow & { storagePool: { name: string; driver: string } }): TProtection {
  const p = (cl.protection ?? {}) as { compression?: string | null; dedup?: boolean | null; recordsize?: string | null };
  return {
    clusterId: cl.id,
    cluster: cl.name,
    mode: cl.mode as "replica" | "shared",
    primary: primaryOf(cl),
    pool: { name: cl.storagePool.name, driver: cl.storagePool.driver as TProtection["pool"]["driver"] },
    sharedDataset: cl.sharedDataset ?? undefined,
    compression: p.compression ?? undefined,
    dedup: p.dedup ?? undefined,
    recordsize: p.recordsize ?? undefined,
  };
}

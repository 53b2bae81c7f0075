// Table-level restore: a clone at the target (restore-to-clone.ts), then, once it is ready, a
// table.restore job on the cluster's database agent that dumps the chosen tables (or a whole
// database) from the clone and loads them into the running primary under new names; the clone is
// destroyed when that job ends. The request rides on the clone (`follow_up`, no secrets) between
// the two jobs.
import { ZSqlName, type TRestoreTarget } from "@tideline/protocol";
import { z } from "zod";
import type { Caller, Services } from "../context";
import { AppError } from "../errors";
import { createJob } from "../jobs/create-job";
import { destroyCloneById, restoreToClone } from "./restore-to-clone";

export const ZTableRestoreRequest = z.object({
  kind: z.literal("table-restore"),
  database: ZSqlName,
  tables: z.array(z.object({ schema: ZSqlName, name: ZSqlName, intoSchema: ZSqlName, intoName: ZSqlName })),
  wholeDatabase: z.boolean(),
  intoDatabase: ZSqlName,
  replace: z.boolean(),
});

/** The request, and once the clone is ready the job that loads it and how that ended. */
export const ZTableRestoreFollowUp = ZTableRestoreRequest.extend({
  state: z.enum(["waiting-for-clone", "loading", "succeeded", "failed"]),
  jobId: z.string().nullable(),
  result: z.unknown().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type TTableRestoreFollowUp = z.infer<typeof ZTableRestoreFollowUp>;

/** "schema.name" or "name" (schema public), each part a plain SQL name. */
export function parseTableName(s: string, what: string): { schema: string; name: string } {
  const parts = s.split(".");
  const [schema, name] =
    parts.length === 1 ? ["public", parts[0]!] : parts.length === 2 ? [parts[0]!, parts[1]!] : [null, null];
  if (!schema || !name || !ZSqlName.safeParse(schema).success || !ZSqlName.safeParse(name).success) {
    throw new AppError(
      "INVALID_TABLE_NAME",
      `${what} ${JSON.stringify(s)} is not SCHEMA.NAME or NAME of plain SQL names (letters, digits, _ and $)`,
    );
  }
  return { schema, name };
}

export async function restoreTables(
  c: Services,
  caller: Caller,
  input: {
    clusterId: string;
    target: TRestoreTarget;
    timeline?: number;
    database: string;
    tables: Array<{ table: string; into?: string }>;
    wholeDatabase: boolean;
    intoDatabase?: string;
    replace: boolean;
  },
) {
  if (input.wholeDatabase === input.tables.length > 0) {
    throw new AppError(
      "INVALID_TABLE_RESTORE",
      "give tables to restore, or a whole database, not both and not neither",
    );
  }
  const tables = input.tables.map((t) => {
    const from = parseTableName(t.table, "table");
    const into = t.into
      ? parseTableName(t.into, "--into")
      : { schema: from.schema, name: `${from.name}_restored`.slice(0, 63) };
    return { ...from, intoSchema: into.schema, intoName: into.name };
  });
  const intoDatabase =
    input.intoDatabase ?? (input.wholeDatabase ? `${input.database}_restored`.slice(0, 63) : input.database);
  const cluster = await c.db.cluster.findUniqueOrThrow({ where: { id: input.clusterId } });
  if (input.wholeDatabase && intoDatabase === input.database) {
    throw new AppError(
      "INVALID_TABLE_RESTORE",
      `a whole database is restored under another name than ${input.database} (--into-database)`,
    );
  }
  const followUp: TTableRestoreFollowUp = {
    kind: "table-restore",
    database: input.database,
    tables,
    wholeDatabase: input.wholeDatabase,
    intoDatabase,
    replace: input.replace,
    state: "waiting-for-clone",
    jobId: null,
  };
  ZTableRestoreFollowUp.parse(followUp);
  const r = await restoreToClone(c, caller, {
    clusterId: cluster.id,
    target: input.target,
    timeline: input.timeline,
    ttl: "4h",
    purpose: "table-restore",
    followUp,
  });
  return {
    ...r,
    tables: tables.map((t) => ({
      from: `${t.schema}.${t.name}`,
      into: `${intoDatabase}.${t.intoSchema}.${t.intoName}`,
    })),
    intoDatabase,
  };
}

/** The clone is ready: queue the load on the cluster's database agent. */
export async function startTableLoad(
  c: Services,
  clone: {
    id: string;
    clusterId: string;
    host: string | null;
    port: number | null;
    loginUser: string | null;
    loginPassword: string | null;
    followUp: unknown;
  },
) {
  const f = ZTableRestoreFollowUp.parse(clone.followUp);
  const cluster = await c.db.cluster.findUniqueOrThrow({ where: { id: clone.clusterId } });
  if (!clone.host || !clone.port || !clone.loginUser || !clone.loginPassword)
    throw new AppError("CLONE_NOT_READY", `clone ${clone.id} has no connection details`);
  const job = await createJob(c.pool, c.bus, {
    kind: "table.restore",
    agentId: cluster.agentId,
    clusterId: cluster.id,
    payload: {
      cloneId: clone.id,
      clusterId: cluster.id,
      cluster: cluster.name,
      primary: { pgdata: cluster.pgdata, port: cluster.port, version: cluster.pgVersion ?? null },
      source: { host: clone.host, port: clone.port, user: clone.loginUser, password: clone.loginPassword },
      database: f.database,
      tables: f.tables,
      wholeDatabase: f.wholeDatabase,
      intoDatabase: f.intoDatabase,
      replace: f.replace,
    },
    idempotencyKey: `table-restore:${clone.id}`,
    maxAttempts: 1,
  });
  await c.db.clone.update({
    where: { id: clone.id },
    data: { followUp: { ...f, state: "loading", jobId: job.id } as object },
  });
  await c.bus.publish({ entity: "clone", id: clone.id, clusterId: clone.clusterId, state: "ready" });
}

/** The load ended (or the clone could not be made): record how, and destroy the clone. */
export async function finishTableLoad(
  c: Services,
  cloneId: string,
  outcome: { result: unknown } | { error: { code: string; message: string } },
) {
  const clone = await c.db.clone.findUnique({ where: { id: cloneId } });
  if (!clone?.followUp) return;
  const f = ZTableRestoreFollowUp.parse(clone.followUp);
  const done: TTableRestoreFollowUp =
    "result" in outcome
      ? { ...f, state: "succeeded", result: outcome.result }
      : { ...f, state: "failed", error: outcome.error };
  await c.db.clone.update({ where: { id: cloneId }, data: { followUp: done as object } });
  if (clone.state === "ready")
    await destroyCloneById(c, null, cloneId, "table restore finished").catch((err: Error) =>
      c.log.warn("could not destroy the table restore's clone", { cloneId, error: err.message }),
    );
  await c.bus.publish({ entity: "clone", id: cloneId, clusterId: clone.clusterId, state: clone.state });
}

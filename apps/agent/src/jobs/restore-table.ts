// table.restore (database agent): tables, or a whole database, from a clone at the target into the
// running primary under new names. The clone is throwaway, so the renaming happens there: each
// table moves to its new schema and name, and its indexes and owned sequences take names derived
// from the new table name, so nothing collides with the original if it still exists. Then
// pg_dump from the clone and pg_restore into the primary in one transaction, as the service user
// over the primary's local socket. Nothing existing is overwritten unless `replace` is given.
import { chown, rm, stat } from "node:fs/promises";
import path from "node:path";
import { formatBytes } from "@tideline/core";
import { asServiceUser, findBinDir, makeTempDir, resolveServiceUser, run } from "@tideline/postgres";
import type { TJobPayload, TJobResult } from "@tideline/protocol";
import { readPostmasterPid } from "../pg/postmaster";
import { clientEnv, connArgs, type LocalTarget, psqlExec, psqlRows, sqlLiteral } from "../pg/psql";
import { JobError, type JobContext } from "./job-context";

type Payload = TJobPayload<"table.restore">;

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;
const qualified = (schema: string, name: string) => `${ident(schema)}.${ident(name)}`;

/** A name derived from the new table's name, within PostgreSQL's 63 bytes. */
export function derivedName(oldTable: string, newTable: string, objectName: string): string {
  const rest = objectName.startsWith(`${oldTable}_`) ? objectName.slice(oldTable.length) : `_${objectName}`;
  return `${newTable}${rest}`.slice(0, 63);
}

export async function restoreTable(ctx: JobContext, p: Payload): Promise<TJobResult<"table.restore">> {
  const started = performance.now();
  const binDir = findBinDir(p.primary.version ?? undefined);
  const pm = await readPostmasterPid(p.primary.pgdata);
  if (!pm) throw new JobError("CLUSTER_NOT_RUNNING", `the primary in ${p.primary.pgdata} is not running`);
  const primary = (database: string): LocalTarget => ({
    port: pm.port,
    host: pm.socketDir ?? undefined,
    binDir,
    database,
  });
  const clone = (database: string): LocalTarget => ({
    host: p.source.host,
    port: p.source.port,
    user: p.source.user,
    password: p.source.password,
    binDir,
    database,
  });

  // refuse before touching anything: what must exist on the clone, and must not on the primary
  const databases = await psqlRows<{ datname: string }>(
    primary("postgres"),
    "SELECT datname FROM pg_database",
  );
  const has = (db: string) => databases.some((d) => d.datname === db);
  if (!p.wholeDatabase && !has(p.intoDatabase))
    throw new JobError(
      "DATABASE_NOT_FOUND",
      `the primary has no database ${p.intoDatabase} to load the tables into`,
    );
  if (p.wholeDatabase && has(p.intoDatabase) && !p.replace) {
    throw new JobError(
      "DATABASE_EXISTS",
      `the primary already has a database ${p.intoDatabase}; choose another name, or give --replace to drop and replace it`,
    );
  }
  for (const t of p.tables) {
    const [found] = await psqlRows<{ ok: boolean }>(
      clone(p.database),
      `SELECT to_regclass(${sqlLiteral(qualified(t.schema, t.name))}) IS NOT NULL AS ok`,
    );
    if (!found?.ok)
      throw new JobError(
        "TABLE_NOT_FOUND",
        `${t.schema}.${t.name} did not exist in database ${p.database} at the target`,
      );
    const [taken] = await psqlRows<{ ok: boolean }>(
      primary(p.intoDatabase),
      `SELECT to_regclass(${sqlLiteral(qualified(t.intoSchema, t.intoName))}) IS NOT NULL AS ok`,
    );
    if (taken?.ok && !p.replace) {
      throw new JobError(
        "TABLE_EXISTS",
        `${t.intoSchema}.${t.intoName} already exists on the primary; choose another name with --into, or give --replace to replace it`,
      );
    }
  }

  // on the clone: each table under its new schema and name, its indexes and sequences renamed
  ctx.progress(0.1, { message: `renaming ${p.tables.length} table(s) on the clone` });
  for (const t of p.tables) {
    if (t.schema === t.intoSchema && t.name === t.intoName) continue;
    const objects = await psqlRows<{ kind: string; schema: string; name: string }>(
      clone(p.database),
      `SELECT 'index' AS kind, n.nspname AS schema, i.relname AS name
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
        WHERE x.indrelid = ${sqlLiteral(qualified(t.schema, t.name))}::regclass
       UNION ALL
       SELECT 'sequence', n.nspname, s.relname
         FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' JOIN pg_namespace n ON n.oid = s.relnamespace
        WHERE d.refobjid = ${sqlLiteral(qualified(t.schema, t.name))}::regclass AND d.deptype IN ('a', 'i')`,
    );
    const steps = [`CREATE SCHEMA IF NOT EXISTS ${ident(t.intoSchema)}`];
    for (const o of objects) {
      const kind = o.kind === "index" ? "INDEX" : "SEQUENCE";
      steps.push(
        `ALTER ${kind} ${qualified(o.schema, o.name)} RENAME TO ${ident(derivedName(t.name, t.intoName, o.name))}`,
      );
    }
    if (t.schema !== t.intoSchema)
      steps.push(`ALTER TABLE ${qualified(t.schema, t.name)} SET SCHEMA ${ident(t.intoSchema)}`);
    if (t.name !== t.intoName)
      steps.push(`ALTER TABLE ${qualified(t.intoSchema, t.name)} RENAME TO ${ident(t.intoName)}`);
    await psqlExec(clone(p.database), `BEGIN;\n${steps.join(";\n")};\nCOMMIT;`);
  }

  const dir = await makeTempDir("tideline-table-restore-");
  const svc = asServiceUser(resolveServiceUser());
  // the dump is written and read by the service user's pg_dump and pg_restore
  await chown(dir, svc.uid ?? 0, svc.gid ?? 0);
  const dump = path.join(dir, "dump.custom");
  try {
    ctx.progress(0.3, {
      message: p.wholeDatabase
        ? `dumping database ${p.database} from the clone`
        : `dumping ${p.tables.map((t) => `${t.intoSchema}.${t.intoName}`).join(", ")} from the clone`,
    });
    const dumpArgs = ["-Fc", "-f", dump, ...connArgs(clone(p.database))];
    for (const t of p.wholeDatabase ? [] : p.tables) dumpArgs.push("-t", qualified(t.intoSchema, t.intoName));
    const d = await run(path.join(binDir, "pg_dump"), dumpArgs, {
      ...svc,
      env: clientEnv(clone(p.database), svc.env),
      allowFail: true,
      timeoutMs: 6 * 3600_000,
    });
    if (d.code !== 0)
      throw new JobError("DUMP_FAILED", `pg_dump from the clone failed: ${d.stderr.trim().slice(-1500)}`);
    const { size } = await stat(dump);
    ctx.log("info", `dump written: ${formatBytes(size)}`);

    ctx.progress(0.6, { message: `loading into ${p.intoDatabase} on the primary` });
    if (p.wholeDatabase) {
      if (has(p.intoDatabase))
        await psqlExec(primary("postgres"), `DROP DATABASE ${ident(p.intoDatabase)} WITH (FORCE)`);
      await psqlExec(primary("postgres"), `CREATE DATABASE ${ident(p.intoDatabase)} TEMPLATE template0`);
    } else {
      for (const schema of new Set(p.tables.map((t) => t.intoSchema)))
        await psqlExec(primary(p.intoDatabase), `CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
    }
    const restoreArgs = [
      "--single-transaction",
      "--exit-on-error",
      ...(p.replace && !p.wholeDatabase ? ["--clean", "--if-exists"] : []),
      ...connArgs(primary(p.intoDatabase)),
      dump,
    ];
    const r = await run(path.join(binDir, "pg_restore"), restoreArgs, {
      ...svc,
      allowFail: true,
      timeoutMs: 6 * 3600_000,
    });
    if (r.code !== 0)
      throw new JobError(
        "LOAD_FAILED",
        `pg_restore into the primary failed (nothing was loaded: it ran in one transaction): ${r.stderr.trim().slice(-1500)}`,
      );

    ctx.progress(0.9, { message: "counting rows" });
    const tables: TJobResult<"table.restore">["tables"] = [];
    for (const t of p.tables) {
      const [c] = await psqlRows<{ n: number }>(
        primary(p.intoDatabase),
        `SELECT count(*)::int AS n FROM ${qualified(t.intoSchema, t.intoName)}`,
      );
      tables.push({
        from: `${t.schema}.${t.name}`,
        into: `${p.intoDatabase}.${t.intoSchema}.${t.intoName}`,
        rows: c?.n ?? 0,
      });
      ctx.log("info", `${t.schema}.${t.name} → ${t.intoSchema}.${t.intoName}: ${c?.n ?? 0} rows`);
    }
    return { tables, database: p.intoDatabase, bytes: size, seconds: (performance.now() - started) / 1000 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

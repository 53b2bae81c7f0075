#!/usr/bin/env node
// `tideline`: everything the console does, for people and scripts (`--json`). Parsing, per-command
// `--help` and shell completion come from yargs; the commands are the table below. Built into
// one file (dist/tideline.mjs, see scripts/build.mjs) so that a call answers in a fraction of a
// second; `start` and `agent run`, which need the coordinator and agent, run from source.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import yargs, { type Argv, type Options } from "yargs";
import { hideBin } from "yargs/helpers";
import { events } from "./commands/events";
import { agentsList, clustersList, enrollTokenCreate, jobsList, jobsShow, waitForJob } from "./commands/listings";
import { clustersAdd, clustersShow, restorePointsList, retention, snapshot, storageList, windowShow } from "./commands/protection";
import { clonesList, disasterRecovery, drillRun, restore, restoreTable, targetFrom } from "./commands/restore";
import { tokensCreate, usersCreate, usersList } from "./commands/users";
import { connect } from "./connection";
import { CliError, describeError, printJson } from "./output";

const START_MODULE = "./commands/start.ts";
const AGENT_MODULE = "@tideline/agent";
const SOURCE_MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../src/main.ts");
const BUILT = path.basename(fileURLToPath(import.meta.url)) === "tideline.mjs";

interface OptionSpec {
  type: "string" | "boolean";
  default?: string | boolean;
  multiple?: boolean;
}

interface Spec {
  options?: Record<string, OptionSpec>;
  /** Talks to a coordinator: takes the connection options and --json. */
  api?: boolean;
  /** Long-running (start, agent run): the built CLI hands these to the source. */
  process?: boolean;
  run: (ctx: { values: Record<string, unknown>; positionals: string[] }) => Promise<void>;
}

const CONNECTION: Record<string, OptionSpec> = {
  url: { type: "string" },
  token: { type: "string" },
  "data-dir": { type: "string" },
  ca: { type: "string" },
  json: { type: "boolean", default: false },
};

/** What each command does, and its positional arguments, for `--help` and completion. */
const META: Record<string, [string, string[]?]> = {
  start: ["Run Tideline here: inventory PostgreSQL, coordinator, console and a local agent (Ctrl-C stops it)"],
  "agent run": ["Run an agent on this host (enroll it once with --enroll-token)"],
  "enroll-token create": ["A one-time token for enrolling an agent, with the command to run on the new host"],
  "agents list": ["Agents, their roles, pools and connection state"],
  "clusters list": ["Protected clusters and their state"],
  "clusters add": ["Protect a cluster: check it, then stream its WAL, seed the shadow replica, take restore points"],
  "clusters show": ["One cluster: settings, health and problems with their fixes", ["cluster"]],
  "clusters update": ["Change a cluster's restore-point cadence or retention", ["cluster"]],
  "clusters remove": ["Stop protecting a cluster (--destroy-data removes its datasets too)", ["cluster"]],
  "jobs list": ["Jobs, newest first"],
  "jobs show": ["One job: state, progress, its event log, what was asked and what came of it", ["id"]],
  "storage list": ["Storage pools: driver, size, free space, compression and the ratio achieved"],
  "storage set": ["Set a pool's compression, dedup or recordsize (inherited by every cluster on it)", ["pool"]],
  window: ["The recoverable window of a cluster, per timeline, with its gaps", ["cluster"]],
  snapshot: ["Take a restore point now", ["cluster"]],
  "backup create": ["Take a full base backup as a restore point", ["cluster"]],
  "restore-points list": ["A cluster's restore points: LSN, redo LSN, time, size", ["cluster"]],
  retention: ["What the retention policy keeps and prunes (--dry-run: only show it)", ["cluster"]],
  restore: ["Restore to a time, LSN, transaction, named point, restore point or the latest: a running clone (--dry-run: the plan only)", ["cluster"]],
  "restore-table": ["Tables (or a whole database) as they were at a target, loaded into the running primary under new names", ["cluster"]],
  "restore-dr": ["Disaster recovery: a full copy recovered into an empty directory on an agent", ["cluster"]],
  events: ["What the archived WAL says happened between --from and --to: commits, aborts, drops, truncates, restore points (find the moment to restore to just before)", ["cluster"]],
  "clones list": ["Clones: owner, target, state, address, time left"],
  "clones destroy": ["Destroy a clone and its dataset", ["id"]],
  "clones extend": ["Give a clone more time (--ttl 4h)", ["id"]],
  "clones protect": ["Keep a clone whatever its TTL", ["id"]],
  "clones unprotect": ["Let a clone expire again", ["id"]],
  "clones reset": ["The same clone (address, password) recovered to another moment", ["id"]],
  "clones copy": ["A clone of a clone: its current data, changes included, as a new clone", ["id"]],
  "drills run": ["A restore drill now: clone, check, destroy", ["cluster"]],
  "users create": ["Create a user (admin): NAME or EMAIL, --role viewer|operator|admin", ["name"]],
  "users list": ["Users and their roles (admin)"],
  "tokens create": ["An API token for yourself, or for --user (admin); shown once"],
};

const GROUPS: Record<string, string> = {
  agent: "Run an agent",
  "enroll-token": "Enrollment tokens for new agents",
  agents: "Agents",
  clusters: "Protected clusters",
  jobs: "Jobs",
  storage: "Storage pools",
  backup: "Base backups",
  "restore-points": "Restore points",
  clones: "Clones made by restores",
  drills: "Restore drills",
  users: "Users",
  tokens: "API tokens",
};

const OPTION_HELP: Record<string, string> = {
  url: "coordinator URL (or TIDELINE_URL; found by itself next to a running `tideline start`)",
  token: "API token (or TIDELINE_TOKEN)",
  "data-dir": "the data folder of a `tideline start` instance",
  ca: "CA file (PEM) the coordinator's TLS certificate is verified against (or TIDELINE_CA)",
  "tls-cert": "serve HTTPS and wss:// with this certificate (PEM); agents then connect with --ca",
  "tls-key": "the certificate's private key (PEM)",
  json: "exactly one JSON document on stdout; errors as {\"error\":{\"code\",\"message\"}}",
  wait: "wait until the job ends, showing its progress on stderr",
  "dry-run": "only show what would happen",
  to: "target time, with its zone (e.g. '2026-11-21 10:00:00+01')",
  lsn: "target LSN (e.g. 0/3000148)",
  latest: "the end of the archived WAL",
  xid: "target transaction id: its commit (or abort); 32-bit, or epoch-qualified as pg_current_xact_id() prints it",
  immediate: "a restore point itself, consistent and nothing more (the newest, or --restore-point ID)",
  "restore-point": "restore exactly this restore point (its LSN, nothing replayed past it)",
  exclusive: "stop just before the target (time, LSN or xid) instead of just after it",
  name: "a restore point name made with pg_create_restore_point()",
  table: "a table to restore, SCHEMA.NAME (repeat for more)",
  into: "its new name on the primary, SCHEMA.NAME (one per --table; default NAME_restored)",
  db: "the database the tables are in (default postgres)",
  database: "restore this whole database instead of tables (as NAME_restored, or --into-database)",
  "into-database": "load into this database on the primary",
  replace: "replace an existing table or database of that name (otherwise refused)",
  ttl: "lifetime of the clone (e.g. 4h, 2d)",
  "snapshot-every": "restore point cadence: 15m, 1h or a cron expression",
  "snapshot-wal": "also a restore point every this much WAL (256MB, 1GiB, off)",
  "clone-idle": "destroy clones with no client connected for this long (30m, 2h; off), unless protected",
  synchronous: "zero-loss mode on|off: commits on the primary wait until their WAL is fsynced on the storage host",
  "time-zone": "IANA zone the cron schedules are read in (Europe/Berlin; default UTC)",
  retention: "e.g. keepLast=10,hourly=24,daily=7,weekly=4,monthly=6,windowDays=14",
  from: "start of the range, with its zone (e.g. '2026-11-21 10:00:00+01'); events take --to as its end",
  destructive: "only drops, truncates, rewrites, dropped databases and restore points",
  limit: "at most this many rows (events: the oldest 1000 by default, and says when there were more)",
};

/** Where to restore to: the same flags for restore and restore-dr (see commands/restore.ts targetFrom). */
const TARGET_OPTIONS: Record<string, OptionSpec> = {
  to: { type: "string" },
  lsn: { type: "string" },
  xid: { type: "string" },
  name: { type: "string" },
  immediate: { type: "boolean" },
  "restore-point": { type: "string" },
  latest: { type: "boolean" },
  exclusive: { type: "boolean" },
  timeline: { type: "string" },
};

function withApi(options: Record<string, OptionSpec>, run: Spec["run"]): Spec {
  return { options, api: true, run };
}

let jsonMode = false;
const api = (v: Record<string, unknown>) => connect(v as never).client;

const commands: Record<string, Spec> = {
  start: {
    options: { "data-dir": { type: "string" }, "console-port": { type: "string" }, "coordinator-port": { type: "string" }, "no-console": { type: "boolean" }, "no-demo": { type: "boolean" }, "no-btrfs": { type: "boolean" }, "tls-cert": { type: "string" }, "tls-key": { type: "string" } },
    process: true,
    run: async ({ values }) => {
      // the non-literal specifier keeps the coordinator, Prisma and PostgreSQL helpers out of the built CLI
      const { startTideline } = (await import(START_MODULE)) as typeof import("./commands/start");
      await startTideline({
        dataDir: values["data-dir"] as string | undefined,
        consolePort: values["console-port"] ? Number(values["console-port"]) : undefined,
        coordinatorPort: values["coordinator-port"] ? Number(values["coordinator-port"]) : undefined,
        console: !values["no-console"],
        demo: !values["no-demo"],
        btrfs: !values["no-btrfs"],
        ...(values["tls-cert"] || values["tls-key"] ? { tls: { certFile: need(values["tls-cert"] as string | undefined, "--tls-cert FILE with --tls-key"), keyFile: need(values["tls-key"] as string | undefined, "--tls-key FILE with --tls-cert") } } : {}),
      });
    },
  },
  "agent run": {
    options: { coordinator: { type: "string" }, "enroll-token": { type: "string" }, ca: { type: "string" }, "data-dir": { type: "string", default: "/var/lib/tideline-agent" }, name: { type: "string" }, roles: { type: "string" }, pgdata: { type: "string", multiple: true } },
    process: true,
    run: async ({ values }) => {
      const { runAgent } = (await import(AGENT_MODULE)) as typeof import("@tideline/agent");
      await runAgent({ coordinatorUrl: values.coordinator as string | undefined, enrollToken: values["enroll-token"] as string | undefined, caFile: values.ca as string | undefined, dataDir: values["data-dir"] as string, name: values.name as string | undefined, roles: values.roles as string | undefined, pgdata: values.pgdata as string[] | undefined });
      await new Promise(() => {}); // runs until a signal
    },
  },
  "enroll-token create": withApi({ "ttl-minutes": { type: "string" } }, ({ values }) =>
    enrollTokenCreate(api(values), Boolean(values.json), values["ttl-minutes"] ? Number(values["ttl-minutes"]) : undefined),
  ),
  "agents list": withApi({}, ({ values }) => agentsList(api(values), Boolean(values.json))),
  "clusters list": withApi({}, ({ values }) => clustersList(api(values), Boolean(values.json))),
  "jobs list": withApi({ state: { type: "string" }, limit: { type: "string" } }, ({ values }) =>
    jobsList(api(values), Boolean(values.json), { state: values.state as string | undefined, limit: values.limit ? Number(values.limit) : undefined }),
  ),
  "storage list": withApi({}, ({ values }) => storageList(api(values), Boolean(values.json))),
  "storage set": withApi({ compression: { type: "string" }, dedup: { type: "string" }, recordsize: { type: "string" }, wait: { type: "boolean" } }, async ({ values, positionals }) => {
    const client = api(values);
    const dedup = values.dedup === undefined ? undefined : values.dedup === "on";
    const { jobId } = await client.storage.configure.mutate({ pool: need(positionals[0], "tideline storage set AGENT/POOL [--compression gzip-1] [--dedup on|off] [--recordsize 128K]"), compression: values.compression as string | undefined, dedup, recordsize: values.recordsize as string | undefined });
    const job = await waitForJob(client, jobId, { quiet: Boolean(values.json) });
    if (job.state !== "succeeded") throw new CliError(job.error?.code ?? "STORAGE_CONFIGURE_FAILED", job.error?.message ?? "failed");
    if (values.json) printJson(job.result);
    else process.stdout.write(`${JSON.stringify((job.result as { properties: unknown }).properties)}\n`);
  }),
  "clusters add": withApi(
    {
      name: { type: "string" }, agent: { type: "string" }, pgdata: { type: "string" }, port: { type: "string" }, storage: { type: "string" },
      "replication-conninfo": { type: "string" }, mode: { type: "string" }, "snapshot-every": { type: "string" }, "snapshot-wal": { type: "string" }, "time-zone": { type: "string" }, "shared-dataset": { type: "string" },
      compression: { type: "string" }, dedup: { type: "boolean" }, recordsize: { type: "string" }, wait: { type: "boolean" },
    },
    ({ values }) => clustersAdd(api(values), values as never, Boolean(values.json)),
  ),
  "clusters show": withApi({}, ({ values, positionals }) => clustersShow(api(values), need(positionals[0], "tideline clusters show CLUSTER"), Boolean(values.json))),
  "clusters update": withApi({ "snapshot-every": { type: "string" }, "snapshot-wal": { type: "string" }, "time-zone": { type: "string" }, retention: { type: "string" }, "clone-idle": { type: "string" }, synchronous: { type: "string" } }, async ({ values, positionals }) => {
    const sync = values.synchronous as string | undefined;
    if (sync !== undefined && sync !== "on" && sync !== "off") throw new CliError("USAGE", "--synchronous on|off", 2);
    const client = api(values);
    const r = await client.clusters.update.mutate({
      cluster: need(positionals[0], "tideline clusters update CLUSTER [--snapshot-every 15m] [--retention keepLast=10,daily=7]"),
      snapshotEvery: values["snapshot-every"] as string | undefined,
      snapshotWal: values["snapshot-wal"] as string | undefined,
      timeZone: values["time-zone"] as string | undefined,
      retention: values.retention ? parsePolicy(values.retention as string) : undefined,
      cloneIdle: values["clone-idle"] as string | undefined,
      ...(sync ? { synchronous: sync === "on" } : {}),
    });
    if (r.synchronousJobId) {
      // zero-loss mode changes the primary's setting: wait for it, and say what it is now
      const job = await waitForJob(client, r.synchronousJobId, { quiet: true });
      if (job.state !== "succeeded") throw new CliError(job.error?.code ?? "SYNCHRONOUS_FAILED", job.error?.message ?? "zero-loss mode could not be changed");
      const s = job.result as { after: string };
      if (!values.json) process.stdout.write(`zero-loss mode ${sync}: synchronous_standby_names = '${s.after}'\n`);
    }
    if (values.json) printJson(r);
    else process.stdout.write("updated\n");
  }),
  "clusters remove": withApi({ "destroy-data": { type: "boolean" } }, async ({ values, positionals }) => {
    const r = await api(values).clusters.remove.mutate({ cluster: need(positionals[0], "tideline clusters remove CLUSTER [--destroy-data]"), destroyData: Boolean(values["destroy-data"]) });
    if (values.json) printJson(r);
    else process.stdout.write(r.jobId ? `removing in job ${r.jobId}\n` : "removed\n");
  }),
  window: withApi({}, ({ values, positionals }) => windowShow(api(values), need(positionals[0], "tideline window CLUSTER"), Boolean(values.json))),
  snapshot: withApi({ wait: { type: "boolean" } }, ({ values, positionals }) =>
    snapshot(api(values), need(positionals[0], "tideline snapshot CLUSTER [--wait]"), { wait: Boolean(values.wait), json: Boolean(values.json), kind: "snapshot" }),
  ),
  "backup create": withApi({ wait: { type: "boolean" } }, ({ values, positionals }) =>
    snapshot(api(values), need(positionals[0], "tideline backup create CLUSTER [--wait]"), { wait: Boolean(values.wait), json: Boolean(values.json), kind: "base-backup" }),
  ),
  "restore-points list": withApi({}, ({ values, positionals }) => restorePointsList(api(values), need(positionals[0], "tideline restore-points list CLUSTER"), Boolean(values.json))),
  retention: withApi({ "dry-run": { type: "boolean" } }, ({ values, positionals }) =>
    retention(api(values), need(positionals[0], "tideline retention CLUSTER [--dry-run]"), { dryRun: Boolean(values["dry-run"]), json: Boolean(values.json) }),
  ),
  restore: withApi(
    { ...TARGET_OPTIONS, ttl: { type: "string" }, wait: { type: "boolean" }, "dry-run": { type: "boolean" } },
    ({ values, positionals }) => restore(api(values), need(positionals[0], "tideline restore CLUSTER (--to TIME | --lsn LSN | --xid XID | --name N | --immediate | --restore-point ID | --latest) [--exclusive] [--ttl 4h] [--wait] [--dry-run]"), values as never, Boolean(values.json)),
  ),
  "restore-table": withApi(
    {
      ...TARGET_OPTIONS,
      table: { type: "string", multiple: true },
      into: { type: "string", multiple: true },
      db: { type: "string" },
      database: { type: "string" },
      "into-database": { type: "string" },
      replace: { type: "boolean" },
      wait: { type: "boolean" },
    },
    ({ values, positionals }) =>
      restoreTable(api(values), need(positionals[0], "tideline restore-table CLUSTER --to TIME --table SCHEMA.NAME [--into SCHEMA.NEW] [--wait]"), values as never, Boolean(values.json)),
  ),
  "restore-dr": withApi(
    { ...TARGET_OPTIONS, agent: { type: "string" }, "target-dir": { type: "string" }, port: { type: "string" }, pause: { type: "boolean" }, wait: { type: "boolean" } },
    ({ values, positionals }) => disasterRecovery(api(values), need(positionals[0], "tideline restore-dr CLUSTER …"), values as never, Boolean(values.json)),
  ),
  events: withApi({ from: { type: "string" }, to: { type: "string" }, limit: { type: "string" }, destructive: { type: "boolean" } }, ({ values, positionals }) =>
    events(api(values), need(positionals[0], "tideline events CLUSTER --from TIME --to TIME [--destructive] [--limit N]"), values as never, Boolean(values.json)),
  ),
  "clones list": withApi({}, ({ values }) => clonesList(api(values), Boolean(values.json))),
  "clones destroy": withApi({}, async ({ values, positionals }) => {
    const r = await api(values).clones.destroy.mutate({ id: need(positionals[0], "tideline clones destroy ID") });
    if (values.json) printJson(r);
    else process.stdout.write(`destroying (job ${r.jobId})\n`);
  }),
  "clones extend": withApi({ ttl: { type: "string" } }, async ({ values, positionals }) => {
    const r = await api(values).clones.extend.mutate({ id: need(positionals[0], "tideline clones extend ID --ttl 4h"), ttl: (values.ttl as string | undefined) ?? "4h" });
    if (values.json) printJson(r);
    else process.stdout.write(`expires at ${r.expiresAt.toISOString()}\n`);
  }),
  "clones protect": withApi({}, async ({ values, positionals }) => {
    const r = await api(values).clones.protect.mutate({ id: need(positionals[0], "tideline clones protect ID"), protected: true });
    if (values.json) printJson(r);
    else process.stdout.write("protected\n");
  }),
  "clones reset": withApi({ ...TARGET_OPTIONS, wait: { type: "boolean" } }, async ({ values, positionals }) => {
    const client = api(values);
    const r = await client.clones.reset.mutate({ id: need(positionals[0], "tideline clones reset ID (--to TIME | --lsn LSN | --xid XID | …) [--wait]"), target: targetFrom(values as never), timeline: values.timeline ? Number(values.timeline) : undefined });
    if (values.wait) {
      const job = await waitForJob(client, r.jobId, { quiet: Boolean(values.json) });
      if (job.state !== "succeeded") throw new CliError(job.error?.code ?? "RESET_FAILED", job.error?.message ?? "the reset failed");
    }
    if (values.json) printJson(r);
    else process.stdout.write(`clone ${r.cloneId} ${values.wait ? "is back" : "is being reset"} at the new target, same address and password (job ${r.jobId})\n`);
  }),
  "clones copy": withApi({ ttl: { type: "string" }, wait: { type: "boolean" } }, async ({ values, positionals }) => {
    const client = api(values);
    const r = await client.clones.copy.mutate({ id: need(positionals[0], "tideline clones copy ID [--ttl 4h] [--wait]"), ttl: values.ttl as string | undefined });
    if (values.wait) {
      const job = await waitForJob(client, r.jobId, { quiet: Boolean(values.json) });
      if (job.state !== "succeeded") throw new CliError(job.error?.code ?? "COPY_FAILED", job.error?.message ?? "the copy failed");
      const clone = await client.clones.get.query({ id: r.cloneId });
      if (values.json) return printJson({ ...r, connectionString: clone.connectionString, port: clone.port });
      process.stdout.write(`copy ${r.cloneId} ready:\n\n  ${clone.connectionString}\n`);
      return;
    }
    if (values.json) printJson(r);
    else process.stdout.write(`copy ${r.cloneId} is being made (job ${r.jobId})\n`);
  }),
  "clones unprotect": withApi({}, async ({ values, positionals }) => {
    const r = await api(values).clones.protect.mutate({ id: need(positionals[0], "tideline clones unprotect ID"), protected: false });
    if (values.json) printJson(r);
    else process.stdout.write("unprotected\n");
  }),
  "drills run": withApi({ wait: { type: "boolean" } }, ({ values, positionals }) => drillRun(api(values), need(positionals[0], "tideline drills run CLUSTER [--wait]"), Boolean(values.wait), Boolean(values.json))),
  "users create": withApi({ role: { type: "string" }, password: { type: "string" } }, ({ values, positionals }) =>
    usersCreate(api(values), need(positionals[0], "tideline users create NAME [--role viewer|operator|admin] [--password P]"), {
      role: values.role as string | undefined,
      password: values.password as string | undefined,
      json: Boolean(values.json),
    }),
  ),
  "users list": withApi({}, ({ values }) => usersList(api(values), Boolean(values.json))),
  "tokens create": withApi({ user: { type: "string" }, name: { type: "string" } }, ({ values }) =>
    tokensCreate(api(values), { user: values.user as string | undefined, name: values.name as string | undefined, json: Boolean(values.json) }),
  ),
  "jobs show": withApi({}, ({ values, positionals }) => {
    if (!positionals[0]) throw new CliError("USAGE", "tideline jobs show ID");
    return jobsShow(api(values), positionals[0], Boolean(values.json));
  }),
};

function need(v: string | undefined, usage: string): string {
  if (!v) throw new CliError("USAGE", usage, 2);
  return v;
}

/** "keepLast=10,daily=7" → { keepLast: 10, daily: 7 } */
function parsePolicy(s: string): Record<string, number> {
  return Object.fromEntries(
    s.split(",").map((kv) => {
      const [k, v] = kv.split("=");
      if (!k || v === undefined || Number.isNaN(Number(v))) throw new CliError("USAGE", `bad retention term "${kv}"; use e.g. keepLast=10,hourly=24,daily=7,weekly=4,monthly=6,windowDays=14`, 2);
      return [k.trim(), Number(v)];
    }),
  );
}

function toYargs(options: Record<string, OptionSpec>): Record<string, Options> {
  return Object.fromEntries(
    Object.entries(options).map(([name, o]) => [
      name,
      { type: o.type, ...(o.default !== undefined ? { default: o.default } : {}), ...(o.multiple ? { array: true } : {}), ...(OPTION_HELP[name] ? { describe: OPTION_HELP[name] } : {}) },
    ]),
  );
}

function addCommand(y: Argv, word: string, full: string, spec: Spec): Argv {
  const [describe, args = []] = META[full] ?? [full];
  const usage = [word, ...args.map((a) => `[${a}]`)].join(" ");
  return y.command(
    usage,
    describe,
    (c) => c.options(toYargs({ ...(spec.api ? CONNECTION : {}), ...spec.options })),
    async (argv) => {
      const values = argv as unknown as Record<string, unknown>;
      const positionals = args.map((a) => values[a]).filter((v): v is string => v !== undefined).map(String);
      if (BUILT && spec.process) return handToSource();
      await spec.run({ values, positionals });
    },
  );
}

/** `start` and `agent run` need the whole stack: the built CLI runs the source for them and mirrors its exit. */
function handToSource(): Promise<void> {
  const child = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), SOURCE_MAIN, ...process.argv.slice(2)], { stdio: "inherit" });
  // Ctrl-C reaches the child through the terminal; a signal sent to this process alone is passed on
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
  return new Promise(() => child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0))));
}

async function main(argv: string[]): Promise<void> {
  jsonMode = argv.includes("--json");
  let cli = yargs(argv)
    .scriptName("tideline")
    .usage("tideline — PostgreSQL point-in-time recovery\n\nUsage: tideline <command> [options]")
    // `--no-demo` is an option of its own here, not the negation of `--demo`
    .parserConfiguration({ "boolean-negation": false })
    .strict()
    .demandCommand(1, "name a command; see tideline --help")
    .recommendCommands()
    .completion("completion", "Print a bash/zsh completion script: tideline completion >> ~/.bashrc")
    .help()
    .alias("h", "help")
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 110))
    .epilogue("Connection: --url/--token, or TIDELINE_URL/TIDELINE_TOKEN, or the running `tideline start` of --data-dir / TIDELINE_DATA_DIR / ./.tideline.")
    .fail((msg, err) => {
      const words = argv.filter((a) => !a.startsWith("-")).slice(0, 2).join(" ");
      throw err ?? new CliError("USAGE", msg.includes("--help") ? msg : `${msg}; see tideline ${words} --help`, 2);
    });
  const groups = new Map<string, Array<[string, string, Spec]>>();
  for (const [full, spec] of Object.entries(commands)) {
    const [first, second] = full.split(" ") as [string, string | undefined];
    if (!second) cli = addCommand(cli, first, full, spec);
    else groups.set(first, [...(groups.get(first) ?? []), [second, full, spec]]);
  }
  for (const [group, subs] of groups) {
    cli = cli.command(`${group} <command>`, GROUPS[group] ?? group, (g) => {
      let y = g;
      for (const [word, full, spec] of subs) y = addCommand(y, word, full, spec);
      return y.demandCommand(1, `name a ${group} command; see tideline ${group} --help`);
    });
  }
  await cli.parseAsync();
}

main(hideBin(process.argv)).catch((err) => {
  const e = describeError(err);
  if (jsonMode) printJson({ error: e });
  else process.stderr.write(`error: ${e.code}: ${e.message}\n`);
  process.exit(err instanceof CliError ? err.exitCode : 1);
});

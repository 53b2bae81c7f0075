#!/usr/bin/env node
// `tideline`: everything the console does, for people and scripts (`--json`).
import { parseArgs, type ParseArgsConfig } from "node:util";
import { agentsList, clustersList, enrollTokenCreate, jobsList, jobsShow, waitForJob } from "./commands/listings";
import { clustersAdd, clustersShow, restorePointsList, retention, snapshot, storageList, windowShow } from "./commands/protection";
import { clonesList, disasterRecovery, drillRun, restore } from "./commands/restore";
import { startTideline } from "./commands/start";
import { tokensCreate, usersCreate, usersList } from "./commands/users";
import { connect } from "./connection";
import { CliError, describeError, printJson } from "./output";

const CONNECTION = {
  url: { type: "string" },
  token: { type: "string" },
  "data-dir": { type: "string" },
  json: { type: "boolean", default: false },
} as const satisfies ParseArgsConfig["options"];

const HELP = `tideline — PostgreSQL point-in-time recovery

  tideline start [--data-dir DIR] [--console-port N] [--coordinator-port N] [--no-demo] [--no-console] [--no-btrfs]
  tideline agent run --coordinator ws://HOST:PORT/agent --enroll-token T [--data-dir DIR] [--name N] [--roles database,storage]
  tideline enroll-token create [--ttl-minutes N] [--json]
  tideline agents list [--json]
  tideline clusters list [--json]
  tideline jobs list [--state S] [--limit N] [--json]
  tideline jobs show ID [--json]
  tideline storage list [--json]
  tideline storage set AGENT/POOL [--compression gzip-1] [--dedup on|off] [--recordsize 128K]   (dedup costs ~5 GB RAM per TB)
  tideline clusters add --name N --agent A [--pgdata DIR] --port P --storage AGENT/POOL
        [--replication-conninfo CONNINFO] [--mode replica|shared] [--snapshot-every 15m] [--snapshot-wal 256MB|off] [--wait] [--json]
  tideline clusters show CLUSTER [--json]
  tideline clusters update CLUSTER [--snapshot-every 15m|CRON] [--snapshot-wal 256MB|1GiB|off] [--retention keepLast=10,daily=7]
  tideline clusters remove CLUSTER [--destroy-data]
  tideline window CLUSTER [--json]
  tideline snapshot CLUSTER [--wait] [--json]
  tideline backup create CLUSTER [--wait] [--json]
  tideline restore-points list CLUSTER [--json]
  tideline retention CLUSTER [--dry-run] [--json]
  tideline restore CLUSTER (--to TIME | --lsn LSN | --name N | --latest) [--timeline N] [--ttl 4h] [--wait] [--dry-run] [--json]
  tideline restore-dr CLUSTER (--to TIME | --lsn LSN | --name N | --latest) --agent A --target-dir DIR --port P [--pause] [--wait]
  tideline clones list | destroy ID | extend ID --ttl 4h | protect ID | unprotect ID   [--json]
  tideline drills run CLUSTER [--wait] [--json]
  tideline users create NAME|EMAIL [--role viewer|operator|admin] [--password P] [--json]   (admin)
  tideline users list [--json]
  tideline tokens create [--user NAME|EMAIL] [--name LABEL] [--json]   (another user's: admin)

Connection: --url/--token, or TIDELINE_URL/TIDELINE_TOKEN, or the running \`tideline start\` of
--data-dir / TIDELINE_DATA_DIR / ./.tideline.
`;

type Command = (argv: string[]) => Promise<void>;

function withApi(extra: ParseArgsConfig["options"], body: (ctx: { values: Record<string, unknown>; positionals: string[] }) => Promise<void>): Command {
  return async (argv) => {
    const { values, positionals } = parseArgs({ args: argv, options: { ...CONNECTION, ...extra }, allowPositionals: true });
    jsonMode = Boolean(values.json);
    await body({ values: values as Record<string, unknown>, positionals });
  };
}

let jsonMode = false;
const api = (v: Record<string, unknown>) => connect(v as never).client;

const commands: Record<string, Command> = {
  start: async (argv) => {
    const { values } = parseArgs({ args: argv, options: { "data-dir": { type: "string" }, "console-port": { type: "string" }, "coordinator-port": { type: "string" }, "no-console": { type: "boolean" }, "no-demo": { type: "boolean" }, "no-btrfs": { type: "boolean" } } });
    await startTideline({
      dataDir: values["data-dir"],
      consolePort: values["console-port"] ? Number(values["console-port"]) : undefined,
      coordinatorPort: values["coordinator-port"] ? Number(values["coordinator-port"]) : undefined,
      console: !values["no-console"],
      demo: !values["no-demo"],
      btrfs: !values["no-btrfs"],
    });
  },
  "agent run": async (argv) => {
    const { values } = parseArgs({ args: argv, options: { coordinator: { type: "string" }, "enroll-token": { type: "string" }, "data-dir": { type: "string", default: "/var/lib/tideline-agent" }, name: { type: "string" }, roles: { type: "string" }, pgdata: { type: "string", multiple: true } } });
    const { runAgent } = await import("@tideline/agent");
    await runAgent({ coordinatorUrl: values.coordinator, enrollToken: values["enroll-token"], dataDir: values["data-dir"]!, name: values.name, roles: values.roles, pgdata: values.pgdata });
    await new Promise(() => {}); // runs until a signal
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
      "replication-conninfo": { type: "string" }, mode: { type: "string" }, "snapshot-every": { type: "string" }, "snapshot-wal": { type: "string" }, "shared-dataset": { type: "string" },
      compression: { type: "string" }, dedup: { type: "boolean" }, recordsize: { type: "string" }, wait: { type: "boolean" },
    },
    ({ values }) => clustersAdd(api(values), values as never, Boolean(values.json)),
  ),
  "clusters show": withApi({}, ({ values, positionals }) => clustersShow(api(values), need(positionals[0], "tideline clusters show CLUSTER"), Boolean(values.json))),
  "clusters update": withApi({ "snapshot-every": { type: "string" }, "snapshot-wal": { type: "string" }, retention: { type: "string" } }, async ({ values, positionals }) => {
    const r = await api(values).clusters.update.mutate({
      cluster: need(positionals[0], "tideline clusters update CLUSTER [--snapshot-every 15m] [--retention keepLast=10,daily=7]"),
      snapshotEvery: values["snapshot-every"] as string | undefined,
      snapshotWal: values["snapshot-wal"] as string | undefined,
      retention: values.retention ? parsePolicy(values.retention as string) : undefined,
    });
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
    { to: { type: "string" }, lsn: { type: "string" }, name: { type: "string" }, latest: { type: "boolean" }, timeline: { type: "string" }, ttl: { type: "string" }, wait: { type: "boolean" }, "dry-run": { type: "boolean" } },
    ({ values, positionals }) => restore(api(values), need(positionals[0], "tideline restore CLUSTER (--to TIME | --lsn LSN | --name N | --latest) [--ttl 4h] [--wait] [--dry-run]"), values as never, Boolean(values.json)),
  ),
  "restore-dr": withApi(
    { to: { type: "string" }, lsn: { type: "string" }, name: { type: "string" }, latest: { type: "boolean" }, timeline: { type: "string" }, agent: { type: "string" }, "target-dir": { type: "string" }, port: { type: "string" }, pause: { type: "boolean" }, wait: { type: "boolean" } },
    ({ values, positionals }) => disasterRecovery(api(values), need(positionals[0], "tideline restore-dr CLUSTER …"), values as never, Boolean(values.json)),
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

async function main(argv: string[]): Promise<void> {
  if (argv.length === 0 || argv[0] === "help" || argv[0] === "--help") {
    process.stdout.write(HELP);
    return;
  }
  const two = `${argv[0]} ${argv[1] ?? ""}`.trim();
  const [name, rest] = commands[two] ? [two, argv.slice(2)] : [argv[0]!, argv.slice(1)];
  const cmd = commands[name];
  if (!cmd) throw new CliError("USAGE", `unknown command "${argv.slice(0, 2).join(" ")}"; see \`tideline help\``, 2);
  jsonMode = argv.includes("--json");
  await cmd(rest);
}

main(process.argv.slice(2)).catch((err) => {
  const e = describeError(err);
  if (jsonMode) printJson({ error: e });
  else process.stderr.write(`error: ${e.code}: ${e.message}\n`);
  process.exit(err instanceof CliError ? err.exitCode : 1);
});

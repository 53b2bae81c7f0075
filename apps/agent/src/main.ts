// `tideline-agent` entry (also reached as `tideline agent run`), and `tideline-agent wal-push`.
import { parseArgs } from "node:util";
import { runAgent } from "./run";
import { walPush } from "./wal/wal-push";

if (process.argv[2] === "wal-push") {
  // archive_command = 'tideline-agent wal-push %p --archive-dir /path/to/archive'
  const { values, positionals } = parseArgs({ args: process.argv.slice(3), options: { "archive-dir": { type: "string" } }, allowPositionals: true });
  try {
    if (!positionals[0] || !values["archive-dir"]) throw new Error("USAGE: tideline-agent wal-push %p --archive-dir DIR");
    const r = await walPush(positionals[0], values["archive-dir"]);
    if (r === "already-archived") process.stderr.write(`tideline wal-push: ${positionals[0]} was already archived with the same content\n`);
    process.exit(0);
  } catch (err) {
    process.stderr.write(`tideline wal-push: ${(err as Error).message}\n`);
    process.exit(1);
  }
}

const { values } = parseArgs({
  options: {
    coordinator: { type: "string" },
    "enroll-token": { type: "string" },
    ca: { type: "string" },
    "data-dir": { type: "string", default: "/var/lib/tideline-agent" },
    name: { type: "string" },
    roles: { type: "string" },
    pgdata: { type: "string", multiple: true },
    exclude: { type: "string", multiple: true },
  },
});
await runAgent({
  coordinatorUrl: values.coordinator,
  enrollToken: values["enroll-token"],
  caFile: values.ca,
  dataDir: values["data-dir"]!,
  name: values.name,
  roles: values.roles,
  pgdata: values.pgdata,
  exclude: values.exclude,
});

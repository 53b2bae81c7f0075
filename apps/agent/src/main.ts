// `tideline-agent` entry (also reached as `tideline agent run`).
import { parseArgs } from "node:util";
import { runAgent } from "./run";

const { values } = parseArgs({
  options: {
    coordinator: { type: "string" },
    "enroll-token": { type: "string" },
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
  dataDir: values["data-dir"]!,
  name: values.name,
  roles: values.roles,
  pgdata: values.pgdata,
  exclude: values.exclude,
});

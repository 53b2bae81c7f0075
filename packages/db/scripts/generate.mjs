// Generates the Prisma client into src/generated.
// Prisma 7's CLI insists on locating its native schema engine even for `generate`, which does not
// use it (the client is built from the Wasm query compiler). The engine is downloaded from a host
// this project's machines cannot reach, so we point the CLI at a placeholder; schema changes go
// through the hand-written SQL migrations in prisma/migrations, applied by src/migrate.ts.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = "/bin/false";
const r = spawnSync("pnpm", ["exec", "prisma", "generate", "--schema", path.join(root, "prisma/schema.prisma")], {
  cwd: path.join(root, "packages/db"),
  env,
  stdio: "inherit",
});
process.exit(r.status ?? 1);

#!/usr/bin/env node
// The `tideline` command: the built CLI (pnpm install builds it), or the source through tsx in a
// checkout where it has not been built yet.
import { existsSync } from "node:fs";

const built = new URL("../dist/tideline.mjs", import.meta.url);
if (existsSync(built)) await import(built.href);
else {
  const { spawn } = await import("node:child_process");
  const source = new URL("../src/main.ts", import.meta.url).pathname;
  const child = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), source, ...process.argv.slice(2)], { stdio: "inherit" });
  child.on("exit", (code) => process.exit(code ?? 1));
}

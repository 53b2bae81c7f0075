// Builds the CLI into one file, dist/tideline.mjs, so that `tideline` starts in a fraction of a
// second instead of compiling TypeScript on every call. Everything a command needs is bundled;
// `start` and `agent run` load the coordinator and agent from source at run time (see main.ts).
import { build } from "esbuild";

await build({
  entryPoints: [new URL("../src/main.ts", import.meta.url).pathname],
  outfile: new URL("../dist/tideline.mjs", import.meta.url).pathname,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  // bundled CommonJS dependencies still call require()
  banner: { js: "import { createRequire as __tidelineRequire } from 'node:module'; const require = __tidelineRequire(import.meta.url);" },
  logLevel: "warning",
});

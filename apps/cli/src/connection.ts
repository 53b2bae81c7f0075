// Finding the coordinator and a token, like psql finding the local socket: flags, then
// TIDELINE_URL/TIDELINE_TOKEN, then the `tideline.json` a `tideline start` wrote in its data
// folder (--data-dir, TIDELINE_DATA_DIR, or ./.tideline).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { createApiClient, type ApiClient } from "@tideline/client";
import { CliError } from "./output";

export interface LocalInstance {
  coordinatorUrl: string;
  consoleUrl: string | null;
  token: string;
  pid: number | null;
  admin?: { email: string };
  /** With --tls-cert: the file the coordinator's certificate is verified against. */
  caFile?: string;
}

export function defaultDataDir(): string {
  return path.resolve(process.env.TIDELINE_DATA_DIR ?? ".tideline");
}

export function instanceFile(dataDir: string): string {
  return path.join(dataDir, "tideline.json");
}

export function readInstance(dataDir: string): LocalInstance | null {
  const f = instanceFile(dataDir);
  if (!existsSync(f)) return null;
  return JSON.parse(readFileSync(f, "utf8")) as LocalInstance;
}

export interface ConnectionFlags {
  url?: string;
  token?: string;
  "data-dir"?: string;
  /** A CA file (PEM) to verify an https:// coordinator with. */
  ca?: string;
}

export function connect(flags: ConnectionFlags): { client: ApiClient; url: string } {
  const inst = readInstance(flags["data-dir"] ? path.resolve(flags["data-dir"]) : defaultDataDir());
  const url = flags.url ?? process.env.TIDELINE_URL ?? inst?.coordinatorUrl;
  const token = flags.token ?? process.env.TIDELINE_TOKEN ?? inst?.token;
  if (!url) throw new CliError("NO_COORDINATOR", "no coordinator found: run `tideline start` here, or pass --url (or set TIDELINE_URL)");
  if (!token) throw new CliError("NO_TOKEN", "no API token: pass --token (or set TIDELINE_TOKEN); create one in the console under Settings → API tokens");
  const caFile = flags.ca ?? process.env.TIDELINE_CA ?? inst?.caFile;
  let ca: string | undefined;
  try {
    ca = caFile ? readFileSync(caFile, "utf8") : undefined;
  } catch (err) {
    throw new CliError("CA_UNREADABLE", `cannot read the CA file ${caFile}: ${(err as Error).message}`);
  }
  return { client: createApiClient(url, token, { ca }), url };
}

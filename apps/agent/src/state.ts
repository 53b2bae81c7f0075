// The agent's local state: which coordinator, and the per-agent secret it traded its enrollment
// token for. Kept in <data-dir>/agent.json, readable by root only.
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";

export interface AgentState {
  coordinatorUrl: string;
  agentId: string;
  name: string;
  secret: string;
  /** The CA (PEM) the coordinator's certificate is verified against, given with --ca at enrollment. */
  caPem?: string;
}

export function statePath(dataDir: string): string {
  return path.join(dataDir, "agent.json");
}

export async function loadState(dataDir: string): Promise<AgentState | null> {
  const p = statePath(dataDir);
  if (!existsSync(p)) return null;
  return JSON.parse(await readFile(p, "utf8")) as AgentState;
}

export async function saveState(dataDir: string, state: AgentState): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const tmp = `${statePath(dataDir)}.tmp`;
  await writeFile(tmp, JSON.stringify(state, null, 2), { mode: 0o600 });
  await rename(tmp, statePath(dataDir));
}

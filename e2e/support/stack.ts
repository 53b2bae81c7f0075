// What global setup started, handed to the specs through environment variables (Playwright
// passes global setup's process.env on to its workers).
export interface Stack {
  consoleUrl: string;
  coordinatorUrl: string;
  coordinatorWsUrl: string;
  databaseUrl: string;
  adminEmail: string;
  adminPassword: string;
  adminToken: string;
  agentName: string;
  /** The PostgreSQL primary the specs protect (started by global setup, not protected yet). */
  primary: { pgdata: string; port: number; socketDir: string };
  /** Where its restore points go: "AGENT/POOL" (a zfs-fuse pool, or the agent's directory pool without ZFS). */
  storage: string;
  /** The pool's mountpoint (clones live below it). */
  poolMountpoint: string | null;
}

const KEY = "TIDELINE_E2E_STACK";

export function publishStack(stack: Stack): void {
  process.env[KEY] = JSON.stringify(stack);
}

export function stack(): Stack {
  const raw = process.env[KEY];
  if (!raw)
    throw new Error(
      `${KEY} is not set: run the specs through e2e/playwright.config.ts (its global setup starts the stack)`,
    );
  return JSON.parse(raw) as Stack;
}

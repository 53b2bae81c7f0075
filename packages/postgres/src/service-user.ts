// Who runs PostgreSQL. PostgreSQL refuses to run as root, so a root process hands every
// initdb/pg_ctl/postgres/pg_receivewal to a service user (default `postgres`).
import { readFileSync } from "node:fs";
import { chown } from "node:fs/promises";

export interface ServiceUser {
  name: string;
  uid: number;
  gid: number;
}

export function resolveServiceUser(name = process.env.TIDELINE_SERVICE_USER ?? "postgres"): ServiceUser | null {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return null;
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${name}:`));
  if (!line) {
    throw Object.assign(new Error(`SERVICE_USER_MISSING: running as root needs a service user "${name}" to run PostgreSQL (create it, or set TIDELINE_SERVICE_USER)`), { code: "SERVICE_USER_MISSING" });
  }
  const [, , uid, gid] = line.split(":");
  return { name, uid: Number(uid), gid: Number(gid) };
}

/** spawn options that drop to the service user when we are root. */
export function asServiceUser(user: ServiceUser | null): { uid?: number; gid?: number; env: NodeJS.ProcessEnv } {
  if (!user) return { env: process.env };
  return { uid: user.uid, gid: user.gid, env: { ...process.env, HOME: "/tmp", USER: user.name, LOGNAME: user.name } };
}

export async function chownToServiceUser(path: string, user: ServiceUser | null): Promise<void> {
  if (user) await chown(path, user.uid, user.gid);
}

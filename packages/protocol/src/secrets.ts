// Secrets inside job payloads: which fields of which job kind hold one, how they are taken out of
// the payload the inventory stores (and every API shows), and how the coordinator puts them back
// into the one frame that carries the job to its agent. A secret is never stored in a payload,
// never listed, never sent to a browser; it travels only on the agent's authenticated socket.
import type { TJobKind } from "./jobs";

/** Dotted paths of the payload fields that hold a secret, per job kind. */
export const JOB_SECRET_FIELDS: Partial<Record<TJobKind, readonly string[]>> = {
  // a libpq conninfo may carry `password=…` (or `user:password@` in URI form)
  "cluster.check": ["primary.conninfo"],
  "cluster.protect": ["primary.conninfo"],
  // the superuser password of the clone / drill / DR server the job creates
  "clone.create": ["password"],
  "clone.copy": ["password"],
  "drill.run": ["password"],
  "restore.dr": ["password"],
  // the clone's login that a table restore dumps from
  "table.restore": ["source.password"],
};

export const REDACTED = "********";

/** A conninfo (key=value or URI form) with its password replaced; other fields stay readable. */
export function redactConninfo(conninfo: string): string {
  return conninfo
    .replace(/(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/gi, `$1${REDACTED}`)
    .replace(/^(postgres(?:ql)?:\/\/[^:/?#@]*):[^@/?#]*@/i, `$1:${REDACTED}@`)
    .replace(/([?&]password=)[^&#]*/gi, `$1${REDACTED}`);
}

export type TJobSecrets = Record<string, string>;

/**
 * Splits a validated payload into what may be stored and shown (secret fields redacted) and the
 * secrets themselves (by path). A kind without secret fields comes back unchanged.
 */
export function sealJobSecrets(
  kind: string,
  payload: unknown,
): { payload: unknown; secrets: TJobSecrets | null } {
  const paths = JOB_SECRET_FIELDS[kind as TJobKind];
  if (!paths || typeof payload !== "object" || payload === null) return { payload, secrets: null };
  const stored = structuredClone(payload) as Record<string, unknown>;
  const secrets: TJobSecrets = {};
  for (const path of paths) {
    const { parent, key } = locate(stored, path);
    const value = parent?.[key];
    if (typeof value !== "string") continue;
    const redacted = path.endsWith("conninfo") ? redactConninfo(value) : REDACTED;
    if (redacted === value) continue; // a conninfo without a password (peer, .pgpass): nothing secret in it
    secrets[path] = value;
    parent![key] = redacted;
  }
  return { payload: stored, secrets: Object.keys(secrets).length > 0 ? secrets : null };
}

/** The payload as the agent needs it: the stored payload with its secrets put back. */
export function openJobSecrets(payload: unknown, secrets: TJobSecrets | null | undefined): unknown {
  if (!secrets || typeof payload !== "object" || payload === null) return payload;
  const full = structuredClone(payload) as Record<string, unknown>;
  for (const [path, value] of Object.entries(secrets)) {
    const { parent, key } = locate(full, path);
    if (parent) parent[key] = value;
  }
  return full;
}

function locate(
  root: Record<string, unknown>,
  path: string,
): { parent: Record<string, unknown> | null; key: string } {
  const parts = path.split(".");
  const key = parts.pop()!;
  let node: unknown = root;
  for (const p of parts) {
    node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[p] : undefined;
  }
  return {
    parent: typeof node === "object" && node !== null ? (node as Record<string, unknown>) : null,
    key,
  };
}

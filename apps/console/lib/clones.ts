// Clones as the console shows them: their lifetimes (TTL) and restore targets in words.

/** Lifetimes offered for a new clone or an extension (the coordinator takes 1m–90d). */
export const TTL_OPTIONS = [
  { value: "1h", label: "1 hour" },
  { value: "4h", label: "4 hours" },
  { value: "8h", label: "8 hours" },
  { value: "1d", label: "1 day" },
  { value: "3d", label: "3 days" },
  { value: "7d", label: "7 days" },
] as const;
export const DEFAULT_TTL = "4h";

export const LIVE_CLONE_STATES: ReadonlySet<string> = new Set(["creating", "ready"]);

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** A restore target in words: "time 2026-11-21T10:15:03+01:00", "LSN 0/5000060", "latest". */
export function describeTarget(target: unknown): string {
  if (!isObj(target)) return "—";
  const tl = typeof target.timeline === "number" ? ` on timeline ${target.timeline}` : "";
  const edge = target.exclusive === true ? "just before " : "";
  if (typeof target.copyOf === "string") return `copy of clone ${target.copyOf}`;
  switch (target.kind) {
    case "time":
      return `${edge}time ${String(target.time)}${tl}`;
    case "lsn":
      return `${edge}LSN ${String(target.lsn)}${tl}`;
    case "xid":
      return `${edge}transaction ${String(target.xid)}${tl}`;
    case "name":
      return `restore point “${String(target.name)}”${tl}`;
    case "immediate":
      return typeof target.restorePointId === "string"
        ? `restore point ${target.restorePointId} itself`
        : "the newest restore point itself";
    case "latest":
      return `latest${tl}`;
    default:
      return JSON.stringify(target);
  }
}

/** The error a failed clone carries (`{ code, message }`), as one sentence. */
export function cloneError(error: unknown): string | null {
  if (!isObj(error)) return typeof error === "string" ? error : null;
  const code = typeof error.code === "string" ? error.code : null;
  const message = typeof error.message === "string" ? error.message : null;
  if (!code && !message) return null;
  return code && message ? `${code}: ${message}` : (code ?? message);
}

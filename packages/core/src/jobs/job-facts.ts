// What a DBA needs to know about a job, as label/value pairs, for the console's job page and
// `tideline jobs show`: the target, the restore point, the LSN and time reached, how long it took,
// sizes in IEC units. Never the raw payload (the API already redacts its secrets; this never
// shows a password field at all) and never a float like 2.294303753000044.
import { formatBytes, formatDuration } from "../format/bytes";
import { formatTimestampForPostgres, isTimestampParseable, parseTimestamp } from "../time/timestamp";

export interface JobFact {
  label: string;
  value: string;
}

export interface JobFacts {
  /** What was asked. */
  request: JobFact[];
  /** What came of it (empty until the job succeeded). */
  outcome: JobFact[];
}

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | null =>
  typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : null;
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** "2026-11-21 10:00:00.123456+00" or ISO → "2026-11-21 10:00:00.123456 UTC" (core's codec); unchanged when unparseable. */
function time(v: unknown): string | null {
  const s = str(v);
  if (!s) return null;
  if (!isTimestampParseable(s)) return s;
  const pg = formatTimestampForPostgres(parseTimestamp(s));
  // microseconds where they matter, milliseconds where that is all there is, none for whole seconds
  return `${pg.slice(0, -3).replace(/\.000000$/, "").replace(/(\.\d{3})000$/, "$1")} UTC`;
}

function target(t: Obj): string | null {
  const edge = t.inclusive === false ? "just before " : "";
  if (t.latest) return "latest (end of WAL)";
  if (t.immediate) return "the restore point itself";
  if (str(t.time)) return `${edge}time ${time(t.time)}`;
  if (str(t.lsn)) return `${edge}LSN ${t.lsn}`;
  if (str(t.xid)) return `${edge}transaction ${t.xid}`;
  if (str(t.name)) return `named restore point "${t.name}"`;
  return null;
}

function facts(pairs: Array<[string, string | null | undefined]>): JobFact[] {
  return pairs
    .filter((p): p is [string, string] => typeof p[1] === "string" && p[1] !== "")
    .map(([label, value]) => ({ label, value }));
}

const bytes = (v: unknown) => (num(v) === null ? null : formatBytes(num(v)!));
const seconds = (v: unknown) => (num(v) === null ? null : formatDuration(num(v)!));

function restorePointOutcome(r: Obj): JobFact[] {
  return facts([
    ["LSN", str(r.lsn)],
    ["Redo LSN", str(r.redoLsn)],
    ["Timeline", str(r.timeline)],
    ["Data time", time(r.dataTime)],
    ["Size", bytes(r.sizeBytes)],
    ["Snapshot", str(r.dataset) && str(r.snapshot) ? `${r.dataset}@${r.snapshot}` : null],
  ]);
}

function cloneRequest(p: Obj): Array<[string, string | null]> {
  const source = obj(p.source);
  return [
    ["Cluster", str(p.cluster)],
    ["Target", target(obj(p.recoveryTarget))],
    ["Timeline", str(p.timeline)],
    ["Restore point", str(source.restorePointId)],
    [
      "From snapshot",
      str(source.dataset) && str(source.snapshot) ? `${source.dataset}@${source.snapshot}` : null,
    ],
    ["Login", str(p.user)],
  ];
}

export function describeJob(kind: string, payload: unknown, result: unknown): JobFacts {
  const p = obj(payload);
  const r = obj(result);
  const has = result !== null && result !== undefined;
  switch (kind) {
    case "clone.create":
      return {
        request: facts(cloneRequest(p)),
        outcome: has
          ? facts([
              ["Reached LSN", str(r.reachedLsn)],
              ["Reached time", time(r.reachedTime)],
              ["Duration", seconds(r.seconds)],
              ["Size", bytes(r.sizeBytes)],
              ["Server", str(r.host) && num(r.port) ? `${r.host}:${r.port}` : null],
              ["Dataset", str(r.dataset)],
            ])
          : [],
      };
    case "drill.run": {
      const checks = Array.isArray(r.checks) ? r.checks.map(obj) : [];
      return {
        request: facts([
          ...cloneRequest(p),
          ["SQL check", str(p.sql)],
          ["pg_amcheck", p.amcheck ? "yes" : "no"],
        ]),
        outcome: has
          ? facts([
              ["Result", r.passed ? "passed" : "failed"],
              ["Ready after", seconds(r.secondsToReady)],
              ["Reached LSN", str(r.reachedLsn)],
              ["Reached time", time(r.reachedTime)],
              ...checks.map((c): [string, string] => [
                `Check ${str(c.name) ?? "?"}`,
                `${c.passed ? "passed" : "failed"} in ${seconds(c.seconds) ?? "?"}${str(c.detail) ? ` — ${c.detail}` : ""}`,
              ]),
            ])
          : [],
      };
    }
    case "restore.dr":
      return {
        request: facts([
          ...cloneRequest(p),
          ["Target directory", str(p.targetDir)],
          ["Port", str(p.port)],
          ["Then", str(p.action)],
        ]),
        outcome: has
          ? facts([
              ["Data directory", str(r.dataDir)],
              ["Reached LSN", str(r.reachedLsn)],
              ["Reached time", time(r.reachedTime)],
              ["Copied", bytes(r.bytesCopied)],
              ["Duration", seconds(r.seconds)],
            ])
          : [],
      };
    case "restore-point.create":
    case "backup.base":
      return {
        request: facts([
          ["Cluster", str(p.cluster)],
          ["Reason", str(p.reason)],
        ]),
        outcome: has ? restorePointOutcome(r) : [],
      };
    case "cluster.protect":
      return {
        request: facts([
          ["Cluster", str(p.cluster)],
          ["Mode", str(p.mode)],
          ["Storage pool", str(obj(p.pool).name) ? `${obj(p.pool).name} (${obj(p.pool).driver})` : null],
          ["Primary port", str(obj(p.primary).port)],
          ["Primary data directory", str(obj(p.primary).pgdata)],
        ]),
        outcome: has
          ? facts([
              ...Object.entries(obj(r.datasets)).map(([k, v]): [string, string | null] => [
                `Dataset ${k}`,
                str(v),
              ]),
              ["Replica port", str(r.replicaPort)],
              ...(r.restorePoint
                ? restorePointOutcome(obj(r.restorePoint)).map((f): [string, string] => [
                    `First restore point: ${f.label}`,
                    f.value,
                  ])
                : []),
            ])
          : [],
      };
    case "cluster.check": {
      const problems = Array.isArray(r.problems) ? r.problems.map(obj) : [];
      return {
        request: facts([
          ["Mode", str(p.mode)],
          ["Primary port", str(obj(p.primary).port)],
        ]),
        outcome: has
          ? facts([
              ["Result", r.ok ? "ready to protect" : `${problems.length} problem(s)`],
              ...problems.map((x): [string, string] => [
                str(x.code) ?? "problem",
                `${str(x.message) ?? ""}${str(x.fix) ? ` — fix: ${x.fix}` : ""}`,
              ]),
            ])
          : [],
      };
    }
    case "retention.apply":
      return {
        request: facts([
          ["Cluster", str(p.cluster)],
          ["Restore points to prune", Array.isArray(p.restorePoints) ? String(p.restorePoints.length) : null],
        ]),
        outcome: has
          ? facts([
              ["Destroyed", Array.isArray(r.destroyed) ? String(r.destroyed.length) : null],
              ["Kept", Array.isArray(r.kept) ? String(r.kept.length) : null],
              ["WAL files removed", str(r.walFilesRemoved)],
            ])
          : [],
      };
    case "cluster.inspect":
      return {
        request: facts([
          ["Data directory", str(p.pgdata)],
          ["Port", str(p.port)],
        ]),
        outcome: has
          ? facts([
              ["PostgreSQL", str(r.serverVersion)],
              ["In recovery", r.inRecovery === undefined ? null : r.inRecovery ? "yes" : "no"],
              ["Timeline", str(r.timeline)],
              ["Current LSN", str(r.currentLsn)],
              ["wal_level", str(r.walLevel)],
              ["Database size", bytes(r.databaseSizeBytes)],
            ])
          : [],
      };
    default:
      return { request: flat(p), outcome: has ? flat(r) : [] };
  }
}

/** Any other kind: its scalar fields, with units read from their names, never a secret. */
function flat(o: Obj, prefix = ""): JobFact[] {
  const out: JobFact[] = [];
  for (const [k, v] of Object.entries(o)) {
    if (/password|secret|token|conninfo/i.test(k)) continue;
    const label = prefix ? `${prefix} ${k}` : k;
    if (typeof v === "object" && v !== null && !Array.isArray(v)) out.push(...flat(v as Obj, label));
    else if (typeof v === "number")
      out.push({
        label,
        value: /bytes$/i.test(k)
          ? formatBytes(v)
          : /seconds$/i.test(k)
            ? formatDuration(v)
            : String(Math.round(v * 1000) / 1000),
      });
    else if (typeof v === "string" || typeof v === "boolean") out.push({ label, value: String(v) });
    else if (Array.isArray(v))
      out.push({
        label,
        value: v.every((x) => typeof x !== "object") ? v.join(", ") : `${v.length} item(s)`,
      });
  }
  return out;
}

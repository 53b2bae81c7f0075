"use client";
// The restore target as the DBA gives it: a time (typed in an explicit zone, UTC or the
// browser's, to the second), an LSN, a transaction id, the name of a restore point made with
// pg_create_restore_point() (picked from those found in the WAL, or typed), a restore point
// itself, or the latest WAL; time, LSN and xid just after (inclusive) or just before (exclusive).
// Turns it into the API's target, or a reason why not.
import { inputClass, selectClass } from "@/components/ui/form";
import { isLsn, normalizeLsn } from "@tideline/core";
import type { NameChoice } from "@/lib/restore-point-names";
import { formatInZone, localIsUtc, parseInZone, timeMs, type Zone, zoneLabel } from "@/lib/time-input";
import type { TRestoreTarget } from "@/lib/trpc";

export type TargetKind = TRestoreTarget["kind"];

export interface TargetForm {
  kind: TargetKind;
  /** The time as typed, read in `zone`. */
  time: string;
  lsn: string;
  xid: string;
  name: string;
  /** For "immediate": the restore point, or "" for the newest. */
  restorePointId: string;
  /** Stop just before a time, LSN or xid instead of just after. */
  exclusive: boolean;
}

export const KINDS: Array<{ kind: TargetKind; label: string }> = [
  { kind: "time", label: "Time" },
  { kind: "lsn", label: "LSN" },
  { kind: "xid", label: "Transaction" },
  { kind: "name", label: "Restore point name" },
  { kind: "immediate", label: "Restore point" },
  { kind: "latest", label: "Latest" },
];

/** A restore point as the "Restore point" target offers it. */
export interface PointChoice {
  id: string;
  lsn: string;
  dataTime: Date | string | null;
}

const EXCLUSIVE_KINDS: TargetKind[] = ["time", "lsn", "xid"];

export type BuiltTarget =
  | { ok: true; target: TRestoreTarget; ms: number | null }
  | { ok: false; error: string };

export function buildTarget(s: TargetForm, zone: Zone): BuiltTarget {
  const exclusive = s.exclusive ? { exclusive: true } : {};
  switch (s.kind) {
    case "time": {
      const p = parseInZone(s.time, zone);
      return p.ok
        ? { ok: true, target: { kind: "time", time: p.iso, ...exclusive }, ms: p.ms }
        : { ok: false, error: p.error };
    }
    case "lsn": {
      const lsn = s.lsn.trim().toUpperCase();
      return isLsn(lsn)
        ? { ok: true, target: { kind: "lsn", lsn, ...exclusive }, ms: null }
        : { ok: false, error: "an LSN looks like 16/B374D848" };
    }
    case "xid": {
      const xid = s.xid.trim();
      return /^[0-9]{1,20}$/.test(xid)
        ? { ok: true, target: { kind: "xid", xid, ...exclusive }, ms: null }
        : { ok: false, error: "a transaction id is a number, e.g. 1234 (or epoch-qualified, as pg_current_xact_id() prints it)" };
    }
    case "immediate":
      return { ok: true, target: { kind: "immediate", ...(s.restorePointId ? { restorePointId: s.restorePointId } : {}) }, ms: null };
    case "name":
      return s.name.trim()
        ? { ok: true, target: { kind: "name", name: s.name.trim() }, ms: null }
        : { ok: false, error: "enter the name given to pg_create_restore_point()" };
    case "latest":
      return { ok: true, target: { kind: "latest" }, ms: null };
  }
}

export function TargetInput({
  value,
  onChange,
  zone,
  onZoneChange,
  names,
  points,
  error,
}: {
  value: TargetForm;
  onChange: (v: TargetForm) => void;
  zone: Zone;
  onZoneChange: (z: Zone) => void;
  /** Names found in the WAL, newest first; null while unknown (loading, or not available). */
  names: NameChoice[] | null;
  /** The cluster's restore points, newest first; null while unknown. */
  points: PointChoice[] | null;
  error: string | null;
}) {
  const parsed = value.kind === "time" ? parseInZone(value.time, zone) : null;
  const other: Zone = zone === "utc" ? "local" : "utc";
  const changeZone = (z: Zone) => {
    // keep the instant: rewrite what was typed in the new zone
    const p = parseInZone(value.time, zone);
    if (p.ok) onChange({ ...value, time: formatInZone(p.ms, z) });
    onZoneChange(z);
  };
  return (
    <div>
      <div
        role="radiogroup"
        aria-label="Restore to"
        className="mb-2 inline-flex overflow-hidden rounded-md border border-zinc-300 dark:border-zinc-700"
      >
        {KINDS.map((k) => (
          // biome-ignore lint/a11y/useSemanticElements: a segmented control of radio buttons
          <button
            key={k.kind}
            type="button"
            role="radio"
            aria-checked={value.kind === k.kind}
            onClick={() => onChange({ ...value, kind: k.kind })}
            data-testid={`target-kind-${k.kind}`}
            className={`border-r border-zinc-300 px-2.5 py-1 text-[12px] font-medium last:border-r-0 dark:border-zinc-700 ${
              value.kind === k.kind
                ? "bg-zinc-800 text-white dark:bg-zinc-200 dark:text-zinc-900"
                : "bg-white hover:bg-zinc-100 dark:bg-zinc-900 dark:hover:bg-zinc-800"
            }`}
          >
            {k.label}
          </button>
        ))}
      </div>

      {value.kind === "time" && (
        <div>
          <label htmlFor="restore-time" className="mb-1 block font-medium">
            Target time <span className="font-normal text-zinc-500">(to the second)</span>
          </label>
          <div className="flex gap-2">
            <input
              id="restore-time"
              className={`${inputClass} max-w-[14rem] font-mono tabular-nums`}
              value={value.time}
              onChange={(e) => onChange({ ...value, time: e.target.value })}
              placeholder="2026-11-21 10:15:03"
              spellCheck={false}
              autoComplete="off"
              aria-invalid={!!error}
              aria-describedby="restore-time-help"
              data-testid="restore-time"
            />
            <select
              aria-label="Time zone"
              className={selectClass}
              value={zone}
              onChange={(e) => changeZone(e.target.value as Zone)}
              data-testid="restore-zone"
            >
              {!localIsUtc() && (
                <option value="local">{zoneLabel("local", parsed?.ok ? parsed.ms : Date.now())}</option>
              )}
              <option value="utc">UTC</option>
            </select>
          </div>
          <p
            id="restore-time-help"
            className="mt-1 text-[12px] text-zinc-500"
            data-testid="restore-time-equivalent"
          >
            {parsed?.ok ? (
              <>
                = {formatInZone(parsed.ms, other)} {other === "utc" ? "UTC" : zoneLabel("local", parsed.ms)} ·
                sent as{" "}
                <span className="font-mono" data-testid="restore-time-iso">
                  {parsed.iso}
                </span>
              </>
            ) : (
              "YYYY-MM-DD HH:MM:SS in the zone on the right; a pasted time with its own offset (…Z, …+02:00) is read as it says"
            )}
          </p>
        </div>
      )}
      {value.kind === "lsn" && (
        <div>
          <label htmlFor="restore-lsn" className="mb-1 block font-medium">
            Target LSN
          </label>
          <input
            id="restore-lsn"
            className={`${inputClass} max-w-[14rem] font-mono`}
            value={value.lsn}
            onChange={(e) => onChange({ ...value, lsn: e.target.value })}
            placeholder="16/B374D848"
            spellCheck={false}
            autoComplete="off"
            aria-invalid={!!error}
            data-testid="restore-lsn"
          />
        </div>
      )}
      {value.kind === "xid" && (
        <div>
          <label htmlFor="restore-xid" className="mb-1 block font-medium">
            Transaction id <span className="font-normal text-zinc-500">(recovery stops at its commit or abort)</span>
          </label>
          <input
            id="restore-xid"
            className={`${inputClass} max-w-[14rem] font-mono`}
            value={value.xid}
            onChange={(e) => onChange({ ...value, xid: e.target.value })}
            placeholder="4711"
            spellCheck={false}
            autoComplete="off"
            inputMode="numeric"
            aria-invalid={!!error}
            data-testid="restore-xid"
          />
        </div>
      )}
      {value.kind === "name" && (
        <NameInput value={value} onChange={onChange} zone={zone} names={names} error={error} />
      )}
      {value.kind === "immediate" && (
        <div>
          <label htmlFor="restore-point-pick" className="mb-1 block font-medium">
            Restore point <span className="font-normal text-zinc-500">(exactly that point: consistent, nothing replayed past it)</span>
          </label>
          <select
            id="restore-point-pick"
            className={`${selectClass} max-w-[32rem]`}
            value={value.restorePointId}
            onChange={(e) => onChange({ ...value, restorePointId: e.target.value })}
            data-testid="restore-point-pick"
          >
            <option value="">the newest restore point</option>
            {(points ?? []).map((p) => {
              const ms = timeMs(p.dataTime);
              return (
                <option key={p.id} value={p.id}>
                  {ms === null ? "time unknown" : `${formatInZone(ms, zone)}${zone === "utc" ? " UTC" : ""}`} · LSN {p.lsn} · {p.id}
                </option>
              );
            })}
          </select>
        </div>
      )}
      {EXCLUSIVE_KINDS.includes(value.kind) && (
        <label className="mt-2 flex items-center gap-2 text-[12px]">
          <input
            type="checkbox"
            checked={value.exclusive}
            onChange={(e) => onChange({ ...value, exclusive: e.target.checked })}
            data-testid="restore-exclusive"
          />
          Stop just before the target (exclusive), e.g. to undo the transaction at it
        </label>
      )}
      {value.kind === "latest" && (
        <p className="text-zinc-600 dark:text-zinc-400">
          Replays every archived WAL record: the clone ends at the newest commit the storage host has.
        </p>
      )}
      {error && (
        <p
          className="mt-1 text-[12px] text-red-700 dark:text-red-300"
          data-testid="target-error"
          role="alert"
        >
          {error}
        </p>
      )}
    </div>
  );
}

function describeChoice(c: NameChoice, zone: Zone): string {
  const ms = timeMs(c.newest.time);
  const when = ms === null ? "time unknown" : `${formatInZone(ms, zone)}${zone === "utc" ? " UTC" : ""}`;
  const tls =
    c.timelines.length > 1 ? `timelines ${c.timelines.join(", ")}` : `timeline ${c.newest.timeline}`;
  return `${when} · LSN ${normalizeLsn(c.newest.lsn)} · ${tls}${c.count > 1 ? ` · created ${c.count}×` : ""}`;
}

/**
 * A restore point name: typed freely (the planner has the last word), or picked from the names
 * the storage host found in the archived WAL.
 */
function NameInput({
  value,
  onChange,
  zone,
  names,
  error,
}: {
  value: TargetForm;
  onChange: (v: TargetForm) => void;
  zone: Zone;
  names: NameChoice[] | null;
  error: string | null;
}) {
  const typed = value.name.trim();
  const known = names?.find((c) => c.name === typed) ?? null;
  return (
    <div>
      <label htmlFor="restore-name" className="mb-1 block font-medium">
        Restore point name
      </label>
      <div className="flex flex-wrap gap-2">
        <input
          id="restore-name"
          className={`${inputClass} max-w-[20rem] font-mono`}
          value={value.name}
          onChange={(e) => onChange({ ...value, name: e.target.value })}
          placeholder="before-migration-42"
          spellCheck={false}
          autoComplete="off"
          list={names?.length ? "restore-point-names" : undefined}
          aria-invalid={!!error}
          aria-describedby="restore-name-help"
          data-testid="restore-name"
        />
        {!!names?.length && (
          <select
            aria-label="Restore point names found in the WAL"
            className={`${selectClass} max-w-[24rem]`}
            value={known ? known.name : ""}
            onChange={(e) => e.target.value && onChange({ ...value, name: e.target.value })}
            data-testid="restore-name-pick"
          >
            <option value="">{names.length} found in the WAL…</option>
            {names.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name} — {describeChoice(c, zone)}
              </option>
            ))}
          </select>
        )}
      </div>
      {!!names?.length && (
        <datalist id="restore-point-names">
          {names.map((c) => (
            <option key={c.name} value={c.name}>
              {describeChoice(c, zone)}
            </option>
          ))}
        </datalist>
      )}
      <p id="restore-name-help" className="mt-1 text-[12px] text-zinc-500" data-testid="restore-name-help">
        {known ? (
          <>
            found in the WAL: <span className="font-mono">{known.name}</span>, {describeChoice(known, zone)}
          </>
        ) : names && names.length === 0 ? (
          "as given to pg_create_restore_point() on the primary; none found in the archived WAL yet"
        ) : (
          "as given to pg_create_restore_point() on the primary"
        )}
      </p>
    </div>
  );
}

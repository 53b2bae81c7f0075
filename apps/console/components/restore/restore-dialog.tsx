"use client";
// Restore to time. The DBA gives a target (picked on the timeline, typed in an explicit zone,
// an LSN, a restore point name, or the latest WAL); the planner's plan — or its refusal — shows
// before anything runs and follows the target as it changes (debounced). Operators then
// restore, and the dialog turns into the live progress of the clone until it is ready.
// Viewers see the plan but never the button (and the API refuses them anyway).
import { skipToken, useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useMe } from "@/components/auth/use-me";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ErrorText } from "@/components/ui/error-text";
import { inputClass, selectClass } from "@/components/ui/form";
import { DEFAULT_TTL, TTL_OPTIONS } from "@/lib/clones";
import { nameChoices } from "@/lib/restore-point-names";
import { formatInZone, timeMs, type Zone } from "@/lib/time-input";
import { type TWindow, useTRPC } from "@/lib/trpc";
import { isSettled, useDebounced } from "@/lib/use-debounced";
import { PlanRefusal, PlanView } from "./plan-view";
import { RestoreProgress } from "./restore-progress";
import { TableRestoreProgress } from "./table-restore-progress";
import { buildTarget, TargetInput, type TargetForm } from "./target-input";

export interface RestoreDialogPrefill {
  /** A time picked on the chart (epoch ms), or none to start from the end of the window. */
  time?: number | null;
  /** An LSN picked on the chart: restore exactly to it. */
  lsn?: string | null;
  /** A restore point picked ("Restore to here…"): restore exactly that point. */
  restorePointId?: string | null;
  /** A transaction found in the WAL ("Restore to just before this"): restore to just before its commit. */
  xid?: string | null;
  timeline?: number | null;
}

const PLAN_DEBOUNCE_MS = 400;

export function RestoreDialog({
  cluster,
  request,
  onClose,
  window: w,
  zone,
  onZoneChange,
}: {
  cluster: string;
  request: RestoreDialogPrefill | null;
  onClose: () => void;
  window: TWindow | undefined;
  zone: Zone;
  onZoneChange: (z: Zone) => void;
}) {
  return (
    <Dialog
      open={request !== null}
      onClose={onClose}
      title={`Restore ${cluster} to a point in time`}
      description="A clone of the cluster as of the target, running on the storage host. The cluster itself is not touched."
      width="52rem"
      data-testid="restore-dialog"
    >
      {request && (
        <RestoreForm cluster={cluster} request={request} window={w} zone={zone} onZoneChange={onZoneChange} />
      )}
    </Dialog>
  );
}

function initialTime(request: RestoreDialogPrefill, w: TWindow | undefined): number {
  // a restore point's data time has fractions of a second: the next whole second includes it
  if (request.time) return request.lsn ? Math.ceil(request.time / 1000) * 1000 : request.time;
  const ends = (w?.timelines ?? []).map((t) => timeMs(t.to)).filter((t): t is number => t !== null);
  return ends.length ? Math.max(...ends) : Date.now();
}

function RestoreForm({
  cluster,
  request,
  window: w,
  zone,
  onZoneChange,
}: {
  cluster: string;
  request: RestoreDialogPrefill;
  window: TWindow | undefined;
  zone: Zone;
  onZoneChange: (z: Zone) => void;
}) {
  const trpc = useTRPC();
  const { can } = useMe();
  const [target, setTarget] = useState<TargetForm>(() => ({
    kind: request.restorePointId ? "immediate" : request.xid ? "xid" : request.lsn ? "lsn" : "time",
    time: formatInZone(initialTime(request, w), zone),
    lsn: request.lsn ?? "",
    xid: request.xid ?? "",
    name: "",
    restorePointId: request.restorePointId ?? "",
    exclusive: Boolean(request.xid),
  }));
  const [timeline, setTimeline] = useState<number | null>(request.timeline ?? null);
  const [ttl, setTtl] = useState<string>(DEFAULT_TTL);

  const built = buildTarget(target, zone);
  const input = built.ok ? { cluster, target: built.target, ...(timeline ? { timeline } : {}) } : null;
  const settled = useDebounced(input, PLAN_DEBOUNCE_MS);
  const plan = useQuery(
    trpc.restore.plan.queryOptions(settled ?? skipToken, {
      retry: false,
      staleTime: 5_000,
      placeholderData: (prev) => prev,
    }),
  );
  const current = !!input && isSettled(input, settled) && !plan.isPlaceholderData && !plan.isFetching;

  // names from pg_create_restore_point() in the WAL, offered for the "name" target (a failure
  // to list them leaves the free-text input, and the planner still checks what is typed)
  const names = useQuery(
    trpc.restorePoints.names.queryOptions(target.kind === "name" ? { cluster } : skipToken, { retry: false }),
  );
  // the cluster's restore points, offered for the "restore point" target
  const points = useQuery(
    trpc.restorePoints.list.queryOptions(target.kind === "immediate" ? { cluster } : skipToken),
  );

  const create = useMutation(trpc.restore.create.mutationOptions());
  const restoreTables = useMutation(trpc.restore.table.mutationOptions());
  // what to restore: the whole cluster as a running clone, or tables loaded into the primary
  const [what, setWhat] = useState<"clone" | "tables">("clone");
  const [tables, setTables] = useState({ list: "", into: "", database: "postgres", replace: false });
  const tableList = tables.list.split(/[\s,]+/).filter(Boolean);
  if (create.data) {
    return <RestoreProgress cloneId={create.data.cloneId} jobId={create.data.jobId} zone={zone} />;
  }
  if (restoreTables.data) {
    return <TableRestoreProgress cloneId={restoreTables.data.cloneId} jobId={restoreTables.data.jobId} />;
  }

  const timelines = (w?.timelines ?? []).map((t) => t.timeline);
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        if (!input || !current || !plan.data || plan.error) return;
        if (what === "clone") create.mutate({ ...input, ttl });
        else if (tableList.length)
          restoreTables.mutate({
            ...input,
            database: tables.database.trim() || "postgres",
            tables: tableList.map((t, i) => ({
              table: t,
              ...(i === 0 && tableList.length === 1 && tables.into.trim()
                ? { into: tables.into.trim() }
                : {}),
            })),
            replace: tables.replace,
          });
      }}
      data-testid="restore-form"
    >
      <WindowSummary window={w} zone={zone} />
      <TargetInput
        value={target}
        onChange={setTarget}
        zone={zone}
        onZoneChange={onZoneChange}
        names={names.data ? nameChoices(names.data) : null}
        points={points.data ? [...points.data].reverse() : null}
        error={built.ok ? null : built.error}
      />
      {can("operator") && (
        <fieldset className="space-y-2" data-testid="restore-what">
          <legend className="mb-1 font-medium">What to restore</legend>
          <div className="flex flex-wrap gap-4">
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="restore-what"
                checked={what === "clone"}
                onChange={() => setWhat("clone")}
                data-testid="restore-what-clone"
              />
              the whole cluster, as a running clone
            </label>
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="restore-what"
                checked={what === "tables"}
                onChange={() => setWhat("tables")}
                data-testid="restore-what-tables"
              />
              tables, loaded into the running primary under new names
            </label>
          </div>
          {what === "tables" && (
            <div className="flex flex-wrap gap-3">
              <label className="flex flex-col gap-1">
                Tables <span className="text-[12px] text-zinc-500">SCHEMA.NAME, comma-separated</span>
                <input
                  className={`${inputClass} w-64 font-mono`}
                  value={tables.list}
                  onChange={(e) => setTables({ ...tables, list: e.target.value })}
                  placeholder="public.orders"
                  data-testid="restore-tables"
                />
              </label>
              {tableList.length <= 1 && (
                <label className="flex flex-col gap-1">
                  Into <span className="text-[12px] text-zinc-500">default NAME_restored</span>
                  <input
                    className={`${inputClass} w-56 font-mono`}
                    value={tables.into}
                    onChange={(e) => setTables({ ...tables, into: e.target.value })}
                    placeholder="public.orders_restored"
                    data-testid="restore-tables-into"
                  />
                </label>
              )}
              <label className="flex flex-col gap-1">
                Database
                <input
                  className={`${inputClass} w-40 font-mono`}
                  value={tables.database}
                  onChange={(e) => setTables({ ...tables, database: e.target.value })}
                  data-testid="restore-tables-database"
                />
              </label>
              <label className="flex items-center gap-2 self-end pb-1.5">
                <input
                  type="checkbox"
                  checked={tables.replace}
                  onChange={(e) => setTables({ ...tables, replace: e.target.checked })}
                  data-testid="restore-tables-replace"
                />
                replace an existing table of that name
              </label>
            </div>
          )}
        </fieldset>
      )}
      <div className="flex flex-wrap gap-4">
        <label className="flex items-center gap-2">
          Timeline
          <select
            className={selectClass}
            value={timeline ?? ""}
            onChange={(e) => setTimeline(e.target.value ? Number(e.target.value) : null)}
            data-testid="restore-timeline"
          >
            <option value="">newest (default)</option>
            {timelines.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        {can("operator") && what === "clone" && (
          <label className="flex items-center gap-2">
            Clone lives for
            <select
              className={selectClass}
              value={ttl}
              onChange={(e) => setTtl(e.target.value)}
              data-testid="restore-ttl"
            >
              {TTL_OPTIONS.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>

      <div aria-live="polite" data-testid="plan-area">
        {!input ? null : plan.error && !plan.isFetching ? (
          <PlanRefusal error={plan.error} />
        ) : plan.data ? (
          <PlanView plan={plan.data} zone={zone} stale={!current} />
        ) : (
          <p className="text-zinc-500" data-testid="plan-loading">
            Asking the planner…
          </p>
        )}
      </div>

      <ErrorText error={create.error ?? restoreTables.error} />
      <div className="flex items-center justify-end gap-2 border-t border-zinc-200 pt-3 dark:border-zinc-800">
        {can("operator") ? (
          <Button
            type="submit"
            variant="primary"
            disabled={
              !current ||
              !plan.data ||
              !!plan.error ||
              create.isPending ||
              restoreTables.isPending ||
              (what === "tables" && tableList.length === 0)
            }
            data-testid="restore-submit"
          >
            {create.isPending || restoreTables.isPending
              ? "Starting…"
              : what === "tables"
                ? "Restore tables"
                : "Restore"}
          </Button>
        ) : (
          <p className="text-[12px] text-zinc-500" data-testid="restore-viewer-note">
            Viewers can see the plan; restoring needs the operator role.
          </p>
        )}
      </div>
    </form>
  );
}

function WindowSummary({ window: w, zone }: { window: TWindow | undefined; zone: Zone }) {
  const tls = (w?.timelines ?? []).filter((t) => t.from && t.to);
  if (tls.length === 0) return null;
  const fmt = (t: string | null) => {
    const ms = timeMs(t);
    return ms === null ? "—" : formatInZone(ms, zone);
  };
  return (
    <p className="text-[12px] text-zinc-600 dark:text-zinc-400" data-testid="restore-window">
      Recoverable{zone === "utc" ? " (UTC)" : ""}:{" "}
      {tls.map((t, i) => (
        <span key={t.timeline}>
          {i > 0 && "; "}
          timeline {t.timeline} from <span className="tabular-nums">{fmt(t.from)}</span> to{" "}
          <span className="tabular-nums">{fmt(t.to)}</span>
          {t.gaps.length > 0 && ` (${t.gaps.length} gap${t.gaps.length === 1 ? "" : "s"})`}
        </span>
      ))}
    </p>
  );
}

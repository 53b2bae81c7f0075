"use client";
// One cluster: its health with problems and fixes, the recoverable window as a timeline chart
// (click a time to restore to it), the restore points, this cluster's jobs, and its settings.
// Everything follows live.onChange: new restore points and the moving end of the WAL appear
// without a reload.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useState } from "react";
import { useMe } from "@/components/auth/use-me";
import type { TWalEvent } from "@tideline/protocol";
import { FindTheMoment } from "@/components/events/find-the-moment";
import { JobsTable } from "@/components/jobs/jobs-page";
import { RestoreDialog, type RestoreDialogPrefill } from "@/components/restore/restore-dialog";
import { RestorePointsTable, TakeRestorePoint } from "@/components/restore-points/restore-points-table";
import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/error-text";
import { selectClass } from "@/components/ui/form";
import { EmptyState, Field, Loading, PageHeader, Panel } from "@/components/ui/page";
import { RelativeTime, useNow } from "@/components/ui/time";
import { TimelineChart } from "@/components/window/timeline-chart";
import { formatBytes, formatDuration } from "@/lib/format";
import { clusterStatus, healthOf } from "@/lib/health";
import { formatInZone, localIsUtc, timeMs, type Zone, zoneLabel } from "@/lib/time-input";
import { formatSpan } from "@/lib/timeline-scale";
import { type TClusterDetail, type TRestorePoint, type TWindow, useTRPC } from "@/lib/trpc";
import { useZone } from "@/lib/zone";
import { ClusterSettings } from "./cluster-settings";
import { ClusterStatusBadge, DrillResult, ProblemList } from "./health";

export function ClusterPage({ name }: { name: string }) {
  const trpc = useTRPC();
  const cluster = useQuery(trpc.clusters.get.queryOptions({ cluster: name }));
  return (
    <>
      <p className="mb-2 text-[12px]">
        <Link href="/" className="text-zinc-500 hover:underline">
          ← Fleet
        </Link>
      </p>
      {cluster.isLoading ? (
        <Loading what="the cluster" />
      ) : cluster.error ? (
        <ErrorText error={cluster.error} />
      ) : cluster.data ? (
        <ClusterView cluster={cluster.data} />
      ) : null}
    </>
  );
}

function ClusterView({ cluster }: { cluster: TClusterDetail }) {
  const trpc = useTRPC();
  const { can } = useMe();
  const [zone, setZone] = useZone();
  const now = Math.max(useNow(), Date.now());
  const win = useQuery(trpc.clusters.window.queryOptions({ cluster: cluster.name }));
  const points = useQuery(trpc.restorePoints.list.queryOptions({ cluster: cluster.name }));
  const jobs = useQuery(trpc.jobs.list.queryOptions({ clusterId: cluster.id, limit: 15 }));
  const [restore, setRestore] = useState<RestoreDialogPrefill | null>(null);
  // destructive events the Find the moment panel found, marked on the timeline
  const [foundEvents, setFoundEvents] = useState<TWalEvent[]>([]);
  const status = clusterStatus(cluster);
  const protectedNow = cluster.state === "protected";
  // links to a section (#settings from the settings page) arrive before the section exists
  useEffect(() => {
    const id = window.location.hash.slice(1);
    if (id) document.getElementById(id)?.scrollIntoView({ block: "start" });
  }, []);

  return (
    <div data-testid="cluster-page" data-cluster={cluster.name} data-state={cluster.state}>
      <PageHeader
        title={cluster.name}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <ClusterStatusBadge status={status} data-testid="cluster-status" />
            <span>
              {cluster.mode === "shared" ? "shared storage" : "shadow replica"} · {cluster.agent}:
              {cluster.pgdata} · port {cluster.port}
              {cluster.pgVersion ? ` · PostgreSQL ${cluster.pgVersion}` : ""}
            </span>
          </span>
        }
        actions={
          <div className="flex items-start gap-2">
            <TakeRestorePoint cluster={cluster.name} disabled={!protectedNow} />
            <Button
              variant={can("operator") ? "secondary" : "ghost"}
              onClick={() => setRestore({ time: null })}
              disabled={!protectedNow}
              data-testid="open-restore"
            >
              {can("operator") ? "Restore…" : "Plan a restore…"}
            </Button>
          </div>
        }
      />
      <div className="grid gap-4">
        <HealthPanel cluster={cluster} />

        <Panel className="p-4" data-testid="window-panel">
          <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2">
            <h2 className="font-semibold">Recoverable window</h2>
            <ZoneToggle zone={zone} onChange={setZone} />
          </div>
          <WindowSummary window={win.data} zone={zone} />
          <ErrorText error={win.error ?? points.error} className="mb-2" />
          {win.isLoading || points.isLoading ? (
            <Loading what="the window" />
          ) : (
            <TimelineChart
              window={win.data}
              restorePoints={points.data ?? []}
              zone={zone}
              now={now}
              onPick={protectedNow ? (time, timeline, lsn) => setRestore({ time, timeline, lsn }) : undefined}
              target={restore?.time ?? null}
              events={foundEvents}
              onPickEvent={protectedNow ? (e) => e.xid && setRestore({ xid: e.xid, timeline: e.timeline }) : undefined}
            />
          )}
          <p className="mt-2 text-[12px] text-zinc-500">
            Click a time on a timeline band to{" "}
            {can("operator") ? "restore to it" : "see the restore plan for it"}. The window ends at the newest
            commit the storage host has in its WAL archive, not at “now”.
          </p>
        </Panel>

        <FindTheMoment
          cluster={cluster.name}
          zone={zone}
          window={win.data}
          disabled={!protectedNow}
          onRestore={({ xid, timeline }) => setRestore({ xid, timeline })}
          onFound={setFoundEvents}
        />

        <Panel>
          <PanelTitle
            title="Restore points"
            extra={points.data ? `${points.data.length} kept · every ${cluster.snapshotSchedule}` : undefined}
          />
          {points.data && (
            <RestorePointsTable
              points={points.data}
              zone={zone}
              onRestore={(p: TRestorePoint) =>
                // exactly that point (recovery_target = immediate), not its time truncated to the
                // second (which the planner would serve from the point before)
                setRestore({ time: p.dataTime ? new Date(p.dataTime).getTime() : null, timeline: p.timeline, restorePointId: p.id })
              }
            />
          )}
        </Panel>

        <Panel>
          <PanelTitle
            title="Jobs of this cluster"
            extra={
              <Link href="/jobs" className="hover:underline">
                all jobs →
              </Link>
            }
          />
          <ErrorText error={jobs.error} />
          {jobs.data &&
            (jobs.data.length ? <JobsTable jobs={jobs.data} /> : <EmptyState title="No jobs yet" />)}
        </Panel>

        <Panel id="settings">
          <PanelTitle title="Settings" />
          <ClusterSettings cluster={cluster} zone={zone} />
        </Panel>
      </div>
      <RestoreDialog
        cluster={cluster.name}
        request={restore}
        onClose={() => setRestore(null)}
        window={win.data}
        zone={zone}
        onZoneChange={setZone}
      />
    </div>
  );
}

function PanelTitle({ title, extra }: { title: string; extra?: React.ReactNode }) {
  return (
    <div className="flex items-center justify-between border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
      <h2 className="font-semibold">{title}</h2>
      {extra && <span className="text-[12px] text-zinc-500">{extra}</span>}
    </div>
  );
}

function HealthPanel({ cluster }: { cluster: TClusterDetail }) {
  const h = healthOf(cluster.health);
  if (cluster.state !== "protected" && !h) {
    return (
      <Panel className="p-4" data-testid="health-panel">
        <p>
          This cluster is <strong>{cluster.state}</strong>.{" "}
          {cluster.state === "error"
            ? "The jobs below say why."
            : "Protection starts with a check of the cluster, then the WAL stream, the replica and the first restore point: follow the jobs below."}
        </p>
      </Panel>
    );
  }
  return (
    <Panel className="p-4" data-testid="health-panel">
      {!h ? (
        <p className="text-zinc-500">Waiting for the storage agent's first status report.</p>
      ) : (
        <>
          <dl className="grid grid-cols-2 gap-x-6 gap-y-3 md:grid-cols-4 lg:grid-cols-8">
            <Field label="Newest point">
              <RelativeTime at={h.lastRestorePointAt} />
            </Field>
            <Field label="WAL stream">
              <span data-testid="health-wal-state">{h.walState ?? "—"}</span>
            </Field>
            <Field label="WAL lag">
              <span data-testid="health-wal-lag">
                {formatBytes(h.walLagBytes)}
                {h.walLagSeconds !== null &&
                  ` · ${h.walLagSeconds < 1 ? "< 1 s" : formatDuration(h.walLagSeconds * 1000)}`}
              </span>
            </Field>
            <Field label="Slot">
              <span data-testid="health-slot">{h.slotState ?? "—"}</span>
            </Field>
            <Field label="Replica">
              {h.replicaRunning === null ? "—" : h.replicaRunning ? "running" : "stopped"}
            </Field>
            <Field label="Space used">{formatBytes(h.spaceUsedBytes)}</Field>
            <Field label="Last drill">
              <DrillResult drill={h.lastDrill} />
            </Field>
            <Field label="Reported">
              <RelativeTime at={h.reportedAt} />
            </Field>
          </dl>
          {h.problems.length > 0 ? (
            <ProblemList problems={h.problems} className="mt-3" />
          ) : (
            <p
              className="mt-3 text-[12px] text-emerald-700 dark:text-emerald-300"
              data-testid="health-no-problems"
            >
              No problems reported.
            </p>
          )}
        </>
      )}
    </Panel>
  );
}

function ZoneToggle({ zone, onChange }: { zone: Zone; onChange: (z: Zone) => void }) {
  if (localIsUtc()) return <span className="text-[12px] text-zinc-500">Times in UTC</span>;
  return (
    <label className="flex items-center gap-2 text-[12px] text-zinc-600 dark:text-zinc-400">
      Times in
      <select
        className={selectClass}
        value={zone}
        onChange={(e) => onChange(e.target.value as Zone)}
        data-testid="zone-select"
      >
        <option value="local">{zoneLabel("local")}</option>
        <option value="utc">UTC</option>
      </select>
    </label>
  );
}

function WindowSummary({ window: w, zone }: { window: TWindow | undefined; zone: Zone }) {
  const tls = w?.timelines ?? [];
  if (!w) return null;
  if (tls.length === 0)
    return (
      <p className="mb-2 text-zinc-500" data-testid="window-summary">
        Nothing is recoverable yet: the window opens with the first restore point and the WAL archived after
        it.
      </p>
    );
  return (
    <ul className="mb-2 space-y-0.5" data-testid="window-summary">
      {tls.map((t) => {
        const from = timeMs(t.from);
        const to = timeMs(t.to);
        return (
          <li key={t.timeline} data-testid="window-timeline" data-timeline={t.timeline}>
            <span className="font-medium">Timeline {t.timeline}:</span>{" "}
            {from !== null && to !== null ? (
              <>
                recoverable from{" "}
                <time className="tabular-nums" data-testid="window-from">
                  {formatInZone(from, zone)}
                </time>{" "}
                to{" "}
                <time className="tabular-nums" data-testid="window-to">
                  {formatInZone(to, zone)}
                </time>{" "}
                <span className="text-zinc-500">
                  ({formatSpan(Math.max(0, to - from))}
                  {t.toLsn ? `, WAL to ${t.toLsn}` : ""})
                </span>
              </>
            ) : (
              <span className="text-zinc-500">WAL archived, but no restore point on it yet</span>
            )}
            {t.gaps.length > 0 && (
              <span className="ml-1 text-red-700 dark:text-red-300" data-testid="window-gaps">
                · {t.gaps.length} gap{t.gaps.length === 1 ? "" : "s"} (a restore cannot cross one)
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}

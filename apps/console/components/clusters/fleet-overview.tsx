"use client";
// Fleet overview: every protected cluster with its health at a glance (restore point age, WAL
// lag, slot, last drill, space), sortable by any column and filterable by name and status, both
// kept in the URL. A problem is spelled out in red with its reason and its fix. With no clusters
// yet it explains how one gets here, and lists what the agents have found.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Fragment, useEffect, useMemo, useState } from "react";
import { useMe } from "@/components/auth/use-me";
import { ErrorText } from "@/components/ui/error-text";
import { inputClass, selectClass } from "@/components/ui/form";
import { EmptyState, Loading, PageHeader, Panel } from "@/components/ui/page";
import { Badge } from "@/components/ui/state-badge";
import { type SortDir, SortTh, Table, Td, Th, Tr } from "@/components/ui/table";
import { RelativeTime, useNow } from "@/components/ui/time";
import { discoveredClustersOf } from "@/lib/agents";
import { formatBytes, formatDuration } from "@/lib/format";
import { clusterStatus, type Health, healthOf, restorePointAgeSeconds } from "@/lib/health";
import { type TCluster, useTRPC } from "@/lib/trpc";
import { useDebounced } from "@/lib/use-debounced";
import { AddClusterButton } from "./add-cluster";
import { ClusterStatusBadge, DrillResult, ProblemList } from "./health";

interface Row {
  cluster: TCluster;
  health: Health | null;
  status: string;
  ageSeconds: number | null;
}

const STATUS_RANK: Record<string, number> = { error: 0, warning: 1, "no report": 2, ok: 4 };
const statusRank = (s: string) => STATUS_RANK[s] ?? 3; // checking, protecting, …: between

type SortKey = "name" | "status" | "age" | "lagBytes" | "lagSeconds" | "slot" | "drill" | "space";
const SORT_KEYS: SortKey[] = ["name", "status", "age", "lagBytes", "lagSeconds", "slot", "drill", "space"];

const SORT_VALUE: Record<SortKey, (r: Row) => string | number | null> = {
  name: (r) => r.cluster.name,
  status: (r) => statusRank(r.status),
  age: (r) => r.ageSeconds,
  lagBytes: (r) => r.health?.walLagBytes ?? null,
  lagSeconds: (r) => r.health?.walLagSeconds ?? null,
  slot: (r) => r.health?.slotState ?? null,
  drill: (r) => (r.health?.lastDrill ? (r.health.lastDrill.passed === false ? 0 : 1) : null),
  space: (r) => r.health?.spaceUsedBytes ?? null,
};

export const STATUS_FILTERS = ["ok", "warning", "error", "not protected"] as const;

function sortRows(rows: Row[], key: SortKey, dir: SortDir): Row[] {
  const value = SORT_VALUE[key];
  const sign = dir === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    // clusters without a value (no report yet) go last either way
    if (va === null || vb === null) return va === vb ? 0 : va === null ? 1 : -1;
    const c =
      typeof va === "number" && typeof vb === "number" ? va - vb : String(va).localeCompare(String(vb));
    return c !== 0 ? c * sign : a.cluster.name.localeCompare(b.cluster.name);
  });
}

export function FleetOverview() {
  const trpc = useTRPC();
  const { can } = useMe();
  const clusters = useQuery(trpc.clusters.list.queryOptions());
  const n = clusters.data?.length ?? 0;
  const problems = (clusters.data ?? []).filter((c) => clusterStatus(c) === "error").length;
  return (
    <>
      <PageHeader
        title="Fleet"
        description={
          clusters.data ? (
            <>
              {n} cluster{n === 1 ? "" : "s"} protected
              {problems > 0 && (
                <span className="text-red-700 dark:text-red-300"> · {problems} with problems</span>
              )}
            </>
          ) : (
            "Every PostgreSQL cluster Tideline protects"
          )
        }
        actions={can("operator") ? <AddClusterButton /> : null}
      />
      <ErrorText error={clusters.error} className="mb-3" />
      {clusters.isLoading ? (
        <Panel>
          <Loading what="clusters" />
        </Panel>
      ) : n === 0 && !clusters.error ? (
        <Panel data-testid="clusters-panel">
          <NoClusters />
        </Panel>
      ) : (
        <ClustersTable clusters={clusters.data ?? []} />
      )}
    </>
  );
}

function ClustersTable({ clusters }: { clusters: TCluster[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const now = Math.max(useNow(), Date.now());
  // the text filter answers every keystroke from local state; the URL follows after a pause
  const [q, setQ] = useState(params.get("q") ?? "");
  const settledQ = useDebounced(q, 300);
  const statusFilter = params.get("status") ?? "";
  const rawSort = params.get("sort") as SortKey | null;
  const sort: SortKey = rawSort && SORT_KEYS.includes(rawSort) ? rawSort : "status";
  const dir: SortDir = params.get("dir") === "desc" ? "desc" : "asc";

  const setParams = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    const s = next.toString();
    router.replace(s ? `${pathname}?${s}` : pathname, { scroll: false });
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a settled filter text goes to the URL
  useEffect(() => {
    if ((params.get("q") ?? "") !== settledQ) setParams({ q: settledQ || null });
  }, [settledQ]);
  const onSort = (key: string) =>
    setParams({ sort: key, dir: key === sort && dir === "asc" ? "desc" : "asc" });

  const rows = useMemo(() => {
    const all: Row[] = clusters.map((c) => ({
      cluster: c,
      health: healthOf(c.health),
      status: clusterStatus(c),
      ageSeconds: restorePointAgeSeconds(c, now),
    }));
    const needle = q.trim().toLowerCase();
    const filtered = all.filter((r) => {
      if (
        needle &&
        ![r.cluster.name, r.cluster.agentName, r.cluster.pgdata].some((s) => s.toLowerCase().includes(needle))
      )
        return false;
      if (!statusFilter) return true;
      if (statusFilter === "not protected") return r.cluster.state !== "protected";
      return r.status === statusFilter;
    });
    return sortRows(filtered, sort, dir);
  }, [clusters, now, q, statusFilter, sort, dir]);

  const sortProps = { sort, dir, onSort };
  return (
    <>
      <search className="mb-3 flex flex-wrap items-center gap-2">
        <label className="sr-only" htmlFor="fleet-filter">
          Filter clusters
        </label>
        <input
          id="fleet-filter"
          type="search"
          placeholder="Filter by cluster, agent or data directory"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          className={`${inputClass} max-w-xs`}
          data-testid="fleet-filter"
        />
        <label className="flex items-center gap-2 text-zinc-600 dark:text-zinc-400">
          Status
          <select
            value={statusFilter}
            onChange={(e) => setParams({ status: e.target.value || null })}
            className={selectClass}
            data-testid="fleet-status-filter"
          >
            <option value="">all</option>
            {STATUS_FILTERS.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <span className="ml-auto text-[12px] text-zinc-500" data-testid="fleet-count">
          {rows.length === clusters.length
            ? `${clusters.length} cluster${clusters.length === 1 ? "" : "s"}`
            : `${rows.length} of ${clusters.length} clusters`}
        </span>
      </search>
      <Panel data-testid="clusters-panel">
        <Table data-testid="clusters-table">
          <thead>
            <tr>
              <SortTh label="Cluster" sortKey="name" {...sortProps} />
              <SortTh label="Status" sortKey="status" {...sortProps} />
              <SortTh
                label="Newest point"
                sortKey="age"
                {...sortProps}
                title="Age of the newest restore point"
              />
              <SortTh
                label="WAL lag"
                sortKey="lagBytes"
                {...sortProps}
                title="WAL not yet in the archive, in bytes"
              />
              <SortTh
                label="Lag time"
                sortKey="lagSeconds"
                {...sortProps}
                title="How far the archive is behind, in time"
              />
              <SortTh
                label="Slot"
                sortKey="slot"
                {...sortProps}
                title="Replication slot of the WAL receiver"
              />
              <SortTh label="Drill" sortKey="drill" {...sortProps} title="Result of the last restore drill" />
              <SortTh
                label="Space"
                sortKey="space"
                {...sortProps}
                className="text-right"
                title="Space used on the storage host"
              />
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <Td colSpan={8} className="py-6 text-center text-zinc-500" data-testid="fleet-no-match">
                  No cluster matches the filter.
                </Td>
              </tr>
            ) : (
              rows.map((r) => <ClusterRow key={r.cluster.id} row={r} />)
            )}
          </tbody>
        </Table>
      </Panel>
    </>
  );
}

function ClusterRow({ row }: { row: Row }) {
  const router = useRouter();
  const { cluster: c, health: h } = row;
  const href = `/clusters/${encodeURIComponent(c.name)}`;
  const problems = h?.problems ?? [];
  const bad = row.status === "error";
  return (
    <Fragment>
      <Tr
        data-testid="cluster-row"
        data-cluster={c.name}
        data-status={row.status}
        className={`cursor-pointer ${bad ? "bg-red-50/60 dark:bg-red-950/20" : ""}`}
        onClick={(e) => {
          // the name is the link (and the keyboard's way in); the rest of the row is a shortcut
          if (!(e.target as HTMLElement).closest("a,button,input,select")) router.push(href);
        }}
      >
        <Td className={`max-w-[17rem] whitespace-normal ${problems.length ? "border-b-0" : ""}`}>
          <Link
            href={href}
            className="font-medium text-sky-700 hover:underline dark:text-sky-400"
            data-testid="cluster-link"
          >
            {c.name}
          </Link>
          <div className="font-mono text-[11px] break-all text-zinc-500">
            {c.agentName}:{c.pgdata}
          </div>
          <div className="text-[11px] text-zinc-500">
            port {c.port} · {c.mode === "shared" ? "shared storage" : "shadow replica"} · every{" "}
            {c.snapshotSchedule}
            {c.pgVersion ? ` · PG ${c.pgVersion}` : ""}
          </div>
        </Td>
        <Td className={problems.length ? "border-b-0" : ""}>
          <ClusterStatusBadge status={row.status} data-testid="cluster-status" />
          {c.state === "protected" && h === null && (
            <div className="text-[11px] text-zinc-500">waiting for the first report</div>
          )}
        </Td>
        <Td className={problems.length ? "border-b-0" : ""} data-testid="cluster-rp-age">
          {row.ageSeconds === null ? (
            <span className="text-zinc-400">none yet</span>
          ) : (
            <RelativeTime at={c.lastRestorePointAt ?? h?.lastRestorePointAt} />
          )}
          <div className="text-[11px] text-zinc-500">
            {c.restorePointCount} point{c.restorePointCount === 1 ? "" : "s"}
          </div>
        </Td>
        <Td className={`tabular-nums ${problems.length ? "border-b-0" : ""}`} data-testid="cluster-wal-lag">
          {h?.walLagBytes === null || h?.walLagBytes === undefined ? "—" : formatBytes(h.walLagBytes)}
          {h?.walState && <div className="text-[11px] text-zinc-500">{h.walState}</div>}
        </Td>
        <Td
          className={`tabular-nums ${problems.length ? "border-b-0" : ""}`}
          data-testid="cluster-wal-lag-seconds"
        >
          {h?.walLagSeconds === null || h?.walLagSeconds === undefined
            ? "—"
            : h.walLagSeconds < 1
              ? "< 1 s"
              : formatDuration(h.walLagSeconds * 1000)}
        </Td>
        <Td className={problems.length ? "border-b-0" : ""} data-testid="cluster-slot">
          {h?.slotState ? (
            <Badge tone={h.slotState === "active" ? "good" : h.slotState === "unknown" ? "neutral" : "warn"}>
              {h.slotState}
            </Badge>
          ) : (
            "—"
          )}
        </Td>
        <Td className={problems.length ? "border-b-0" : ""}>
          <DrillResult drill={h?.lastDrill ?? null} />
        </Td>
        <Td
          className={`text-right tabular-nums ${problems.length ? "border-b-0" : ""}`}
          data-testid="cluster-space"
        >
          {formatBytes(h?.spaceUsedBytes)}
        </Td>
      </Tr>
      {problems.length > 0 && (
        <tr
          data-testid="cluster-problems"
          data-cluster={c.name}
          className={bad ? "bg-red-50/60 dark:bg-red-950/20" : ""}
        >
          <Td colSpan={8} className="pt-0 pb-2 whitespace-normal">
            <ProblemList problems={problems} />
          </Td>
        </tr>
      )}
    </Fragment>
  );
}

function NoClusters() {
  const trpc = useTRPC();
  const agents = useQuery(trpc.agents.list.queryOptions());
  const found = (agents.data ?? []).flatMap((a) =>
    discoveredClustersOf(a).map((d) => ({ agent: a.name, ...d })),
  );
  return (
    <EmptyState title="No clusters are protected yet" data-testid="clusters-empty">
      <ol className="mx-auto max-w-lg list-decimal space-y-1 pl-5 text-left">
        <li>
          Install an agent on each database host and on the storage (ZFS) host:{" "}
          <Link href="/agents" className="text-sky-700 underline dark:text-sky-400">
            Agents → Add agent
          </Link>{" "}
          gives you the command.
        </li>
        <li>The agent reports the PostgreSQL clusters it finds on its host (below).</li>
        <li>
          <strong className="font-medium text-zinc-700 dark:text-zinc-300">Add cluster</strong> (top right)
          protects one, on the storage host and in the mode you choose (shadow replica or shared storage). It
          then appears here with its restore points and recoverable window.
        </li>
      </ol>
      {found.length > 0 && (
        <div className="mx-auto mt-5 max-w-2xl text-left" data-testid="discovered-clusters">
          <p className="mb-1 font-medium text-zinc-700 dark:text-zinc-300">
            Found by agents, not protected yet
          </p>
          <Table className="rounded border border-zinc-200 dark:border-zinc-800">
            <thead>
              <tr>
                <Th>Agent</Th>
                <Th>Data directory</Th>
                <Th>Port</Th>
                <Th>Version</Th>
                <Th>Role</Th>
              </tr>
            </thead>
            <tbody>
              {found.map((d) => (
                <Tr key={`${d.agent}:${d.pgdata}`}>
                  <Td>{d.agent}</Td>
                  <Td className="font-mono text-[12px]">{d.pgdata}</Td>
                  <Td>{d.port ?? "—"}</Td>
                  <Td>{d.version ?? "—"}</Td>
                  <Td>
                    {d.role}
                    {d.running ? "" : " (stopped)"}
                  </Td>
                </Tr>
              ))}
            </tbody>
          </Table>
        </div>
      )}
    </EmptyState>
  );
}

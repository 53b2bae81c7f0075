"use client";
// Fleet overview: every protected cluster with its state and restore points at a glance. With
// no clusters yet it explains how one gets here, and lists what the agents have found.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { ErrorText } from "@/components/ui/error-text";
import { EmptyState, Loading, PageHeader, Panel } from "@/components/ui/page";
import { StateBadge } from "@/components/ui/state-badge";
import { Table, Td, Th, Tr } from "@/components/ui/table";
import { RelativeTime } from "@/components/ui/time";
import { discoveredClustersOf } from "@/lib/agents";
import { type TCluster, useTRPC } from "@/lib/trpc";

export function FleetOverview() {
  const trpc = useTRPC();
  const clusters = useQuery(trpc.clusters.list.queryOptions());
  const n = clusters.data?.length ?? 0;
  return (
    <>
      <PageHeader
        title="Fleet"
        description={
          clusters.data
            ? `${n} cluster${n === 1 ? "" : "s"} protected`
            : "Every PostgreSQL cluster Tideline protects"
        }
      />
      <ErrorText error={clusters.error} className="mb-3" />
      <Panel data-testid="clusters-panel">
        {clusters.isLoading ? (
          <Loading what="clusters" />
        ) : n === 0 && !clusters.error ? (
          <NoClusters />
        ) : (
          <ClustersTable clusters={clusters.data ?? []} />
        )}
      </Panel>
    </>
  );
}

function ClustersTable({ clusters }: { clusters: TCluster[] }) {
  return (
    <Table data-testid="clusters-table">
      <thead>
        <tr>
          <Th>Cluster</Th>
          <Th>State</Th>
          <Th>Agent</Th>
          <Th>PostgreSQL</Th>
          <Th>Mode</Th>
          <Th className="text-right" title="Restore points">
            Points
          </Th>
          <Th>Newest point</Th>
          <Th>Schedule</Th>
        </tr>
      </thead>
      <tbody>
        {clusters.map((c) => (
          <Tr key={c.id} data-testid="cluster-row" data-cluster={c.name}>
            <Td className="whitespace-normal">
              <div className="font-medium">{c.name}</div>
              <div className="font-mono text-[11px] text-zinc-500">
                {c.pgdata} · port {c.port}
              </div>
            </Td>
            <Td>
              <StateBadge state={c.state} />
            </Td>
            <Td>
              <Link href="/agents" className="hover:underline">
                {c.agentName}
              </Link>
            </Td>
            <Td>{c.pgVersion ?? "—"}</Td>
            <Td>{c.mode === "shared" ? "shared storage" : "shadow replica"}</Td>
            <Td className="text-right tabular-nums">{c.restorePointCount}</Td>
            <Td>
              <RelativeTime at={c.lastRestorePointAt} />
            </Td>
            <Td className="font-mono text-[12px]">{c.snapshotSchedule}</Td>
          </Tr>
        ))}
      </tbody>
    </Table>
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
          Add a cluster for protection, choosing its storage host and mode (shadow replica or shared storage).
          It then appears here with its restore points and recoverable window.
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

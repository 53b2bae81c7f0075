"use client";
// Agents: who is connected, what each host can do (PostgreSQL versions, ZFS, pools and their
// free space), and for admins the way to add one.
import { useQuery } from "@tanstack/react-query";
import { useMe } from "@/components/auth/use-me";
import { ErrorText } from "@/components/ui/error-text";
import { EmptyState, Loading, PageHeader, Panel } from "@/components/ui/page";
import { Badge, StateBadge } from "@/components/ui/state-badge";
import { Table, Td, Th, Tr } from "@/components/ui/table";
import { RelativeTime } from "@/components/ui/time";
import { capabilitiesOf, discoveredClustersOf } from "@/lib/agents";
import { formatBytes, formatPgVersions } from "@/lib/format";
import { type TAgent, useTRPC } from "@/lib/trpc";
import { AddAgentButton } from "./add-agent";

export function AgentsPage() {
  const trpc = useTRPC();
  const { can } = useMe();
  const agents = useQuery(trpc.agents.list.queryOptions());
  const connected = agents.data?.filter((a) => a.connected).length ?? 0;
  return (
    <>
      <PageHeader
        title="Agents"
        description={
          agents.data
            ? `${connected} of ${agents.data.length} connected`
            : "The Tideline daemons on your database and storage hosts"
        }
        actions={can("admin") ? <AddAgentButton /> : null}
      />
      <ErrorText error={agents.error} className="mb-3" />
      <Panel>
        {agents.isLoading ? (
          <Loading what="agents" />
        ) : !agents.data?.length ? (
          <EmptyState title="No agents yet" data-testid="agents-empty">
            An agent runs on every database host and on the storage host.{" "}
            {can("admin") ? "Use “Add agent” to get the install command." : "Ask an admin to add one."}
          </EmptyState>
        ) : (
          <AgentsTable agents={agents.data} />
        )}
      </Panel>
    </>
  );
}

function AgentsTable({ agents }: { agents: TAgent[] }) {
  return (
    <Table data-testid="agents-table">
      <thead>
        <tr>
          <Th>Agent</Th>
          <Th>Connection</Th>
          <Th>Roles</Th>
          <Th>PostgreSQL</Th>
          <Th>ZFS</Th>
          <Th>Pools</Th>
          <Th className="text-right">Clusters found</Th>
        </tr>
      </thead>
      <tbody>
        {agents.map((a) => {
          const caps = capabilitiesOf(a);
          return (
            <Tr key={a.id} data-testid="agent-row" data-agent={a.name}>
              <Td>
                <div className="font-medium">{a.name}</div>
                <div className="text-[11px] text-zinc-500">
                  {a.hostname}
                  {a.version ? ` · v${a.version}` : ""}
                  {caps.platform ? ` · ${caps.platform}/${caps.arch ?? "?"}` : ""}
                </div>
              </Td>
              <Td>
                <div className="flex items-center gap-2">
                  <StateBadge
                    state={a.connected ? "connected" : "disconnected"}
                    data-testid="agent-connection"
                  />
                  <span className="text-[12px] text-zinc-500">
                    {a.connected ? (
                      <>
                        since <RelativeTime at={a.connectedAt} />
                      </>
                    ) : (
                      <>
                        last seen <RelativeTime at={a.lastSeenAt} />
                      </>
                    )}
                  </span>
                </div>
              </Td>
              <Td>
                <div className="flex flex-wrap gap-1">
                  {a.roles.length ? (
                    a.roles.map((r) => <Badge key={r}>{r}</Badge>)
                  ) : (
                    <span className="text-zinc-400">—</span>
                  )}
                </div>
              </Td>
              <Td data-testid="agent-pg-versions">{formatPgVersions(caps.postgresVersions)}</Td>
              <Td data-testid="agent-zfs">{caps.zfs ? (caps.zpool ? "yes" : "zfs only") : "no"}</Td>
              <Td>
                {a.pools.length === 0 ? (
                  <span className="text-zinc-400">none</span>
                ) : (
                  <ul className="space-y-0.5">
                    {a.pools.map((p) => (
                      <li key={p.name} className="whitespace-nowrap">
                        <span className="font-mono text-[12px]">{p.name}</span>{" "}
                        <span className="text-zinc-500">({p.driver})</span>{" "}
                        <span className="tabular-nums">
                          {formatBytes(p.freeBytes)} free of {formatBytes(p.sizeBytes)}
                        </span>
                      </li>
                    ))}
                  </ul>
                )}
              </Td>
              <Td className="text-right tabular-nums">{discoveredClustersOf(a).length}</Td>
            </Tr>
          );
        })}
      </tbody>
    </Table>
  );
}

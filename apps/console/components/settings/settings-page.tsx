"use client";
// Settings: users and roles, notification webhooks and the audit log (admins), API tokens
// (everyone, their own), and each cluster's schedule and retention policy at a glance, edited on
// the cluster's page.
import { useQueries, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { AuditLog } from "@/components/audit/audit-log";
import { useMe } from "@/components/auth/use-me";
import { TokensPanel } from "@/components/tokens/tokens-panel";
import { ErrorText } from "@/components/ui/error-text";
import { EmptyState, Loading, PageHeader, Panel } from "@/components/ui/page";
import { Table, Td, Th, Tr } from "@/components/ui/table";
import { RelativeTime } from "@/components/ui/time";
import { UsersPanel } from "@/components/users/users-panel";
import { WebhooksPanel } from "@/components/webhooks/webhooks-panel";
import { useTRPC } from "@/lib/trpc";

const SECTIONS = [
  { id: "users", label: "Users and roles", admin: true },
  { id: "tokens", label: "API tokens", admin: false },
  { id: "policies", label: "Schedules and retention", admin: false },
  { id: "webhooks", label: "Notification webhooks", admin: true },
  { id: "audit", label: "Audit log", admin: true },
] as const;

export function SettingsPage() {
  const { can, me } = useMe();
  const admin = can("admin");
  const sections = SECTIONS.filter((s) => admin || !s.admin);
  return (
    <>
      <PageHeader
        title="Settings"
        description={
          admin
            ? "Users, tokens, policies, notification webhooks and the audit log"
            : `Signed in as ${me?.role ?? "…"}: users, webhooks and the audit log are for admins`
        }
      />
      <nav aria-label="Settings sections" className="mb-4 flex gap-3 text-[12px]">
        {sections.map((s) => (
          <a key={s.id} href={`#${s.id}`} className="text-sky-700 hover:underline dark:text-sky-400">
            {s.label}
          </a>
        ))}
      </nav>
      <div className="grid gap-4">
        {admin && (
          <Section id="users" title="Users and roles">
            <UsersPanel />
          </Section>
        )}
        <Section id="tokens" title="API tokens">
          <TokensPanel />
        </Section>
        <Section id="policies" title="Schedules and retention">
          <PoliciesSummary />
        </Section>
        {admin && (
          <Section id="webhooks" title="Notification webhooks">
            <WebhooksPanel />
          </Section>
        )}
        {admin && (
          <Section id="audit" title="Audit log">
            <AuditLog />
          </Section>
        )}
      </div>
    </>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <Panel id={id} aria-labelledby={`${id}-title`} data-testid={`settings-${id}`} className="scroll-mt-4">
      <h2
        id={`${id}-title`}
        className="border-b border-zinc-200 px-3 py-2 font-semibold dark:border-zinc-800"
      >
        {title}
      </h2>
      {children}
    </Panel>
  );
}

function describePolicy(r: Record<string, number>): string {
  const parts: string[] = [];
  if (r.keepLast !== undefined) parts.push(`last ${r.keepLast}`);
  for (const k of ["hourly", "daily", "weekly", "monthly"] as const)
    if (r[k] !== undefined) parts.push(`${r[k]} ${k}`);
  if (r.windowDays !== undefined) parts.push(`everything from the last ${r.windowDays} d`);
  return parts.length ? parts.join(", ") : "keep everything";
}

/** Per cluster: schedule and retention (read-only; edited on the cluster's page). */
function PoliciesSummary() {
  const trpc = useTRPC();
  const clusters = useQuery(trpc.clusters.list.queryOptions());
  const details = useQueries({
    queries: (clusters.data ?? []).map((c) => trpc.clusters.get.queryOptions({ cluster: c.name })),
  });
  if (clusters.isLoading) return <Loading what="clusters" />;
  if (clusters.error) return <ErrorText error={clusters.error} className="m-3" />;
  if (!clusters.data?.length) return <EmptyState title="No clusters yet" />;
  return (
    <Table data-testid="policies-table">
      <thead>
        <tr>
          <Th>Cluster</Th>
          <Th>Restore points every</Th>
          <Th>Next</Th>
          <Th>Retention</Th>
          <Th>
            <span className="sr-only">Edit</span>
          </Th>
        </tr>
      </thead>
      <tbody>
        {clusters.data.map((c, i) => {
          const d = details[i]?.data;
          return (
            <Tr key={c.id} data-testid="policy-row" data-cluster={c.name}>
              <Td className="font-medium">{c.name}</Td>
              <Td className="font-mono text-[12px]">{c.snapshotSchedule}</Td>
              <Td>{d?.nextSnapshotAt ? <RelativeTime at={d.nextSnapshotAt} /> : "—"}</Td>
              <Td data-testid="policy-retention">{d ? describePolicy(d.retention) : "…"}</Td>
              <Td className="text-right">
                <Link
                  href={`/clusters/${encodeURIComponent(c.name)}#settings`}
                  className="text-sky-700 hover:underline dark:text-sky-400"
                >
                  Edit on the cluster page →
                </Link>
              </Td>
            </Tr>
          );
        })}
      </tbody>
    </Table>
  );
}

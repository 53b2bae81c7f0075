"use client";
// Notification webhooks (admins): where the coordinator POSTs cluster health changes, drill
// results, failed jobs and ready clones. Each row sends a test delivery on demand, opens its
// delivery log, and is deleted after a confirmation. The API refuses all of it to non-admins.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Fragment, useState } from "react";
import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/error-text";
import { EmptyState, Loading } from "@/components/ui/page";
import { Badge } from "@/components/ui/state-badge";
import { Table, Td, Th, Tr } from "@/components/ui/table";
import { RelativeTime } from "@/components/ui/time";
import { type TWebhook, useTRPC } from "@/lib/trpc";
import { NewWebhookForm } from "./new-webhook-form";
import { WebhookDeliveries } from "./webhook-deliveries";

const COLUMNS = 5;

export function WebhooksPanel() {
  const trpc = useTRPC();
  const hooks = useQuery(trpc.webhooks.list.queryOptions());
  return (
    <div className="space-y-4 p-4">
      <ErrorText error={hooks.error} />
      {hooks.isLoading ? (
        <Loading what="webhooks" />
      ) : !hooks.data?.length ? (
        <EmptyState title="No webhooks" data-testid="webhooks-empty">
          Add one to hear about health changes, drill results, failed jobs and ready clones where your team
          already looks.
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded border border-zinc-200 dark:border-zinc-800">
          <Table data-testid="webhooks-table">
            <thead>
              <tr>
                <Th>Webhook</Th>
                <Th>Events</Th>
                <Th>Last delivery</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
                <Th>
                  <span className="sr-only">Delete</span>
                </Th>
              </tr>
            </thead>
            <tbody>
              {hooks.data.map((h) => (
                <WebhookRow key={h.id} hook={h} />
              ))}
            </tbody>
          </Table>
        </div>
      )}
      <NewWebhookForm />
    </div>
  );
}

function WebhookRow({ hook: h }: { hook: TWebhook }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const refresh = () => queryClient.invalidateQueries(trpc.webhooks.pathFilter());
  const test = useMutation(trpc.webhooks.test.mutationOptions({ onSettled: refresh }));
  const remove = useMutation(trpc.webhooks.remove.mutationOptions({ onSuccess: refresh }));
  const logId = `webhook-log-${h.id}`;
  return (
    <Fragment>
      <Tr data-testid="webhook-row" data-name={h.name}>
        <Td className="max-w-72">
          <div className="flex items-center gap-1.5">
            <span className="font-medium">{h.name}</span>
            {!h.enabled && <Badge tone="warn">disabled</Badge>}
          </div>
          <div
            className="truncate font-mono text-[12px] text-zinc-500"
            title={h.url}
            data-testid="webhook-url"
          >
            {h.url}
          </div>
        </Td>
        <Td data-testid="webhook-events">
          {h.events.length === 0 ? (
            <span className="text-zinc-500">all events</span>
          ) : (
            <span className="flex flex-wrap gap-1">
              {h.events.map((e) => (
                <Badge key={e} className="font-mono" data-testid="webhook-event">
                  {e}
                </Badge>
              ))}
            </span>
          )}
        </Td>
        <Td data-testid="webhook-last-delivery">
          {h.lastDelivery ? (
            <span className="inline-flex items-center gap-1.5">
              <Badge tone={h.lastDelivery.ok ? "good" : "bad"}>
                {h.lastDelivery.ok ? "ok" : "failed"}
                {h.lastDelivery.status !== null && ` · ${h.lastDelivery.status}`}
              </Badge>
              <RelativeTime at={h.lastDelivery.at} className="text-[12px] text-zinc-500" />
            </span>
          ) : (
            <span className="text-zinc-400">none yet</span>
          )}
        </Td>
        <Td>
          <span className="inline-flex items-center gap-1">
            <Button
              onClick={() => test.mutate({ id: h.id })}
              disabled={test.isPending}
              data-testid="webhook-test"
            >
              {test.isPending ? "Sending…" : "Send test"}
            </Button>
            <Button
              variant="ghost"
              aria-expanded={open}
              aria-controls={logId}
              onClick={() => setOpen((o) => !o)}
              data-testid="webhook-deliveries-toggle"
            >
              {open ? "Hide deliveries" : "Deliveries"}
            </Button>
          </span>
          <TestResult result={test.data} />
          <ErrorText error={test.error} className="mt-1" />
        </Td>
        <Td className="text-right">
          {confirming ? (
            <span className="inline-flex gap-1">
              <Button
                variant="danger"
                onClick={() => remove.mutate({ id: h.id })}
                disabled={remove.isPending}
                data-testid="webhook-delete-confirm"
              >
                Delete {h.name}
              </Button>
              <Button
                variant="ghost"
                onClick={() => setConfirming(false)}
                data-testid="webhook-delete-cancel"
              >
                Cancel
              </Button>
            </span>
          ) : (
            <Button variant="ghost" onClick={() => setConfirming(true)} data-testid="webhook-delete">
              Delete…
            </Button>
          )}
          <ErrorText error={remove.error} className="mt-1" />
        </Td>
      </Tr>
      {open && (
        <tr id={logId}>
          <td
            colSpan={COLUMNS}
            className="border-b border-zinc-200 bg-zinc-50 px-3 py-2 dark:border-zinc-800 dark:bg-zinc-950/40"
          >
            <WebhookDeliveries id={h.id} name={h.name} />
          </td>
        </tr>
      )}
    </Fragment>
  );
}

/** What "Send test" got back: the receiver's status, or why nothing was delivered. */
function TestResult({
  result,
}: {
  result: { ok: boolean; status: number | null; error: string | null } | undefined;
}) {
  if (!result) return null;
  return (
    <p
      className={`mt-1 text-[12px] ${result.ok ? "text-emerald-700 dark:text-emerald-300" : "text-red-700 dark:text-red-300"}`}
      role="status"
      data-testid="webhook-test-result"
      data-ok={result.ok}
    >
      {result.ok
        ? `Delivered: HTTP ${result.status}`
        : `Not delivered: ${result.error ?? (result.status !== null ? `HTTP ${result.status}` : "no answer")}`}
    </p>
  );
}

"use client";
// A webhook's delivery log, newest first: every attempt the coordinator made, test or event,
// with the receiver's HTTP status or the reason it never answered, and how long it took.
import { useQuery } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/error-text";
import { Loading } from "@/components/ui/page";
import { Badge } from "@/components/ui/state-badge";
import { Table, Td, Th, Tr } from "@/components/ui/table";
import { formatDateTime, formatDuration } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";

const LIMIT = 50;

export function WebhookDeliveries({ id, name }: { id: string; name: string }) {
  const trpc = useTRPC();
  // deliveries are not live events: they are fetched when the log opens, after "Send test",
  // and on "Refresh"
  const deliveries = useQuery(trpc.webhooks.deliveries.queryOptions({ id, limit: LIMIT }, { staleTime: 0 }));
  return (
    <div className="space-y-2" data-testid="webhook-deliveries">
      <div className="flex items-center justify-between gap-2">
        <h4 className="text-[12px] font-semibold text-zinc-600 dark:text-zinc-300">
          Deliveries to {name} <span className="font-normal text-zinc-500">(the last {LIMIT})</span>
        </h4>
        <Button
          variant="ghost"
          onClick={() => void deliveries.refetch()}
          disabled={deliveries.isFetching}
          data-testid="webhook-deliveries-refresh"
        >
          {deliveries.isFetching ? "Refreshing…" : "Refresh"}
        </Button>
      </div>
      <ErrorText error={deliveries.error} />
      {deliveries.isLoading ? (
        <Loading what="deliveries" />
      ) : !deliveries.data?.length ? (
        <p className="py-2 text-zinc-500" data-testid="webhook-deliveries-empty">
          Nothing delivered yet. “Send test” sends one now.
        </p>
      ) : (
        <Table className="rounded border border-zinc-200 dark:border-zinc-800">
          <thead>
            <tr>
              <Th>When</Th>
              <Th>Event</Th>
              <Th>Result</Th>
              <Th className="text-right">Status</Th>
              <Th className="text-right">Took</Th>
              <Th>Error</Th>
            </tr>
          </thead>
          <tbody>
            {deliveries.data.map((d) => (
              <Tr key={d.id} data-testid="webhook-delivery-row" data-ok={d.ok} data-event={d.event}>
                <Td className="tabular-nums">{formatDateTime(d.at)}</Td>
                <Td className="font-mono text-[12px]">{d.event}</Td>
                <Td>
                  <Badge tone={d.ok ? "good" : "bad"}>{d.ok ? "delivered" : "failed"}</Badge>
                </Td>
                <Td className="text-right tabular-nums" data-testid="webhook-delivery-status">
                  {d.status ?? "—"}
                </Td>
                <Td className="text-right tabular-nums">{formatDuration(d.durationMs)}</Td>
                <Td
                  className="max-w-80 truncate text-[12px] text-red-700 dark:text-red-300"
                  title={d.error ?? undefined}
                  data-testid="webhook-delivery-error"
                >
                  {d.error ?? ""}
                </Td>
              </Tr>
            ))}
          </tbody>
        </Table>
      )}
    </div>
  );
}

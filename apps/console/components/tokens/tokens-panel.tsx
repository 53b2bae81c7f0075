"use client";
// API tokens for the CLI and scripts. A token acts as the user who made it, with their role;
// it is shown once, when created (the coordinator keeps only its hash), and can be revoked.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { ErrorText } from "@/components/ui/error-text";
import { FormField, inputClass } from "@/components/ui/form";
import { EmptyState, Loading } from "@/components/ui/page";
import { Badge } from "@/components/ui/state-badge";
import { Table, Td, Th, Tr } from "@/components/ui/table";
import { RelativeTime } from "@/components/ui/time";
import { fieldErrors } from "@/lib/errors";
import { type TApiToken, useTRPC } from "@/lib/trpc";

export function TokensPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.tokens.list.queryOptions());
  const [name, setName] = useState("");
  const refresh = () => queryClient.invalidateQueries(trpc.tokens.list.queryFilter());
  const create = useMutation(
    trpc.tokens.create.mutationOptions({
      onSuccess: () => {
        setName("");
        void refresh();
      },
    }),
  );
  return (
    <div className="grid gap-4 p-4 lg:grid-cols-[1fr_20rem]">
      <div className="min-w-0">
        <ErrorText error={tokens.error} />
        {tokens.isLoading ? (
          <Loading what="tokens" />
        ) : !tokens.data?.length ? (
          <EmptyState title="No API tokens" data-testid="tokens-empty" />
        ) : (
          <Table data-testid="tokens-table" className="rounded border border-zinc-200 dark:border-zinc-800">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Owner</Th>
                <Th>Created</Th>
                <Th>Last used</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((t) => (
                <TokenRow key={t.id} token={t} onRevoked={refresh} />
              ))}
            </tbody>
          </Table>
        )}
      </div>
      <form
        className="space-y-2 rounded-md border border-zinc-200 p-3 dark:border-zinc-800"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ name: name.trim() });
        }}
        data-testid="new-token-form"
      >
        <h3 className="font-medium">Create a token</h3>
        <FormField
          label="Name"
          name="token-name"
          errors={fieldErrors(create.error).name}
          help="what uses it, e.g. nightly-report"
        >
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              className={inputClass}
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              autoComplete="off"
              data-testid="new-token-name"
            />
          )}
        </FormField>
        <ErrorText error={create.error && !fieldErrors(create.error).name ? create.error : null} />
        <Button type="submit" variant="primary" disabled={create.isPending} data-testid="new-token-submit">
          Create token
        </Button>
        {create.data && (
          <div
            className="space-y-1 rounded-md border border-amber-300 bg-amber-50 p-2 dark:border-amber-800 dark:bg-amber-950/40"
            data-testid="new-token"
          >
            <p className="text-[12px] text-amber-900 dark:text-amber-200">
              Copy it now: <strong>{create.data.name}</strong> is not shown again.
            </p>
            <code className="block font-mono text-[12px] break-all" data-testid="new-token-value">
              {create.data.token}
            </code>
            <CopyButton text={create.data.token} label="Copy token" />
          </div>
        )}
      </form>
    </div>
  );
}

function TokenRow({ token: t, onRevoked }: { token: TApiToken; onRevoked: () => void }) {
  const trpc = useTRPC();
  const [confirming, setConfirming] = useState(false);
  const revoke = useMutation(trpc.tokens.revoke.mutationOptions({ onSuccess: onRevoked }));
  return (
    <Tr data-testid="token-row" data-name={t.name}>
      <Td className="font-medium">{t.name}</Td>
      <Td>{t.owner}</Td>
      <Td>
        <RelativeTime at={t.createdAt} />
      </Td>
      <Td>
        {t.lastUsedAt ? <RelativeTime at={t.lastUsedAt} /> : <span className="text-zinc-400">never</span>}
      </Td>
      <Td className="text-right">
        {t.revokedAt ? (
          <Badge tone="neutral" data-testid="token-revoked">
            revoked <RelativeTime at={t.revokedAt} />
          </Badge>
        ) : confirming ? (
          <span className="inline-flex gap-1">
            <Button
              variant="danger"
              onClick={() => revoke.mutate({ id: t.id })}
              disabled={revoke.isPending}
              data-testid="token-revoke-confirm"
            >
              Revoke now
            </Button>
            <Button variant="ghost" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
          </span>
        ) : (
          <Button variant="ghost" onClick={() => setConfirming(true)} data-testid="token-revoke">
            Revoke…
          </Button>
        )}
        <ErrorText error={revoke.error} />
      </Td>
    </Tr>
  );
}

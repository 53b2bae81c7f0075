"use client";
// Adding a notification webhook: a name, an http(s) URL and the events it wants (none ticked
// means every event). The coordinator validates it and answers with the signing secret, which
// is shown here once, with how deliveries are signed, and never again.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { ErrorText } from "@/components/ui/error-text";
import { FormField, inputClass } from "@/components/ui/form";
import { fieldErrors } from "@/lib/errors";
import { type TWebhookEvent, useTRPC } from "@/lib/trpc";
import { SIGNATURE_HEADER, WEBHOOK_EVENTS } from "@/lib/webhooks";

const EMPTY = { name: "", url: "", events: [] as TWebhookEvent[] };

export function NewWebhookForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [f, setF] = useState(EMPTY);
  const create = useMutation(
    trpc.webhooks.create.mutationOptions({
      onSuccess: () => {
        setF(EMPTY);
        void queryClient.invalidateQueries(trpc.webhooks.list.queryFilter());
      },
    }),
  );
  const errs = fieldErrors(create.error);
  const other = create.error && Object.keys(errs).length === 0 ? create.error : null;
  // kept in the catalog's order, whatever order they were ticked in
  const toggle = (event: TWebhookEvent, on: boolean) =>
    setF((p) => ({
      ...p,
      events: WEBHOOK_EVENTS.map((e) => e.event).filter((e) => (e === event ? on : p.events.includes(e))),
    }));
  return (
    <form
      className="space-y-2 rounded-md border border-zinc-200 p-3 dark:border-zinc-800"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({ name: f.name.trim(), url: f.url.trim(), events: f.events });
      }}
      data-testid="new-webhook-form"
    >
      <h3 className="font-medium">Add a webhook</h3>
      <div className="grid gap-4 lg:grid-cols-2">
        <div className="space-y-2">
          <FormField label="Name" name="webhook-name" errors={errs.name} help="e.g. ops-chat">
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                className={inputClass}
                value={f.name}
                onChange={(e) => setF((p) => ({ ...p, name: e.target.value }))}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                autoComplete="off"
                data-testid="new-webhook-name"
              />
            )}
          </FormField>
          <FormField
            label="URL"
            name="webhook-url"
            errors={errs.url}
            help="receives a JSON POST per event; http or https"
          >
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                type="url"
                className={`${inputClass} font-mono`}
                value={f.url}
                onChange={(e) => setF((p) => ({ ...p, url: e.target.value }))}
                placeholder="https://hooks.example.com/tideline"
                aria-describedby={describedBy}
                aria-invalid={invalid}
                autoComplete="off"
                spellCheck={false}
                data-testid="new-webhook-url"
              />
            )}
          </FormField>
        </div>
        <fieldset className="min-w-0" aria-describedby="new-webhook-events-help">
          <legend className="mb-1 font-medium">Events</legend>
          <div className="space-y-1">
            {WEBHOOK_EVENTS.map((e) => (
              <label key={e.event} className="flex items-start gap-2">
                <input
                  type="checkbox"
                  className="mt-0.5"
                  checked={f.events.includes(e.event)}
                  onChange={(ev) => toggle(e.event, ev.target.checked)}
                  data-testid={`new-webhook-event-${e.event}`}
                />
                <span>
                  <span className="font-mono text-[12px]">{e.event}</span>
                  <span className="block text-[12px] text-zinc-500 dark:text-zinc-400">{e.when}</span>
                </span>
              </label>
            ))}
          </div>
          <p id="new-webhook-events-help" className="mt-1 text-[12px] text-zinc-500 dark:text-zinc-400">
            none ticked: every event
          </p>
          {errs.events && (
            <p
              className="mt-1 text-[12px] text-red-700 dark:text-red-300"
              data-testid="field-error-webhook-events"
            >
              {errs.events.join(", ")}
            </p>
          )}
        </fieldset>
      </div>
      <ErrorText error={other} />
      <Button type="submit" variant="primary" disabled={create.isPending} data-testid="new-webhook-submit">
        Add webhook
      </Button>
      {create.data && (
        <div
          className="space-y-1.5 rounded-md border border-amber-300 bg-amber-50 p-2 dark:border-amber-800 dark:bg-amber-950/40"
          data-testid="new-webhook-secret"
        >
          <p className="text-[12px] text-amber-900 dark:text-amber-200">
            Signing secret of <strong>{create.variables?.name}</strong>: copy it now, it is not shown again.
          </p>
          <code className="block font-mono text-[12px] break-all" data-testid="new-webhook-secret-value">
            {create.data.secret}
          </code>
          <p className="text-[12px] text-zinc-600 dark:text-zinc-400">
            Every delivery carries{" "}
            <code className="font-mono break-all">
              {SIGNATURE_HEADER}: sha256=&lt;hex HMAC-SHA256 of the body&gt;
            </code>
            , keyed with this secret. Compute it over the raw request body and compare before trusting it.
          </p>
          <div className="flex gap-1">
            <CopyButton text={create.data.secret} label="Copy secret" data-testid="new-webhook-secret-copy" />
            <Button variant="ghost" onClick={() => create.reset()} data-testid="new-webhook-secret-hide">
              Done
            </Button>
          </div>
        </div>
      )}
    </form>
  );
}

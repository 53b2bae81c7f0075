"use client";
// "Add agent" (admins): creates a short-lived enrollment token and shows the exact command to
// run on the new host. The token is shown once; the coordinator keeps only its hash.
import { useMutation } from "@tanstack/react-query";
import { useRef } from "react";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { ErrorText } from "@/components/ui/error-text";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";

export function AddAgentButton() {
  const trpc = useTRPC();
  const dialog = useRef<HTMLDialogElement>(null);
  const create = useMutation(trpc.agents.createEnrollmentToken.mutationOptions());

  const open = () => {
    create.reset();
    create.mutate({});
    dialog.current?.showModal();
  };

  return (
    <>
      <Button variant="primary" onClick={open} data-testid="add-agent">
        Add agent
      </Button>
      <dialog
        ref={dialog}
        aria-labelledby="add-agent-title"
        data-testid="add-agent-dialog"
        className="m-auto w-[min(44rem,calc(100vw-2rem))] rounded-lg border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/40 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100"
      >
        <div className="space-y-3 p-5">
          <h2 id="add-agent-title" className="text-base font-semibold">
            Add an agent
          </h2>
          <p className="text-zinc-600 dark:text-zinc-400">
            Run this on the new host (a database host or the storage host) from a Tideline checkout, as root.
            The agent trades the enrollment token for its own secret the first time it connects; the token
            then stops working.
          </p>
          {create.isPending && <p className="text-zinc-500">Creating an enrollment token…</p>}
          <ErrorText error={create.error} />
          {create.data && (
            <>
              <div>
                <div className="mb-1 flex items-center justify-between">
                  <span className="text-[11px] font-semibold tracking-wide text-zinc-500 uppercase">
                    Install command
                  </span>
                  <CopyButton
                    text={create.data.installCommand}
                    label="Copy command"
                    data-testid="copy-install-command"
                  />
                </div>
                <pre
                  data-testid="install-command"
                  className="overflow-x-auto rounded-md bg-zinc-950 px-3 py-2 font-mono text-[12px] whitespace-pre-wrap break-all text-zinc-100"
                >
                  {create.data.installCommand}
                </pre>
              </div>
              <div>
                <div className="mb-1 flex items-center justify-between">
                  <span className="text-[11px] font-semibold tracking-wide text-zinc-500 uppercase">
                    Enrollment token
                  </span>
                  <CopyButton text={create.data.token} label="Copy token" />
                </div>
                <code
                  data-testid="enrollment-token"
                  className="block rounded-md bg-zinc-100 px-3 py-1.5 font-mono text-[12px] break-all dark:bg-zinc-800"
                >
                  {create.data.token}
                </code>
                <p className="mt-1 text-[12px] text-zinc-500">
                  Valid once, until{" "}
                  <span data-testid="enrollment-expires">{formatDateTime(create.data.expiresAt)}</span>.
                </p>
              </div>
            </>
          )}
          <div className="flex justify-end pt-1">
            <Button onClick={() => dialog.current?.close()} data-testid="add-agent-close">
              Done
            </Button>
          </div>
        </div>
      </dialog>
    </>
  );
}

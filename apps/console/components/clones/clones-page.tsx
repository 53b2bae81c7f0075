"use client";
// Clones: every restore (and drill) clone with its owner, source cluster, target, age, time left,
// size and state; operators extend, protect and destroy them (destroying asks first). Live:
// clone events refetch the list.
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { useMe } from "@/components/auth/use-me";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog } from "@/components/ui/dialog";
import { ErrorText } from "@/components/ui/error-text";
import { selectClass } from "@/components/ui/form";
import { EmptyState, Loading, PageHeader, Panel } from "@/components/ui/page";
import { Badge, type Tone } from "@/components/ui/state-badge";
import { Table, Td, Th, Tr } from "@/components/ui/table";
import { RelativeTime } from "@/components/ui/time";
import { cloneError, describeTarget, LIVE_CLONE_STATES, TTL_OPTIONS } from "@/lib/clones";
import { formatBytes } from "@/lib/format";
import { type TClone, useTRPC } from "@/lib/trpc";

const CLONE_TONES: Record<string, Tone> = {
  creating: "info",
  ready: "good",
  failed: "bad",
  destroying: "warn",
  destroyed: "neutral",
};

export function ClonesPage() {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const cluster = params.get("cluster") || undefined;
  // local state answers the click at once; the URL (for reloads and links) follows
  const [showAll, setShowAll] = useState(params.get("all") === "1");
  const clones = useQuery(
    trpc.clones.list.queryOptions(
      { cluster, includeDestroyed: showAll },
      { placeholderData: (prev) => prev },
    ),
  );
  const live = (clones.data ?? []).filter((c) => LIVE_CLONE_STATES.has(c.state)).length;
  const setParam = (k: string, v: string | null) => {
    const next = new URLSearchParams(params.toString());
    if (v) next.set(k, v);
    else next.delete(k);
    const s = next.toString();
    router.replace(s ? `${pathname}?${s}` : pathname, { scroll: false });
  };
  return (
    <>
      <PageHeader
        title="Clones"
        description={
          clones.data
            ? `${live} running${cluster ? ` from ${cluster}` : ""} · restore one from a cluster's page`
            : "Running copies of clusters as of a point in time"
        }
        actions={
          <div className="flex items-center gap-3">
            {cluster && (
              <Button variant="ghost" onClick={() => setParam("cluster", null)}>
                All clusters
              </Button>
            )}
            <label className="flex items-center gap-1.5 text-zinc-600 dark:text-zinc-400">
              <input
                type="checkbox"
                checked={showAll}
                onChange={(e) => {
                  setShowAll(e.target.checked);
                  setParam("all", e.target.checked ? "1" : null);
                }}
                data-testid="clones-show-destroyed"
              />
              Show destroyed
            </label>
          </div>
        }
      />
      <ErrorText error={clones.error} className="mb-3" />
      <Panel>
        {clones.isLoading ? (
          <Loading what="clones" />
        ) : !clones.data?.length ? (
          <EmptyState title="No clones" data-testid="clones-empty">
            A restore to a point in time creates one: open a cluster from the{" "}
            <Link href="/" className="text-sky-700 underline dark:text-sky-400">
              fleet
            </Link>{" "}
            and click a time on its timeline.
          </EmptyState>
        ) : (
          <ClonesTable clones={clones.data} />
        )}
      </Panel>
    </>
  );
}

function ClonesTable({ clones }: { clones: TClone[] }) {
  const { can } = useMe();
  return (
    <Table data-testid="clones-table">
      <thead>
        <tr>
          <Th>Clone</Th>
          <Th>Cluster</Th>
          <Th>Owner</Th>
          <Th>Target</Th>
          <Th>State</Th>
          <Th>Age</Th>
          <Th>Time left</Th>
          <Th className="text-right">Size</Th>
          {can("operator") && <Th>Actions</Th>}
        </tr>
      </thead>
      <tbody>
        {clones.map((c) => (
          <CloneRow key={c.id} clone={c} operator={can("operator")} />
        ))}
      </tbody>
    </Table>
  );
}

function CloneRow({ clone: c, operator }: { clone: TClone; operator: boolean }) {
  const live = LIVE_CLONE_STATES.has(c.state);
  const failure = c.state === "failed" ? cloneError(c.error) : null;
  return (
    <Tr data-testid="clone-row" data-clone={c.id} data-state={c.state}>
      <Td className="whitespace-normal">
        <div className="font-mono text-[12px]">{c.id}</div>
        {c.purpose === "drill" && <Badge tone="info">drill</Badge>}
        {c.purpose === "table-restore" && <Badge tone="info">table restore</Badge>}
        {c.sourceCloneId && (
          <div className="text-[11px] text-zinc-500" data-testid="clone-source">
            copy of {c.sourceCloneId}
          </div>
        )}
        {c.state === "ready" && c.connectionString && (
          <div className="mt-0.5 flex items-center gap-1.5">
            <span className="font-mono text-[11px] text-zinc-500" data-testid="clone-address">
              {c.host}:{c.port}
            </span>
            <CopyButton
              text={c.connectionString}
              label="Copy"
              title="Copy the connection string"
              className="px-1.5 py-0 text-[11px]"
              data-testid="clone-copy"
            />
          </div>
        )}
        {failure && (
          <div className="mt-0.5 max-w-xs text-[12px] text-red-700 dark:text-red-300">{failure}</div>
        )}
      </Td>
      <Td>
        <Link href={`/clusters/${encodeURIComponent(c.cluster)}`} className="hover:underline">
          {c.cluster}
        </Link>
      </Td>
      <Td>{c.owner ?? <span className="text-zinc-400">scheduler</span>}</Td>
      <Td className="max-w-56 truncate" title={describeTarget(c.target)} data-testid="clone-target">
        {describeTarget(c.target)}
      </Td>
      <Td>
        <Badge tone={CLONE_TONES[c.state] ?? "neutral"} data-testid="clone-state" data-state={c.state}>
          {c.state === "creating" && (
            <span aria-hidden className="size-1.5 animate-pulse rounded-full bg-current" />
          )}
          {c.state}
        </Badge>
        {c.protected && (
          <Badge tone="info" className="ml-1" data-testid="clone-protected-badge">
            protected
          </Badge>
        )}
      </Td>
      <Td>
        <RelativeTime at={c.createdAt} />
      </Td>
      <Td data-testid="clone-ttl">
        {!live ? (
          <span className="text-zinc-400">—</span>
        ) : c.protected ? (
          "kept (protected)"
        ) : c.expiresAt ? (
          <RelativeTime at={c.expiresAt} />
        ) : (
          "no expiry"
        )}
      </Td>
      <Td className="text-right tabular-nums">
        <span data-testid="clone-size">{formatBytes(c.sizeBytes)}</span>
        {live && c.lastActiveAt && (
          <div
            className="text-[11px] text-zinc-500"
            title="the last time a client was connected"
            data-testid="clone-last-active"
          >
            in use <RelativeTime at={c.lastActiveAt} />
          </div>
        )}
      </Td>
      {operator && (
        <Td>
          {live ? <CloneActions clone={c} /> : c.state === "failed" ? <DestroyButton clone={c} /> : null}
        </Td>
      )}
    </Tr>
  );
}

function CloneActions({ clone: c }: { clone: TClone }) {
  const trpc = useTRPC();
  const [ttl, setTtl] = useState("4h");
  const extend = useMutation(trpc.clones.extend.mutationOptions());
  // the switch stays where it was put until the list (refetched live) agrees, or the change fails
  const [wanted, setWanted] = useState<boolean | null>(null);
  const protect = useMutation(trpc.clones.protect.mutationOptions({ onError: () => setWanted(null) }));
  useEffect(() => {
    if (wanted === c.protected) setWanted(null);
  }, [wanted, c.protected]);
  const shownProtected = wanted ?? c.protected;
  // a clone of this clone (its changes included), and this clone back at the end of the WAL
  const copy = useMutation(trpc.clones.copy.mutationOptions());
  const reset = useMutation(trpc.clones.reset.mutationOptions());
  return (
    <div className="flex flex-col gap-1">
      <div className="flex items-center gap-1">
        <select
          aria-label={`New lifetime of ${c.id}, from now`}
          title="New lifetime, counted from now"
          className={`${selectClass} py-0.5 text-[12px]`}
          value={ttl}
          onChange={(e) => setTtl(e.target.value)}
          data-testid="clone-extend-ttl"
        >
          {TTL_OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        <Button
          className="py-0.5 text-[12px]"
          onClick={() => extend.mutate({ id: c.id, ttl })}
          disabled={extend.isPending}
          data-testid="clone-extend"
        >
          Extend
        </Button>
      </div>
      <div className="flex items-center gap-2">
        <label className="flex items-center gap-1 text-[12px]">
          <input
            type="checkbox"
            role="switch"
            aria-checked={shownProtected}
            checked={shownProtected}
            disabled={protect.isPending}
            onChange={(e) => {
              setWanted(e.target.checked);
              protect.mutate({ id: c.id, protected: e.target.checked });
            }}
            data-testid="clone-protect"
          />
          Protect
        </label>
        <DestroyButton clone={c} />
      </div>
      {c.state === "ready" && (
        <div className="flex items-center gap-1">
          <Button
            className="py-0.5 text-[12px]"
            onClick={() => copy.mutate({ id: c.id })}
            disabled={copy.isPending}
            title="A new clone from this one's current data, its changes included"
            data-testid="clone-make-copy"
          >
            Clone this
          </Button>
          {!c.sourceCloneId && (
            <Button
              className="py-0.5 text-[12px]"
              onClick={() => reset.mutate({ id: c.id, target: { kind: "latest" } })}
              disabled={reset.isPending}
              title="The same clone, address and password, recovered again to the newest archived WAL (its changes are lost)"
              data-testid="clone-reset-latest"
            >
              Reset to latest
            </Button>
          )}
        </div>
      )}
      <ErrorText
        error={extend.error ?? protect.error ?? copy.error ?? reset.error}
        className="max-w-sm text-[12px]"
      />
    </div>
  );
}

function DestroyButton({ clone: c }: { clone: TClone }) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const destroy = useMutation(trpc.clones.destroy.mutationOptions({ onSuccess: () => setOpen(false) }));
  return (
    <>
      <Button
        variant="danger"
        className="py-0.5 text-[12px]"
        onClick={() => {
          destroy.reset();
          setOpen(true);
        }}
        disabled={c.protected}
        title={c.protected ? "Protected: unprotect it first" : undefined}
        data-testid="clone-destroy"
      >
        Destroy…
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title="Destroy this clone?"
        width="30rem"
        data-testid="destroy-clone-dialog"
        footer={
          <>
            <Button onClick={() => setOpen(false)} data-testid="destroy-clone-cancel">
              Keep it
            </Button>
            <Button
              variant="danger"
              onClick={() => destroy.mutate({ id: c.id })}
              disabled={destroy.isPending}
              data-testid="destroy-clone-confirm"
            >
              {destroy.isPending ? "Destroying…" : "Destroy clone"}
            </Button>
          </>
        }
      >
        <p>
          Clone <span className="font-mono">{c.id}</span> of <strong>{c.cluster}</strong> (
          {describeTarget(c.target)}) is stopped and its dataset destroyed. Sessions connected to it are cut
          off; what was written to it is gone.
        </p>
        <p className="text-zinc-500">The cluster and its restore points are not touched.</p>
        <ErrorText error={destroy.error} />
      </Dialog>
    </>
  );
}

"use client";
// "Add cluster" (operators): protect a PostgreSQL cluster an agent runs or found. Picking one of
// the agent's discovered clusters fills its data directory and port. The coordinator validates
// everything: its field errors sit under their inputs, its coded errors under the field they are
// about (or above the buttons when they are about no one field).
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ErrorText } from "@/components/ui/error-text";
import { FormField, inputClass, selectClass } from "@/components/ui/form";
import { discoveredClustersOf } from "@/lib/agents";
import { errorCode, errorMessage, fieldErrors } from "@/lib/errors";
import { formatBytes } from "@/lib/format";
import { type RouterInputs, useTRPC } from "@/lib/trpc";

type AddInput = RouterInputs["clusters"]["add"];

export const DEDUP_WARNING =
  "dedup needs about 5 GB of RAM per TB stored and slows writes; leave it off unless your data repeats";

/** Coded errors that are about one field: shown under it. */
const CODE_FIELDS: Record<string, keyof AddInput> = {
  INVALID_NAME: "name",
  CLUSTER_EXISTS: "name",
  AGENT_NOT_FOUND: "agent",
  CLUSTER_UNKNOWN: "pgdata",
  INVALID_STORAGE: "storage",
  POOL_NOT_FOUND: "storage",
  INVALID_SCHEDULE: "snapshotEvery",
  SHARED_NEEDS_STORAGE_HOST: "mode",
};

const COMPRESSION = ["on", "lz4", "zstd", "gzip", "lzjb", "off"] as const;

interface FormState {
  name: string;
  agent: string;
  pgdata: string;
  port: string;
  storage: string;
  mode: "replica" | "shared";
  snapshotEvery: string;
  replicationConninfo: string;
  sharedDataset: string;
  compression: string;
  dedup: boolean;
}

const EMPTY: FormState = {
  name: "",
  agent: "",
  pgdata: "",
  port: "",
  storage: "",
  mode: "replica",
  snapshotEvery: "15m",
  replicationConninfo: "",
  sharedDataset: "",
  compression: "",
  dedup: false,
};

export function AddClusterButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="primary" onClick={() => setOpen(true)} data-testid="add-cluster">
        Add cluster
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title="Add a cluster"
        description="Tideline streams its WAL to the storage host and takes restore points on a schedule."
        width="46rem"
        data-testid="add-cluster-dialog"
      >
        <AddClusterForm onDone={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

function AddClusterForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const agents = useQuery(trpc.agents.list.queryOptions());
  const storage = useQuery(trpc.storage.list.queryOptions());
  const clusters = useQuery(trpc.clusters.list.queryOptions());
  const [f, setF] = useState<FormState>(EMPTY);
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setF((prev) => ({ ...prev, [k]: v }));

  const add = useMutation(
    trpc.clusters.add.mutationOptions({
      onSuccess: (_r, input) => {
        onDone();
        router.push(`/clusters/${encodeURIComponent(input.name)}`);
      },
    }),
  );

  const dbAgents = (agents.data ?? []).filter((a) => a.roles.length === 0 || a.roles.includes("database"));
  const pools = storage.data ?? [];
  // sensible defaults once the lists arrive: the first agent, a ZFS pool if there is one
  const firstAgent = dbAgents[0]?.name;
  // copy-on-write pools first: a directory pool copies the whole data directory per restore point
  const firstPool = (pools.find((p) => p.driver === "zfs" || p.driver === "btrfs") ?? pools[0])?.ref;
  useEffect(() => {
    if (firstAgent) setF((prev) => (prev.agent ? prev : { ...prev, agent: firstAgent }));
  }, [firstAgent]);
  useEffect(() => {
    if (firstPool) setF((prev) => (prev.storage ? prev : { ...prev, storage: firstPool }));
  }, [firstPool]);

  const agent = dbAgents.find((a) => a.name === f.agent);
  const protectedDirs = useMemo(
    () => new Map((clusters.data ?? []).map((c) => [`${c.agentName}:${c.pgdata}`, c.name])),
    [clusters.data],
  );
  const found = agent ? discoveredClustersOf(agent) : [];

  const errors: Record<string, string[]> = { ...fieldErrors(add.error) };
  const code = errorCode(add.error);
  const codeField = code ? CODE_FIELDS[code] : undefined;
  if (codeField) errors[codeField] = [...(errors[codeField] ?? []), errorMessage(add.error)];
  const formError = add.error && !codeField && Object.keys(errors).length === 0 ? add.error : null;

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const port = f.port.trim() ? Number(f.port) : undefined;
    add.mutate({
      name: f.name.trim(),
      agent: f.agent,
      pgdata: f.pgdata.trim() || undefined,
      port: port !== undefined && Number.isFinite(port) ? port : undefined,
      storage: f.storage,
      mode: f.mode,
      snapshotEvery: f.snapshotEvery.trim(),
      replicationConninfo: f.replicationConninfo.trim() || undefined,
      sharedDataset: f.mode === "shared" ? f.sharedDataset.trim() || undefined : undefined,
      // unset: the cluster's datasets inherit the pool's settings (`tideline storage set`)
      compression: f.compression || undefined,
      dedup: f.dedup || undefined,
    });
  };

  return (
    <form onSubmit={submit} noValidate className="space-y-3" data-testid="add-cluster-form">
      <div className="grid grid-cols-2 gap-3">
        <FormField label="Name" name="name" errors={errors.name} help="lowercase letters, digits, - and _">
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              className={inputClass}
              value={f.name}
              onChange={(e) => set("name", e.target.value)}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              placeholder="orders-main"
              autoComplete="off"
              data-testid="add-cluster-name"
            />
          )}
        </FormField>
        <FormField label="Database host (agent)" name="agent" errors={errors.agent}>
          {({ id, describedBy, invalid }) => (
            <select
              id={id}
              className={`${selectClass} w-full`}
              value={f.agent}
              onChange={(e) => set("agent", e.target.value)}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              data-testid="add-cluster-agent"
            >
              {dbAgents.length === 0 && <option value="">no agents yet</option>}
              {dbAgents.map((a) => (
                <option key={a.id} value={a.name}>
                  {a.name} ({a.hostname}){a.connected ? "" : " — disconnected"}
                </option>
              ))}
            </select>
          )}
        </FormField>
      </div>

      <fieldset className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
        <legend className="px-1 font-medium">PostgreSQL cluster</legend>
        {found.length > 0 ? (
          <div className="mb-3">
            <p className="mb-1 text-[12px] text-zinc-500">
              Found on {f.agent}: pick one, or type its data directory and port.
            </p>
            <ul className="max-h-40 space-y-1 overflow-y-auto" data-testid="add-cluster-discovered">
              {found.map((d) => {
                const taken = protectedDirs.get(`${f.agent}:${d.pgdata}`);
                const chosen = f.pgdata === d.pgdata;
                return (
                  <li key={d.pgdata}>
                    <button
                      type="button"
                      disabled={!!taken}
                      onClick={() =>
                        setF((prev) => ({ ...prev, pgdata: d.pgdata, port: d.port ? String(d.port) : "" }))
                      }
                      data-testid="discovered-cluster"
                      data-pgdata={d.pgdata}
                      aria-pressed={chosen}
                      className={`flex w-full items-center gap-3 rounded-md border px-2 py-1 text-left disabled:cursor-not-allowed disabled:opacity-50 ${
                        chosen
                          ? "border-sky-500 bg-sky-50 dark:bg-sky-950/40"
                          : "border-zinc-200 hover:bg-zinc-50 dark:border-zinc-800 dark:hover:bg-zinc-800/50"
                      }`}
                    >
                      <span className="min-w-0 flex-1 truncate font-mono text-[12px]">{d.pgdata}</span>
                      <span className="shrink-0 text-[12px] text-zinc-500">
                        port {d.port ?? "?"} · PostgreSQL {d.version ?? "?"} · {d.role}
                        {d.running ? "" : " (stopped)"}
                        {taken ? ` · protected as ${taken}` : ""}
                      </span>
                    </button>
                  </li>
                );
              })}
            </ul>
          </div>
        ) : (
          <p className="mb-3 text-[12px] text-zinc-500">
            {f.agent
              ? `${f.agent} has found no clusters: type the data directory and port.`
              : "Pick an agent first."}
          </p>
        )}
        <div className="grid grid-cols-[1fr_8rem] gap-3">
          <FormField label="Data directory" name="pgdata" errors={errors.pgdata}>
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                className={`${inputClass} font-mono`}
                value={f.pgdata}
                onChange={(e) => set("pgdata", e.target.value)}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                placeholder="/var/lib/postgresql/16/main"
                data-testid="add-cluster-pgdata"
              />
            )}
          </FormField>
          <FormField label="Port" name="port" errors={errors.port}>
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                className={inputClass}
                inputMode="numeric"
                value={f.port}
                onChange={(e) => set("port", e.target.value)}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                placeholder="5432"
                data-testid="add-cluster-port"
              />
            )}
          </FormField>
        </div>
        <FormField
          className="mt-3"
          label="Replication connection (optional)"
          name="replicationConninfo"
          errors={errors.replicationConninfo}
          help="libpq conninfo the storage host uses to stream WAL; by default the host's address, user postgres"
        >
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              className={`${inputClass} font-mono`}
              value={f.replicationConninfo}
              onChange={(e) => set("replicationConninfo", e.target.value)}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              placeholder="host=db1.internal port=5432 user=replicator"
              autoComplete="off"
              data-testid="add-cluster-conninfo"
            />
          )}
        </FormField>
      </fieldset>

      <fieldset className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
        <legend className="px-1 font-medium">Protection</legend>
        <div className="grid grid-cols-2 gap-3">
          <FormField label="Storage (host / pool)" name="storage" errors={errors.storage}>
            {({ id, describedBy, invalid }) => (
              <select
                id={id}
                className={`${selectClass} w-full`}
                value={f.storage}
                onChange={(e) => set("storage", e.target.value)}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                data-testid="add-cluster-storage"
              >
                {pools.length === 0 && <option value="">no storage pools yet</option>}
                {pools.map((p) => (
                  <option key={p.id} value={p.ref}>
                    {p.ref} — {p.driver === "directory" ? "directory (a full copy per restore point)" : p.driver},{" "}
                    {formatBytes(p.freeBytes)} free of {formatBytes(p.sizeBytes)}
                    {p.connected ? "" : " (agent disconnected)"}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <FormField
            label="Restore points every"
            name="snapshotEvery"
            errors={errors.snapshotEvery}
            help="15m, 2h, 1d, or cron: */15 * * * *"
          >
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                className={`${inputClass} font-mono`}
                value={f.snapshotEvery}
                onChange={(e) => set("snapshotEvery", e.target.value)}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                data-testid="add-cluster-schedule"
              />
            )}
          </FormField>
        </div>
        <div className="mt-3" role="radiogroup" aria-label="Mode" data-testid="add-cluster-mode">
          <p className="mb-1 font-medium">Mode</p>
          <div className="grid grid-cols-2 gap-2">
            {(
              [
                [
                  "replica",
                  "Shadow replica",
                  "a standby on the storage host follows the primary; snapshots of it are the restore points",
                ],
                [
                  "shared",
                  "Shared storage",
                  "the data directory is a dataset of the storage host; snapshots between pg_backup_start and _stop",
                ],
              ] as const
            ).map(([value, label, help]) => (
              <label
                key={value}
                className={`flex cursor-pointer gap-2 rounded-md border px-2.5 py-1.5 ${
                  f.mode === value
                    ? "border-sky-500 bg-sky-50 dark:bg-sky-950/40"
                    : "border-zinc-200 dark:border-zinc-800"
                }`}
              >
                <input
                  type="radio"
                  name="mode"
                  value={value}
                  checked={f.mode === value}
                  onChange={() => set("mode", value)}
                  className="mt-0.5"
                  data-testid={`add-cluster-mode-${value}`}
                />
                <span>
                  <span className="font-medium">{label}</span>
                  <span className="block text-[12px] text-zinc-500">{help}</span>
                </span>
              </label>
            ))}
          </div>
          {errors.mode && (
            <p className="mt-1 text-[12px] text-red-700 dark:text-red-300" data-testid="field-error-mode">
              {errors.mode.join(", ")}
            </p>
          )}
        </div>
        {f.mode === "shared" && (
          <FormField
            className="mt-3"
            label="Dataset holding the data directory (optional)"
            name="sharedDataset"
            errors={errors.sharedDataset}
            help="found from the data directory's mount when left empty"
          >
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                className={`${inputClass} font-mono`}
                value={f.sharedDataset}
                onChange={(e) => set("sharedDataset", e.target.value)}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                placeholder="tank/pgdata/orders"
              />
            )}
          </FormField>
        )}
        <div className="mt-3 grid grid-cols-2 gap-3">
          <FormField label="Compression" name="compression" errors={errors.compression}>
            {({ id, describedBy, invalid }) => (
              <select
                id={id}
                className={`${selectClass} w-full`}
                value={f.compression}
                onChange={(e) => set("compression", e.target.value)}
                aria-describedby={describedBy}
                aria-invalid={invalid}
              >
                <option value="">the pool's setting</option>
                {COMPRESSION.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <div>
            <label className="mt-6 flex items-center gap-2 font-medium">
              <input
                type="checkbox"
                checked={f.dedup}
                onChange={(e) => set("dedup", e.target.checked)}
                aria-describedby="dedup-warning"
                data-testid="add-cluster-dedup"
              />
              Deduplication
            </label>
          </div>
        </div>
        <p
          id="dedup-warning"
          data-testid="dedup-warning"
          className={`mt-2 rounded-md px-2.5 py-1.5 text-[12px] ${
            f.dedup
              ? "border border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950/50 dark:text-amber-200"
              : "text-zinc-500"
          }`}
        >
          {f.dedup ? "Warning: " : ""}
          {DEDUP_WARNING}.
        </p>
      </fieldset>

      <ErrorText error={formError} />
      <div className="flex justify-end gap-2 pt-1">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" disabled={add.isPending} data-testid="add-cluster-submit">
          {add.isPending ? "Adding…" : "Add cluster"}
        </Button>
      </div>
    </form>
  );
}

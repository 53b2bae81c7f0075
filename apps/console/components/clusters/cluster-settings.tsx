"use client";
// A cluster's settings: the restore point cadence (time and WAL volume) and the retention policy (operators edit,
// with a live preview of what the policy keeps and prunes), and what is fixed once protection
// started (mode, storage, replication connection), shown read-only.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useMe } from "@/components/auth/use-me";
import { RetentionPreview } from "@/components/retention/retention-preview";
import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/error-text";
import { FormField, inputClass } from "@/components/ui/form";
import { Field } from "@/components/ui/page";
import { RelativeTime } from "@/components/ui/time";
import { errorCode, errorMessage, fieldErrors } from "@/lib/errors";
import { formatInZone, type Zone } from "@/lib/time-input";
import { type TClusterDetail, type TRetentionPolicy, useTRPC } from "@/lib/trpc";

const POLICY_FIELDS = [
  { key: "keepLast", label: "Keep last", help: "the N newest" },
  { key: "hourly", label: "Hourly", help: "newest of each of the last N hours" },
  { key: "daily", label: "Daily", help: "… of the last N days" },
  { key: "weekly", label: "Weekly", help: "… of the last N weeks" },
  { key: "monthly", label: "Monthly", help: "… of the last N months" },
  { key: "windowDays", label: "Window (days)", help: "everything newer than N days" },
] as const;
type PolicyKey = (typeof POLICY_FIELDS)[number]["key"];
type PolicyText = Record<PolicyKey, string>;

/** Bytes as the WAL cadence field shows them: "off", "256MiB", "1GiB" (the coordinator parses them back). */
function walText(bytes: number): string {
  if (!bytes) return "off";
  if (bytes % 2 ** 30 === 0) return `${bytes / 2 ** 30}GiB`;
  if (bytes % 2 ** 20 === 0) return `${bytes / 2 ** 20}MiB`;
  return String(bytes);
}

function policyText(r: Record<string, number>): PolicyText {
  const out = {} as PolicyText;
  for (const f of POLICY_FIELDS) out[f.key] = r[f.key] === undefined ? "" : String(r[f.key]);
  return out;
}

/** The policy as typed, or null while a field is not a number (the preview waits for it). */
function policyOf(text: PolicyText): TRetentionPolicy | null {
  const out: TRetentionPolicy = {};
  for (const f of POLICY_FIELDS) {
    const v = text[f.key].trim();
    if (!v) continue;
    const n = Number(v);
    if (!Number.isFinite(n)) return null;
    out[f.key] = n;
  }
  return out;
}

export function ClusterSettings({ cluster, zone }: { cluster: TClusterDetail; zone: Zone }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useMe();
  const editable = can("operator");
  const [schedule, setSchedule] = useState(cluster.snapshotSchedule);
  const [timeZone, setTimeZone] = useState(cluster.scheduleTimeZone);
  const [wal, setWal] = useState(() => walText(cluster.snapshotWalBytes));
  const [policy, setPolicy] = useState<PolicyText>(() => policyText(cluster.retention));
  const parsed = policyOf(policy);
  const dirty =
    schedule.trim() !== cluster.snapshotSchedule ||
    timeZone.trim() !== cluster.scheduleTimeZone ||
    wal.trim() !== walText(cluster.snapshotWalBytes) ||
    JSON.stringify(policy) !== JSON.stringify(policyText(cluster.retention));

  const update = useMutation(
    trpc.clusters.update.mutationOptions({
      onSuccess: () =>
        queryClient.invalidateQueries(trpc.clusters.get.queryFilter({ cluster: cluster.name })),
    }),
  );
  const run = useMutation(trpc.retention.run.mutationOptions());

  const errs = fieldErrors(update.error);
  const code = errorCode(update.error);
  const scheduleErrors = [
    ...(errs.snapshotEvery ?? []),
    ...(code === "INVALID_SCHEDULE" || code === "INVALID_TIME_ZONE" ? [errorMessage(update.error)] : []),
  ];
  const walErrors = [
    ...(errs.snapshotWal ?? []),
    ...(code === "INVALID_SIZE" || code === "INVALID_SNAPSHOT_WAL" ? [errorMessage(update.error)] : []),
  ];
  const retentionErrors = [
    ...(errs.retention ?? []),
    ...(code === "INVALID_RETENTION_POLICY" ? [errorMessage(update.error)] : []),
    ...(parsed === null ? ["every value is a number"] : []),
  ];
  const otherError =
    update.error && scheduleErrors.length === 0 && walErrors.length === 0 && retentionErrors.length === 0
      ? update.error
      : null;

  return (
    <div className="grid gap-5 p-4 lg:grid-cols-[minmax(0,20rem)_1fr]" data-testid="cluster-settings">
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (!parsed) return;
          update.mutate({
            cluster: cluster.name,
            ...(schedule.trim() !== cluster.snapshotSchedule ? { snapshotEvery: schedule.trim() } : {}),
            ...(timeZone.trim() !== cluster.scheduleTimeZone ? { timeZone: timeZone.trim() } : {}),
            ...(wal.trim() !== walText(cluster.snapshotWalBytes) ? { snapshotWal: wal.trim() } : {}),
            retention: parsed,
          });
        }}
      >
        <FormField
          label="Restore points every"
          name="snapshotEvery"
          errors={scheduleErrors}
          help={
            <>
              15m, 2h, 1d, or cron (*/15 * * * *) read in {cluster.scheduleTimeZone}.{" "}
              {cluster.nextSnapshotAt && (
                <>
                  Next: <RelativeTime at={cluster.nextSnapshotAt} />.
                </>
              )}
              {cluster.nextScheduledRuns.length > 0 && (
                <span className="block" data-testid="settings-next-runs">
                  Then: {cluster.nextScheduledRuns.map((t) => formatInZone(new Date(t).getTime(), zone)).join(", ")}
                </span>
              )}
            </>
          }
        >
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              className={`${inputClass} font-mono`}
              value={schedule}
              onChange={(e) => setSchedule(e.target.value)}
              disabled={!editable}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              data-testid="settings-schedule"
            />
          )}
        </FormField>
        <FormField
          label="Time zone of cron schedules"
          name="timeZone"
          help="An IANA name (Europe/Berlin, America/New_York) or UTC; intervals ignore it."
        >
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              className={`${inputClass} font-mono`}
              value={timeZone}
              onChange={(e) => setTimeZone(e.target.value)}
              disabled={!editable}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              list="tideline-time-zones"
              data-testid="settings-time-zone"
            />
          )}
        </FormField>
        <datalist id="tideline-time-zones">
          {Intl.supportedValuesOf("timeZone").map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <FormField
          label="… or every (WAL)"
          name="snapshotWal"
          errors={walErrors}
          help="256MB, 1GiB, or off: a restore point once this much WAL is archived past the newest one, so a busy cluster never leaves a clone long to replay."
        >
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              className={`${inputClass} font-mono`}
              value={wal}
              onChange={(e) => setWal(e.target.value)}
              disabled={!editable}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              data-testid="settings-snapshot-wal"
            />
          )}
        </FormField>
        <fieldset>
          <legend className="mb-1 font-medium">Retention policy</legend>
          <p className="mb-2 text-[12px] text-zinc-500">
            A restore point stays if any rule keeps it; the newest and those with clones always stay. Empty
            fields are off; all empty keeps everything.
          </p>
          <div className="grid grid-cols-2 gap-2">
            {POLICY_FIELDS.map((f) => (
              <label key={f.key} className="block" title={f.help}>
                <span className="block text-[12px] font-medium">{f.label}</span>
                <input
                  className={inputClass}
                  inputMode="numeric"
                  value={policy[f.key]}
                  onChange={(e) => setPolicy((p) => ({ ...p, [f.key]: e.target.value }))}
                  disabled={!editable}
                  placeholder="off"
                  aria-invalid={retentionErrors.length > 0}
                  data-testid={`settings-retention-${f.key}`}
                />
              </label>
            ))}
          </div>
          {retentionErrors.length > 0 && (
            <p
              className="mt-1 text-[12px] text-red-700 dark:text-red-300"
              data-testid="field-error-retention"
            >
              {retentionErrors.join(", ")}
            </p>
          )}
        </fieldset>
        <ErrorText error={otherError} />
        {editable && (
          <div className="flex flex-wrap items-center gap-2">
            <Button
              type="submit"
              variant="primary"
              disabled={!dirty || !parsed || update.isPending}
              data-testid="settings-save"
            >
              {update.isPending ? "Saving…" : "Save settings"}
            </Button>
            {dirty && (
              <Button
                onClick={() => {
                  setSchedule(cluster.snapshotSchedule);
                  setTimeZone(cluster.scheduleTimeZone);
                  setWal(walText(cluster.snapshotWalBytes));
                  setPolicy(policyText(cluster.retention));
                  update.reset();
                }}
              >
                Discard
              </Button>
            )}
            {update.isSuccess && !dirty && (
              <span
                className="text-[12px] text-emerald-700 dark:text-emerald-300"
                data-testid="settings-saved"
              >
                Saved.
              </span>
            )}
          </div>
        )}
        <dl className="grid grid-cols-2 gap-x-4 gap-y-2 border-t border-zinc-200 pt-3 dark:border-zinc-800">
          <Field label="Mode">
            <span data-testid="settings-mode">
              {cluster.mode === "shared" ? "shared storage" : "shadow replica"}
            </span>
          </Field>
          <Field label="Storage">{cluster.pool ?? "—"}</Field>
          <Field label="Database host">{cluster.agent}</Field>
          <Field label="PostgreSQL">{cluster.pgVersion ?? "—"}</Field>
          <div className="col-span-2">
            <Field label="Replication connection">
              <span className="font-mono text-[12px]">{cluster.replicationConninfo ?? "—"}</span>
            </Field>
          </div>
        </dl>
        <p className="text-[12px] text-zinc-500">
          Mode and storage are fixed once protection has started; to change them, remove the cluster and add
          it again.
        </p>
      </form>
      <div className="min-w-0">
        <div className="mb-2 flex items-center justify-between gap-2">
          <h3 className="font-medium">What the policy keeps</h3>
          {editable && (
            <div className="flex items-center gap-2">
              {run.data && (
                <span className="text-[12px] text-zinc-500" data-testid="retention-run-result">
                  {run.data.jobId ? (
                    <Link href={`/jobs/${run.data.jobId}`} className="hover:underline">
                      pruning {run.data.prune.length}: follow the job
                    </Link>
                  ) : (
                    "nothing to prune"
                  )}
                </span>
              )}
              <Button
                onClick={() => run.mutate({ cluster: cluster.name })}
                disabled={dirty || run.isPending}
                title={
                  dirty
                    ? "Save the policy first: the run applies the saved one"
                    : "Prune now what the saved policy does not keep"
                }
                data-testid="retention-run"
              >
                Apply saved policy now
              </Button>
            </div>
          )}
        </div>
        <ErrorText error={run.error} className="mb-2" />
        <RetentionPreview cluster={cluster.name} policy={parsed} zone={zone} />
      </div>
    </div>
  );
}

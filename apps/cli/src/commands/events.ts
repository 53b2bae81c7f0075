// `tideline events CLUSTER --from T1 --to T2`: what the archived WAL says happened in a range
// (commits, aborts, drops, truncates, databases created and dropped, restore points), so a DBA
// can restore to just before the one that went wrong.
import type { ApiClient } from "@tideline/client";
import { formatTimestamp, parseTimestamp } from "@tideline/core";
import { DESTRUCTIVE_WAL_EVENT_KINDS, type TWalEvent, type TWalEventsResult } from "@tideline/protocol";
import { CliError, printJson, printTable } from "../output";
import { waitForJob } from "./listings";

export interface EventsFlags {
  from?: string;
  to?: string;
  limit?: string;
  destructive?: boolean;
}

const USAGE = "tideline events CLUSTER --from TIME --to TIME [--destructive] [--limit N] [--json]";

/** Times are checked here with core's codec (explicit zone) so a typo fails before any job is queued. */
function time(flag: "from" | "to", value: string | undefined): string {
  if (!value) throw new CliError("USAGE", USAGE, 2);
  try {
    return formatTimestamp(parseTimestamp(value));
  } catch (err) {
    throw new CliError(
      "INVALID_TIME_RANGE",
      `--${flag}: ${(err as Error).message.replace(/^INVALID_TIMESTAMP: /, "")}`,
      2,
    );
  }
}

/** "2026-12-02 15:08:18.838929 UTC": microseconds, as PostgreSQL writes commit times. */
const readable = (iso: string | null) => (iso ? `${iso.replace("T", " ").replace(/Z$/, "")} UTC` : null);

export async function events(client: ApiClient, cluster: string, f: EventsFlags, json: boolean) {
  const from = time("from", f.from);
  const to = time("to", f.to);
  const limit = f.limit === undefined ? undefined : Number(f.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 10_000))
    throw new CliError("USAGE", "--limit is a whole number from 1 to 10000", 2);
  const { jobId } = await client.wal.events.mutate({
    cluster,
    from,
    to,
    limit,
    destructiveOnly: Boolean(f.destructive),
  });
  const job = await waitForJob(client, jobId, { quiet: true, timeoutMs: 30 * 60_000 });
  if (job.state !== "succeeded")
    throw new CliError(
      job.error?.code ?? "WAL_EVENTS_FAILED",
      job.error?.message ?? `the WAL could not be read (job ${jobId} is ${job.state})`,
    );
  // the coordinator checked the result against the job kind's schema when the agent reported it
  const r = job.result as TWalEventsResult;
  if (json) return printJson({ cluster, from, to, ...r });
  printTable(
    r.events.map((e) => ({
      time: readable(e.time),
      xid: e.xid,
      event: label(e),
      lsn: e.lsn,
      detail: e.detail,
    })),
    ["time", "xid", "event", "lsn", "detail"],
  );
  const c = r.counts;
  process.stdout.write(
    `\n${c.commits} commit(s), ${c.aborts} abort(s), ${c.destructive} destructive, ${c.restorePoints} restore point(s) between ${readable(from)} and ${readable(to)}; ${r.filesRead} WAL file(s) read\n`,
  );
  if (r.truncated)
    process.stdout.write(
      `only the first ${r.events.length} are shown: narrow the range, raise --limit, or show only --destructive ones\n`,
    );
  if (r.archiveEnd && parseTimestamp(r.archiveEnd) < parseTimestamp(to))
    process.stdout.write(`the archive holds commits up to ${readable(r.archiveEnd)} so far\n`);
  const first = r.events.find((e) => DESTRUCTIVE_WAL_EVENT_KINDS.includes(e.kind) && e.xid);
  if (first)
    process.stdout.write(
      `restore to just before one: tideline restore ${cluster} --xid ${first.xid} --exclusive --wait\n`,
    );
}

/** Destructive events stand out in a plain terminal table too. */
function label(e: TWalEvent): string {
  return DESTRUCTIVE_WAL_EVENT_KINDS.includes(e.kind)
    ? e.kind.toUpperCase()
    : e.kind === "restore-point"
      ? `restore-point ${e.name ?? ""}`.trim()
      : e.kind;
}

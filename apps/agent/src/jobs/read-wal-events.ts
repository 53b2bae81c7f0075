// wal.events: what the archived WAL says happened between two times, read with pg_waldump from
// the files the archive catalog places in that range (wal/events.ts), oldest first.
import { formatTimestamp, parseTimestamp } from "@tideline/core";
import type { TJobPayload, TJobResult } from "@tideline/protocol";
import { filesForRange, WalEventCollector } from "../wal/events";
import { dumpSegment } from "../wal/waldump";
import { type JobContext, JobError } from "./job-context";

export async function readWalEvents(
  ctx: JobContext,
  p: TJobPayload<"wal.events">,
): Promise<TJobResult<"wal.events">> {
  const c = ctx.agent.protection.get(p.clusterId);
  if (!c)
    throw new JobError("CLUSTER_NOT_PROTECTED_HERE", `cluster ${p.cluster} is not protected by this agent`);
  const from = parseTimestamp(p.from, "INVALID_TIME_RANGE");
  const to = parseTimestamp(p.to, "INVALID_TIME_RANGE");
  const view = await ctx.agent.protection.archiveView(c.cluster);
  if (!view)
    throw new JobError("CLUSTER_NOT_PROTECTED_HERE", `cluster ${p.cluster} is not protected by this agent`);
  const files = filesForRange(view.segmentFiles, from, to);
  const collector = new WalEventCollector({ from, to, limit: p.limit, destructiveOnly: p.destructiveOnly });
  let filesRead = 0;
  for (const f of files) {
    ctx.signal.throwIfAborted();
    // past the limit the answer is settled: reading on would only make the counts complete
    if (collector.full) break;
    const { stdout } = await dumpSegment(c.walDir, f.file);
    collector.add(stdout, f.timeline);
    filesRead++;
    ctx.progress(filesRead / files.length, { message: `read ${f.file}` });
  }
  const ends = view.catalog.map((t) => t.endTime).filter((t): t is string => t !== null);
  const archiveEnd = ends.length ? formatTimestamp(Math.max(...ends.map((t) => parseTimestamp(t)))) : null;
  return { ...collector.result(), filesRead, archiveEnd };
}

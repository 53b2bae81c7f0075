// retention.apply: destroy the snapshots of pruned restore points (never one a clone depends on:
// ZFS refuses, and so do we) and WAL files wholly below what the oldest kept point needs.
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { walFilesToPrune } from "@tideline/core";
import type { TJobPayload, TJobResult } from "@tideline/protocol";
import { StorageError } from "../storage";
import { JobError, type JobContext } from "./job-context";

export async function applyRetention(ctx: JobContext, p: TJobPayload<"retention.apply">): Promise<TJobResult<"retention.apply">> {
  const c = ctx.agent.protection.get(p.clusterId);
  if (!c) throw new JobError("CLUSTER_NOT_PROTECTED_HERE", `cluster ${p.cluster} is not protected by this agent`);
  const driver = ctx.agent.storage(c.pool);
  const destroyed: string[] = [];
  const kept: Array<{ id: string; reason: string }> = [];
  for (const rp of p.restorePoints) {
    try {
      if (rp.dataset.startsWith(`${c.datasets.base}/`)) await driver.destroyDataset(rp.dataset, { recursive: true });
      else await driver.destroySnapshot(rp.dataset, rp.snapshot);
      destroyed.push(rp.id);
    } catch (err) {
      if (err instanceof StorageError && err.code === "SNAPSHOT_HAS_CLONES") kept.push({ id: rp.id, reason: "a clone depends on it" });
      else throw err;
    }
  }
  let walFilesRemoved = 0;
  if (!kept.length && Object.keys(p.walPruneBefore).length) {
    const files = await readdir(c.walDir);
    const bounds = Object.fromEntries(Object.entries(p.walPruneBefore).map(([tl, lsn]) => [Number(tl), lsn]));
    for (const f of walFilesToPrune(files, bounds, c.walSegmentSize)) {
      await rm(path.join(c.walDir, f), { force: true });
      walFilesRemoved++;
    }
  }
  ctx.progress(1, { message: `destroyed ${destroyed.length} restore point(s), removed ${walFilesRemoved} WAL file(s)` });
  return { destroyed, kept, walFilesRemoved };
}

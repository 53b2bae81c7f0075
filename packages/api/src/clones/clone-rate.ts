// After a clone is ready: what it replayed (from its restore point's redo pointer to the LSN it
// reached) and how long it took, folded into its storage pool's replay rate and start-up time,
// which the planner's estimates use from then on.
import { learnReplayRate, lsnDiffBytes } from "@tideline/core";
import type { Services } from "../context";

export async function recordCloneRate(
  c: Services,
  cloneId: string,
  r: { reachedLsn: string | null; seconds: number },
): Promise<void> {
  if (!r.reachedLsn) return;
  const clone = await c.db.clone.findUnique({
    where: { id: cloneId },
    include: { restorePoint: true, cluster: { include: { storagePool: true } } },
  });
  const rp = clone?.restorePoint;
  const pool = clone?.cluster.storagePool;
  if (!rp || !pool) return;
  const bytes = Math.max(0, Number(lsnDiffBytes(r.reachedLsn, rp.redoLsn ?? rp.lsn)));
  const next = learnReplayRate(
    { bytesPerSecond: pool.replayBytesPerSecond, startSeconds: pool.cloneStartSeconds },
    { bytes, seconds: r.seconds },
  );
  await c.db.storagePool.update({
    where: { id: pool.id },
    data: { replayBytesPerSecond: next.bytesPerSecond, cloneStartSeconds: next.startSeconds },
  });
  c.log.info("clone replay measured", {
    pool: pool.name,
    cloneId,
    bytes,
    seconds: r.seconds,
    replayBytesPerSecond: next.bytesPerSecond,
    cloneStartSeconds: next.startSeconds,
  });
}

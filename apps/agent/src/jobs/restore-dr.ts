// restore.dr: the disaster-recovery restore (pgBackRest's and Barman's `restore`): a full,
// independent copy of a restore point in an empty data directory, recovered to the target with
// WAL from the archive, then promoted or paused there. Runs on the storage host, which holds both
// the restore point and the WAL archive; the copy is taken from a temporary ZFS clone.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import { chownToServiceUser, findBinDir, resolveServiceUser, run } from "@tideline/postgres";
import type { TJobPayload, TJobResult } from "@tideline/protocol";
import { createCloneLogin, endReplayTuning, prepareRecovery, runRecovery } from "../clones/recover";
import type { PsqlSession } from "../pg/session";
import { JobError, type JobContext } from "./job-context";

export async function restoreDr(
  ctx: JobContext,
  p: TJobPayload<"restore.dr">,
): Promise<TJobResult<"restore.dr">> {
  const started = performance.now();
  const c = ctx.agent.protection.get(p.clusterId);
  if (!c)
    throw new JobError("CLUSTER_NOT_PROTECTED_HERE", `cluster ${p.cluster} is not protected by this agent`);
  if (!path.isAbsolute(p.targetDir))
    throw new JobError("INVALID_TARGET_DIR", `${p.targetDir} is not an absolute path`);
  if (existsSync(p.targetDir) && (await readdir(p.targetDir)).length > 0)
    throw new JobError(
      "TARGET_DIR_NOT_EMPTY",
      `${p.targetDir} is not empty; a disaster-recovery restore never overwrites data`,
    );
  const driver = ctx.agent.storage(c.pool);
  const temp = `${c.datasets.clones}/dr${p.cloneId}`.slice(0, 200);
  const binDir = findBinDir(c.primary.version ?? undefined);
  const user = resolveServiceUser();
  let bytesCopied = 0;
  try {
    if (await driver.datasetExists(temp)) await driver.destroyDataset(temp, { recursive: true });
    await driver.clone(p.source.dataset, p.source.snapshot, temp);
    const mount = await driver.mountpointOf(temp);
    const from =
      p.source.kind === "shared" ? path.join(mount, c.sharedPgdataSubpath ?? "") : path.join(mount, "data");
    const total = Number((await run("du", ["-sb", from])).stdout.split("\t")[0]);
    await mkdir(p.targetDir, { recursive: true, mode: 0o700 });
    ctx.progress(0.02, {
      message: `copying ${total} bytes from ${p.source.dataset}@${p.source.snapshot} to ${p.targetDir}`,
      bytesDone: 0,
      bytesTotal: total,
    });
    await new Promise<void>((resolve, reject) => {
      const cp = spawn("cp", ["-a", "--reflink=auto", `${from}/.`, p.targetDir], {
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      cp.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      const timer = setInterval(() => {
        void run("du", ["-sb", p.targetDir], { allowFail: true }).then((r) => {
          bytesCopied = Number(r.stdout.split("\t")[0]) || bytesCopied;
          ctx.progress(0.02 + 0.6 * Math.min(1, bytesCopied / Math.max(1, total)), {
            bytesDone: bytesCopied,
            bytesTotal: total,
          });
        });
      }, 1000);
      cp.on("exit", (code) => {
        clearInterval(timer);
        if (code === 0) resolve();
        else
          reject(
            new JobError(
              /No space left/.test(stderr) ? "TARGET_FULL" : "COPY_FAILED",
              `copying the restore point failed: ${stderr.trim().slice(-500)}`,
            ),
          );
      });
    });
    bytesCopied = total;
    await run("chown", [
      "-R",
      `${user?.uid ?? process.getuid?.()}:${user?.gid ?? process.getgid?.()}`,
      p.targetDir,
    ]);
    await chownToServiceUser(p.targetDir, user);
  } finally {
    await driver.destroyDataset(temp, { recursive: true }).catch(() => {});
  }
  const o = {
    dataDir: p.targetDir,
    socketDir: p.targetDir,
    port: p.port,
    binDir,
    spec: p,
    helper: await ctx.agent.protection.helper(),
    walDir: c.walDir,
    walSegmentSize: c.walSegmentSize,
    logFile: path.join(path.dirname(p.targetDir), `${path.basename(p.targetDir)}.log`),
    action: p.action,
    listen: "*",
    signal: ctx.signal,
    onProgress: (f: number, message?: string) => ctx.progress(0.65 + f * 0.3, { message }),
    handOver: async (session: PsqlSession): Promise<void> => {
      await endReplayTuning(o, session);
      await createCloneLogin(o, p, session);
    },
  };
  await prepareRecovery(o);
  ctx.progress(0.65, { message: `recovering in ${p.targetDir} on port ${p.port}` });
  const reached = await runRecovery(o);
  ctx.progress(1, { message: `${p.action === "promote" ? "promoted" : "paused"} at ${reached.reachedLsn}` });
  return {
    dataDir: p.targetDir,
    port: p.port,
    ...reached,
    seconds: (performance.now() - started) / 1000,
    bytesCopied,
  };
}

// A clone of a clone: the source clone's current data (its own changes included) as a new clone
// beside it, with its own port, socket and password. The source is checkpointed first so the copy's
// crash recovery is short; zfs and btrfs snapshots are atomic while it runs, the directory pool's
// copy is not, so there the source stops for the copy and starts again.
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { asServiceUser, chownToServiceUser, resolveServiceUser, run } from "@tideline/postgres";
import type { TJobPayload, TJobResult } from "@tideline/protocol";
import { psqlExec } from "../pg/psql";
import { updateManagedBlock } from "../protection/postgres-conf";
import { JobError, type JobContext } from "../jobs/job-context";
import { type CloneRecord, allocatePort, loadClones, saveClone } from "./clone-registry";
import { createCloneLogin, stopServer } from "./recover";
import { advertisedHost, destroyCloneData } from "./restore-to-clone";

export async function copyClone(
  ctx: JobContext,
  p: TJobPayload<"clone.copy">,
): Promise<TJobResult<"clone.copy">> {
  const started = performance.now();
  const src = (await loadClones(ctx.agent.dataDir)).find((c) => c.cloneId === p.sourceCloneId);
  if (!src || src.state !== "ready")
    throw new JobError("CLONE_NOT_FOUND", `clone ${p.sourceCloneId} is not running on this agent`);
  const driver = ctx.agent.storage(src.pool);
  // a previous attempt of this job left a half-made copy: start over
  await destroyCloneData(ctx, p.cloneId);
  const dataset = `${path.posix.dirname(src.dataset)}/${p.cloneId}`;
  if (await driver.datasetExists(dataset)) await driver.destroyDataset(dataset, { recursive: true });
  const port = await allocatePort(ctx.agent.dataDir);
  const record: CloneRecord = {
    ...src,
    cloneId: p.cloneId,
    dataset,
    dataDir: "",
    socketDir: "",
    port,
    state: "creating",
    purpose: "restore",
  };
  await saveClone(ctx.agent.dataDir, record);
  const svc = asServiceUser(resolveServiceUser());
  const logFile = (id: string) => path.join(ctx.agent.protection.logDir, `clone-${id}.log`);
  try {
    ctx.progress(0.1, { message: `checkpointing clone ${src.cloneId}` });
    await psqlExec({ port: src.port, host: src.socketDir, binDir: src.binDir }, "CHECKPOINT");
    const snapshot = `copy-${p.cloneId}`;
    const stopSource = src.pool.driver === "directory";
    if (stopSource) await stopServer(src.dataDir, src.binDir, "fast");
    try {
      ctx.progress(0.3, { message: `snapshot ${src.dataset}@${snapshot} and its clone ${dataset}` });
      await driver.snapshot(src.dataset, snapshot, {
        "tideline:kind": "clone-copy",
        "tideline:cluster": p.cluster,
      });
      await driver.clone(src.dataset, snapshot, dataset);
    } finally {
      if (stopSource)
        await run(
          path.join(src.binDir, "pg_ctl"),
          ["-D", src.dataDir, "-l", logFile(src.cloneId), "-w", "start"],
          svc,
        );
    }
    const mount = await driver.mountpointOf(dataset);
    const dataDir = path.join(mount, path.relative(src.socketDir, src.dataDir));
    record.dataDir = dataDir;
    record.socketDir = mount;
    await saveClone(ctx.agent.dataDir, record);
    // the copy carries the source's pid file and address: its own port and socket instead
    await rm(path.join(dataDir, "postmaster.pid"), { force: true });
    await updateManagedBlock(dataDir, { port, unix_socket_directories: mount });
    ctx.progress(0.6, { message: `starting the copy on port ${port}` });
    // pg_ctl runs as the service user: the log file must be its own
    if (!existsSync(logFile(p.cloneId))) {
      await writeFile(logFile(p.cloneId), "");
      await chownToServiceUser(logFile(p.cloneId), resolveServiceUser());
    }
    const start = await run(
      path.join(src.binDir, "pg_ctl"),
      ["-D", dataDir, "-l", logFile(p.cloneId), "-w", "-t", "300", "start"],
      { ...svc, allowFail: true },
    );
    if (start.code !== 0) {
      const log = existsSync(logFile(p.cloneId)) ? await readFile(logFile(p.cloneId), "utf8") : "";
      throw new JobError(
        "COPY_START_FAILED",
        `the copy did not start; PostgreSQL said:\n${log.trim().split("\n").slice(-12).join("\n")}`,
      );
    }
    await createCloneLogin(
      { port, socketDir: mount, binDir: src.binDir },
      { user: p.user, password: p.password },
    );
    record.state = "ready";
    await saveClone(ctx.agent.dataDir, record);
    const space = await driver.spaceUsed(dataset).catch(() => ({ usedBytes: 0 }));
    const seconds = (performance.now() - started) / 1000;
    ctx.progress(1, { message: `copy of ${src.cloneId} ready in ${seconds.toFixed(1)} s` });
    return {
      cloneId: p.cloneId,
      dataset,
      dataDir,
      host: advertisedHost(),
      port,
      reachedLsn: null,
      reachedTime: null,
      seconds,
      sizeBytes: space.usedBytes,
    };
  } catch (err) {
    ctx.log("error", `the copy failed; removing it: ${(err as Error).message}`);
    await destroyCloneData(ctx, p.cloneId);
    if (!existsSync(path.join(src.dataDir, "postmaster.pid")))
      ctx.log("warn", `clone ${src.cloneId} is not running after the failed copy`);
    throw err;
  }
}

// A clone: `zfs clone` of a restore point into POOL/tideline/<cluster>/clones/<id>, recovered to
// the target from the WAL archive (serving .partial segments), promoted, with its own login.
// Any failure stops the server and destroys the dataset before the error is reported.
import { existsSync } from "node:fs";
import path from "node:path";
import { asServiceUser, findBinDir, resolveServiceUser, run } from "@tideline/postgres";
import type { TCloneSpec } from "@tideline/protocol";
import type { JobContext } from "../jobs/job-context";
import { JobError } from "../jobs/job-context";
import { type CloneRecord, allocatePort, forgetClone, loadClones, saveClone } from "./clone-registry";
import type { PsqlSession } from "../pg/session";
import { StepTimer } from "../util/step-timer";
import { createCloneLogin, endReplayTuning, prepareRecovery, runRecovery, stopServer } from "./recover";

export function advertisedHost(): string {
  return process.env.TIDELINE_ADVERTISE_HOST ?? "127.0.0.1";
}

export async function restoreToClone(ctx: JobContext, spec: TCloneSpec, purpose: "restore" | "drill") {
  const steps = new StepTimer();
  const started = steps.started;
  const c = ctx.agent.protection.get(spec.clusterId);
  if (!c)
    throw new JobError(
      "CLUSTER_NOT_PROTECTED_HERE",
      `cluster ${spec.cluster} is not protected by this agent`,
    );
  const driver = ctx.agent.storage(c.pool);
  const dataset = `${c.datasets.clones}/${spec.cloneId}`;
  const binDir = findBinDir(c.primary.version ?? undefined);
  // a previous attempt of this job (the agent died mid-clone) left its dataset: start over
  await destroyCloneData(ctx, spec.cloneId);
  if (await driver.datasetExists(dataset)) await driver.destroyDataset(dataset, { recursive: true });
  // a reset to another moment keeps the clone's address
  const port = spec.port ?? (await allocatePort(ctx.agent.dataDir));
  // remembered before anything exists, so a crash from here on is cleaned up at the next start
  const record: CloneRecord = {
    cloneId: spec.cloneId,
    cluster: spec.cluster,
    pool: c.pool,
    dataset,
    dataDir: "",
    socketDir: "",
    port,
    binDir,
    state: "creating",
    purpose,
  };
  await saveClone(ctx.agent.dataDir, record);
  steps.lap("port and record");
  ctx.progress(0.05, { message: `cloning ${spec.source.dataset}@${spec.source.snapshot} into ${dataset}` });
  try {
    await driver.clone(spec.source.dataset, spec.source.snapshot, dataset);
  } catch (err) {
    await forgetClone(ctx.agent.dataDir, spec.cloneId);
    throw err;
  }
  steps.lap("snapshot clone");
  const mount = await driver.mountpointOf(dataset);
  const dataDir =
    spec.source.kind === "shared" ? path.join(mount, c.sharedPgdataSubpath ?? "") : path.join(mount, "data");
  record.dataDir = dataDir;
  record.socketDir = mount;
  await saveClone(ctx.agent.dataDir, record);
  const o = {
    dataDir,
    socketDir: mount,
    port,
    binDir,
    spec,
    helper: await ctx.agent.protection.helper(),
    walDir: c.walDir,
    walSegmentSize: c.walSegmentSize,
    logFile: path.join(ctx.agent.protection.logDir, `clone-${spec.cloneId}.log`),
    action: "promote" as const,
    listen: "*",
    tuneReplay: true,
    signal: ctx.signal,
    onProgress: (f: number, message?: string) => ctx.progress(0.1 + f * 0.85, { message }),
    handOver: async (session: PsqlSession): Promise<void> => {
      steps.lap("recovery and promotion");
      // the settings file is rewritten while the login is created (both end in the one session)
      await Promise.all([endReplayTuning(o, session), createCloneLogin(o, spec, session)]);
      steps.lap("hand-over");
    },
  };
  try {
    await prepareRecovery(o);
    steps.lap("recovery settings");
    ctx.progress(0.1, { message: `recovering on port ${port} to ${describeTarget(spec)}` });
    const reached = await runRecovery(o);
    record.state = "ready";
    await saveClone(ctx.agent.dataDir, record);
    const seconds = (performance.now() - started) / 1000;
    // its space is read with the next status report, not here: a quota-group reading took
    // 0.1-0.3 s, and the clone holds little of its own yet
    ctx.agent.protection.cloneActivityChanged(spec.cluster);
    ctx.progress(1, {
      message: `ready in ${seconds.toFixed(1)} s at ${reached.reachedLsn} (${reached.reachedTime ?? "no transaction replayed"}); ${steps}`,
    });
    return {
      cloneId: spec.cloneId,
      dataset,
      dataDir,
      socketDir: mount,
      host: advertisedHost(),
      port,
      ...reached,
      seconds,
      sizeBytes: 0,
    };
  } catch (err) {
    ctx.log("error", `clone failed; removing its server and dataset: ${(err as Error).message}`);
    await destroyCloneData(ctx, spec.cloneId);
    throw err;
  }
}

export async function destroyCloneData(ctx: Pick<JobContext, "agent">, cloneId: string): Promise<boolean> {
  const rec = (await loadClones(ctx.agent.dataDir)).find((c) => c.cloneId === cloneId);
  if (!rec) return false;
  if (rec.dataDir) await stopServer(rec.dataDir, rec.binDir);
  await ctx.agent.storage(rec.pool).destroyDataset(rec.dataset, { recursive: true });
  await forgetClone(ctx.agent.dataDir, cloneId);
  return true;
}

function describeTarget(spec: TCloneSpec): string {
  const t = spec.recoveryTarget;
  const edge = t.inclusive === false ? "just before " : "";
  if (t.time) return `${edge}time ${t.time}`;
  if (t.lsn) return `${edge}LSN ${t.lsn}`;
  if (t.xid) return `${edge}transaction ${t.xid}`;
  if (t.name) return `restore point name "${t.name}"`;
  if (t.immediate) return "the restore point itself (consistent, nothing replayed past it)";
  return "the end of the WAL";
}

/** At agent start: clones whose creation never finished are removed (their job is re-run). */
export async function cleanUpUnfinishedClones(
  ctx: Pick<JobContext, "agent">,
  log: (m: string) => void,
): Promise<void> {
  for (const rec of await loadClones(ctx.agent.dataDir)) {
    if (rec.state !== "creating") continue;
    log(`removing clone ${rec.cloneId}: its creation was interrupted`);
    await destroyCloneData(ctx, rec.cloneId).catch((err: Error) =>
      log(`could not remove clone ${rec.cloneId}: ${err.message}`),
    );
  }
}

/** A graceful agent stop stops the clone servers too; their datasets stay for the next start. */
export async function stopReadyClones(ctx: Pick<JobContext, "agent">): Promise<void> {
  for (const rec of await loadClones(ctx.agent.dataDir))
    if (rec.state === "ready") await stopServer(rec.dataDir, rec.binDir, "fast");
}

/** At agent start: ready clones whose server is down (host reboot, agent stop) run again. */
export async function resumeReadyClones(
  ctx: Pick<JobContext, "agent">,
  log: (m: string) => void,
): Promise<void> {
  for (const rec of await loadClones(ctx.agent.dataDir)) {
    if (rec.state !== "ready" || existsSync(path.join(rec.dataDir, "postmaster.pid"))) continue;
    const user = resolveServiceUser();
    await run(
      path.join(rec.binDir, "pg_ctl"),
      [
        "-D",
        rec.dataDir,
        "-l",
        path.join(ctx.agent.protection.logDir, `clone-${rec.cloneId}.log`),
        "-w",
        "start",
      ],
      asServiceUser(user),
    ).catch((err: Error) => log(`could not restart clone ${rec.cloneId}: ${err.message}`));
  }
}

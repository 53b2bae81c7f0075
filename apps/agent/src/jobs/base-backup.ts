// backup.base: a full, independent copy of the cluster (pg_basebackup, plain format) in its own
// dataset, snapshotted so it restores like any other restore point. Compression is the dataset's.
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { TJobPayload, TJobResult } from "@tideline/protocol";
import { asServiceUser, chownToServiceUser, findBinDir, resolveServiceUser } from "@tideline/postgres";
import { psqlRows } from "../pg/psql";
import { labelStartLsn, snapshotNameFor } from "../protection/restore-point";
import { JobError, type JobContext } from "./job-context";

export async function baseBackup(ctx: JobContext, p: TJobPayload<"backup.base">): Promise<TJobResult<"backup.base">> {
  const c = ctx.agent.protection.get(p.clusterId);
  if (!c) throw new JobError("CLUSTER_NOT_PROTECTED_HERE", `cluster ${p.cluster} is not protected by this agent`);
  const driver = ctx.agent.storage(c.pool);
  const name = snapshotNameFor(ctx.idempotencyKey, "base");
  const dataset = `${c.datasets.base}/${name}`;
  const done = (await driver.datasetExists(dataset)) && (await driver.listSnapshots(dataset)).find((s) => s.name === "base");
  if (!done) {
    await driver.createDataset(c.datasets.base);
    await driver.destroyDataset(dataset, { recursive: true }); // an interrupted earlier attempt
    await driver.createDataset(dataset);
    const mount = await driver.mountpointOf(dataset);
    const user = resolveServiceUser();
    await chownToServiceUser(mount, user);
    const dir = path.join(mount, "data");
    const bin = path.join(findBinDir(c.primary.version ?? undefined), "pg_basebackup");
    let endLsn = "";
    await new Promise<void>((resolve, reject) => {
      const child = spawn(bin, ["-d", c.primary.conninfo, "-D", dir, "-X", "stream", "-c", "fast", "-P", "-v", "-N"], { ...asServiceUser(user), stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      const abort = () => child.kill("SIGTERM");
      ctx.signal.addEventListener("abort", abort, { once: true });
      child.stderr!.setEncoding("utf8").on("data", (d: string) => {
        stderr = (stderr + d).slice(-16_000);
        const m = [...d.matchAll(/(\d+)\/(\d+) kB \((\d+)%\)/g)].pop();
        if (m) ctx.progress(Number(m[3]) / 100 * 0.95, { bytesDone: Number(m[1]) * 1024, bytesTotal: Number(m[2]) * 1024 });
        const e = /write-ahead log end point: ([0-9A-F]+\/[0-9A-F]+)/.exec(stderr);
        if (e) endLsn = e[1]!;
      });
      child.on("exit", (code) => {
        ctx.signal.removeEventListener("abort", abort);
        if (code === 0) resolve();
        else reject(new JobError(/No space left/.test(stderr) ? "POOL_FULL" : "BASE_BACKUP_FAILED", `pg_basebackup failed: ${stderr.trim().split("\n").slice(-3).join(" ")}`));
      });
    });
    const label = await readFile(path.join(dir, "backup_label"), "utf8");
    const tli = Number(/START TIMELINE: (\d+)/.exec(label)?.[1] ?? 1);
    const [t] = await psqlRows<{ now: string }>({ conninfo: c.primary.conninfo }, "SELECT clock_timestamp() AS now");
    await driver.snapshot(dataset, "base", {
      "tideline:cluster": c.cluster,
      "tideline:lsn": endLsn,
      // pg_basebackup's fast checkpoint: its redo pointer is where a restore of this copy starts replay
      ...(labelStartLsn(label) ? { "tideline:redo-lsn": labelStartLsn(label)! } : {}),
      "tideline:timeline": String(tli),
      "tideline:data-time": new Date(t!.now).toISOString(),
      "tideline:kind": "base-backup",
    });
  }
  const snap = (await driver.listSnapshots(dataset)).find((s) => s.name === "base")!;
  const space = await driver.spaceUsed(dataset);
  ctx.progress(1, { message: `base backup at ${snap.userProps["tideline:lsn"]}` });
  return {
    kind: "base-backup" as const,
    lsn: snap.userProps["tideline:lsn"] ?? "0/0",
    redoLsn: snap.userProps["tideline:redo-lsn"] || null,
    timeline: Number(snap.userProps["tideline:timeline"] ?? 1),
    dataTime: snap.userProps["tideline:data-time"] ?? null,
    sizeBytes: space.usedBytes,
    dataset,
    snapshot: "base",
    backupLabel: null,
    createdAt: snap.createdAt.toISOString(),
  };
}

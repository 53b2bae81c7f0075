// Benchmark 3 — a full base backup of the same idle cluster, time and bytes stored:
//   - Tideline: restorePoints.create({ kind: "base-backup" }) — pg_basebackup into its own
//     dataset on the storage pool (zfs-fuse, compression=on), snapshotted; bytes = `zfs get used`;
//   - pgBackRest: `backup --type=full`, zstd, process-max = cores; bytes = repository size;
//   - pg_basebackup (plain format, -X stream, to the local disk); bytes = du.
// Each copy is verified before its time counts: pg_verifybackup for the two pg_basebackup-made
// copies (against their backup_manifest), `pgbackrest verify` for pgBackRest's.
//
//   pnpm --filter @tideline/bench base-backup
import { rm } from "node:fs/promises";
import path from "node:path";
import { asServiceUser, findBinDir, makeTempDir, resolveServiceUser, run } from "@tideline/postgres";
import { benchmark, log } from "./lib/cleanup";
import { num } from "./lib/params";
import { loadData, startPrimary } from "./lib/pg";
import { fullBackup, preparePgBackRest } from "./lib/pgbackrest";
import { Report } from "./lib/report";
import { fmtBytes, fmtSeconds, median, round, speedup } from "./lib/stats";
import { protect, startTideline, takeRestorePoint } from "./lib/tideline";
import { zfsGet } from "./lib/zfs";

const params = {
  scaleGb: num("scale-gb", 1),
  runs: num("runs", 3),
};

interface Run {
  run: number;
  seconds: number;
  bytes: number;
  verified: string;
}

await benchmark("base-backup", async (cleanup) => {
  const report = new Report("base-backup", params);
  const poolGiB = Math.max(8, Math.ceil(params.scaleGb * (params.runs + 2) * 1.5 + 4));
  const t = await startTideline(cleanup, { poolGiB });
  const br = await preparePgBackRest(cleanup);
  const primary = await startPrimary(cleanup, { archive_mode: "on", archive_command: br.archiveCommand });
  await br.configure(primary);
  const data = await loadData(primary, params.scaleGb);
  await protect(t, primary, "bench");
  const bin = findBinDir();
  const svc = asServiceUser(resolveServiceUser());
  const verify = async (dir: string) => {
    await run(path.join(bin, "pg_verifybackup"), ["-q", dir], { ...svc, timeoutMs: 3600_000 });
    return "pg_verifybackup ok";
  };

  const tideline: Run[] = [];
  const pgbr: Run[] = [];
  const plain: Run[] = [];
  let tidelineExtra: Record<string, number | string> = {};
  for (let i = 1; i <= params.runs; i++) {
    log(`run ${i}: Tideline base backup`);
    const rp = await takeRestorePoint(t, "bench", "base-backup");
    const props = await zfsGet(rp.result.dataset, ["used", "referenced", "compressratio", "mountpoint"]);
    tideline.push({
      run: i,
      seconds: rp.seconds,
      bytes: Number(props.used),
      verified: await verify(path.join(String(props.mountpoint), "data")),
    });
    tidelineExtra = { compressratio: props.compressratio!, dataset: rp.result.dataset };
    log(
      `run ${i}: Tideline ${fmtSeconds(rp.seconds)}, ${fmtBytes(Number(props.used))} used (compressratio ${props.compressratio})`,
    );

    log(`run ${i}: pgBackRest full backup`);
    const b = await fullBackup(br);
    await br.exec([`--set=${b.label}`, "verify"], 3600_000);
    pgbr.push({ run: i, seconds: b.seconds, bytes: b.repoBytes, verified: "pgbackrest verify ok" });
    log(`run ${i}: pgBackRest ${fmtSeconds(b.seconds)}, ${fmtBytes(b.repoBytes)} in the repository`);

    log(`run ${i}: pg_basebackup`);
    const dir = await makeTempDir("tideline-bench-basebackup-");
    cleanup.add(`remove ${dir}`, () => rm(dir, { recursive: true, force: true }));
    await run("chown", [String(resolveServiceUser()?.uid ?? process.getuid?.()), dir]);
    const started = performance.now();
    await run(
      path.join(bin, "pg_basebackup"),
      [
        "-d",
        `host=${primary.socketDir} port=${primary.port} user=postgres`,
        "-D",
        path.join(dir, "data"),
        "-X",
        "stream",
        "-c",
        "fast",
      ],
      { ...svc, timeoutMs: 3600_000 },
    );
    const seconds = (performance.now() - started) / 1000;
    const du = await run("du", ["-sb", path.join(dir, "data")]);
    const bytes = Number(du.stdout.split(/\s/)[0]);
    plain.push({ run: i, seconds, bytes, verified: await verify(path.join(dir, "data")) });
    log(`run ${i}: pg_basebackup ${fmtSeconds(seconds)}, ${fmtBytes(bytes)}`);
    await rm(dir, { recursive: true, force: true });
  }

  const med = (rs: Run[], k: "seconds" | "bytes") => median(rs.map((r) => r[k]));
  const pSec = med(pgbr, "seconds");
  const row = (tool: string, rs: Run[]) => ({
    tool,
    "median time": fmtSeconds(med(rs, "seconds")),
    "time vs pgBackRest": rs === pgbr ? "1.0×" : speedup(pSec, med(rs, "seconds")),
    "bytes stored": fmtBytes(med(rs, "bytes")),
    "÷ database size": (med(rs, "bytes") / data.databaseBytes).toFixed(2),
    "bytes vs pgBackRest": `${(med(rs, "bytes") / med(pgbr, "bytes")).toFixed(2)}×`,
    runs: rs.length,
  });
  report.table(
    `Full base backup of an idle ${fmtBytes(data.databaseBytes)} cluster — median of ${params.runs} runs`,
    [
      row("Tideline (pg_basebackup into a zfs-fuse dataset, compression=on)", tideline),
      row(`pgBackRest --type=full (${br.compressType}, process-max=${br.processMax})`, pgbr),
      row("pg_basebackup -Fp -X stream (local disk)", plain),
    ],
  );
  report.table("Runs", [
    ...tideline.map((r) => ({ tool: "Tideline", ...r, seconds: round(r.seconds) })),
    ...pgbr.map((r) => ({ tool: "pgBackRest", ...r, seconds: round(r.seconds) })),
    ...plain.map((r) => ({ tool: "pg_basebackup", ...r, seconds: round(r.seconds) })),
  ]);
  report.note(
    "Tideline's time runs from restorePoints.create to the job's success (pg_basebackup + zfs snapshot + bookkeeping); pgBackRest's from `pgbackrest backup` to its exit (including its wait for the backup's WAL to be archived).",
  );
  report.note(
    "Tideline stores the copy on zfs-fuse with the pool's compression (lzjb, `compression=on`); the incompressible quarter of the data set stays as large as it is; pgBackRest compresses with zstd in parallel (process-max) before writing.",
  );
  report.note(
    "Tideline rarely needs a base backup: its restore points are snapshots of the shadow replica, which cost only changed blocks (see restore-point-cost).",
  );
  await report.write({
    database: data,
    tideline: { runs: tideline, ...tidelineExtra },
    pgbackrest: { runs: pgbr },
    pgBasebackup: { runs: plain },
    medians: {
      tideline: { seconds: med(tideline, "seconds"), bytes: med(tideline, "bytes") },
      pgbackrest: { seconds: pSec, bytes: med(pgbr, "bytes") },
      pgBasebackup: { seconds: med(plain, "seconds"), bytes: med(plain, "bytes") },
    },
  });
});

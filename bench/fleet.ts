// Benchmark 5 — fleet scale: one coordinator (the real process) with 1,000 simulated agents in a
// separate process (real WebSockets, real protocol, HELLO + HEARTBEAT every 5 s, jobs answered),
// measuring job dispatch latency (jobs.create → JOB_DISPATCH received by the agent), the
// coordinator's RSS and CPU, then the fleet overview (tRPC clusters.list) with 1,000 clusters and
// 200,000 restore points in the inventory. No external peer does this, so every figure is set
// beside a baseline measured in the same run: 10 agents, and 10 clusters × 200 restore points.
//
//   pnpm --filter @tideline/bench fleet
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { spawnCoordinator, startInventory, waitFor } from "@tideline/testkit";
import pg from "pg";
import { benchmark, log } from "./lib/cleanup";
import type { FromFleet, SimAgent, ToFleet } from "./lib/fleet-agents";
import { num } from "./lib/params";
import { BENCH_DIR, Report, type Row } from "./lib/report";
import { fmtBytes, fmtSeconds, summarize } from "./lib/stats";

const params = {
  agents: num("agents", 1000),
  baselineAgents: num("baseline-agents", 10),
  jobs: num("jobs", 200),
  burst: num("burst", 200),
  idleSeconds: num("idle-seconds", 30),
  clusters: num("clusters", 1000),
  restorePointsPerCluster: num("restore-points-per-cluster", 200),
  listCalls: num("list-calls", 50),
};

const CLK_TCK = 100;
const now = () => performance.timeOrigin + performance.now();

/** CPU seconds (user + system) of a process, plus its reaped children's when asked. */
function cpuSeconds(pid: number, withReapedChildren = false): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields after the command: state(0) … utime(11) stime(12) cutime(13) cstime(14)
  const own = Number(f[11]) + Number(f[12]);
  return (withReapedChildren ? own + Number(f[13]) + Number(f[14]) : own) / CLK_TCK;
}

function rssBytes(pid: number): { rss: number; hwm: number } {
  const s = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0) * 1024;
  return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
}

/** The inventory server's CPU: the postmaster, its reaped children, and its live backends. */
function postgresCpuSeconds(pgdata: string): number {
  const postmaster = Number(readFileSync(path.join(pgdata, "postmaster.pid"), "utf8").split("\n")[0]);
  let total = cpuSeconds(postmaster, true);
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === postmaster) total += cpuSeconds(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

await benchmark("fleet", async (cleanup) => {
  const report = new Report("fleet", params);
  const inv = await startInventory();
  cleanup.add("stop the inventory", () => inv.destroy());
  const db = new pg.Pool({ connectionString: inv.databaseUrl, max: 4 });
  cleanup.add("close the inventory pool", () => db.end());
  const coord = await spawnCoordinator({ databaseUrl: inv.databaseUrl });
  cleanup.add("stop the coordinator", () => coord.kill("SIGTERM"));
  const coordPid = coord.proc.pid!;
  const api = inv.client(coord.url);
  log(`coordinator ${coord.url} (pid ${coordPid}); inventory on port ${inv.pg.port}`);

  // Agents with known secrets, straight into the inventory (enrollment is a one-time step that
  // this benchmark is not about); the coordinator keeps only the hash, as after ENROLL.
  const agents: SimAgent[] = Array.from({ length: params.agents }, (_, i) => ({
    id: `agt_bench_${String(i).padStart(5, "0")}`,
    name: `sim-${String(i).padStart(5, "0")}`,
    secret: `tla_${randomBytes(32).toString("base64url")}`,
  }));
  await db.query(
    `INSERT INTO agents (id, name, hostname, secret_hash, roles)
     SELECT id, name, name, h, ARRAY['database'] FROM unnest($1::text[], $2::text[], $3::text[]) AS a(id, name, h)`,
    [
      agents.map((a) => a.id),
      agents.map((a) => a.name),
      agents.map((a) => createHash("sha256").update(a.secret).digest("hex")),
    ],
  );

  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", path.join(BENCH_DIR, "lib", "fleet-agents.ts")],
    {
      cwd: BENCH_DIR,
      env: { ...process.env, FLEET_WS_URL: coord.wsUrl, FLEET_AGENTS: JSON.stringify(agents) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    },
  );
  cleanup.add("stop the simulated agents", async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.send({ type: "stop" } satisfies ToFleet);
    await Promise.race([new Promise((r) => child.once("exit", r)), sleep(5000)]);
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  const dispatched = new Map<string, number>();
  const problems: string[] = [];
  let connected: Extract<FromFleet, { type: "connected" }> | null = null;
  let ready = false;
  child.on("message", (m: FromFleet) => {
    if (m.type === "dispatch") dispatched.set(m.jobId, m.at);
    else if (m.type === "connected") connected = m;
    else if (m.type === "ready") ready = true;
    else if (m.type === "problem" && problems.push(`${m.agent}: ${m.message}`) <= 5)
      log(`agent problem: ${m.agent}: ${m.message}`);
  });
  await waitFor("the simulated agents' process", () => ready, 60_000);

  const connect = async (from: number, to: number) => {
    connected = null;
    child.send({ type: "connect", from, to } satisfies ToFleet);
    const c = await waitFor(`${to - from} agents to connect`, () => connected, 10 * 60_000, 100);
    if (c.failed) throw new Error(`${c.failed} agents could not connect: ${problems.slice(-3).join("; ")}`);
    const [n] = (await db.query<{ n: string }>("SELECT count(*)::text AS n FROM agents WHERE connected"))
      .rows;
    log(
      `${to} agents connected (${to - from} in ${fmtSeconds(c.seconds)}); the inventory says ${n!.n} connected`,
    );
    return c;
  };

  /** The coordinator (and the inventory server behind it) over an idle window: only heartbeats. */
  const idle = async () => {
    const c0 = cpuSeconds(coordPid);
    const p0 = postgresCpuSeconds(inv.pg.pgdata);
    const s0 = cpuSeconds(child.pid!);
    const t0 = now();
    await sleep(params.idleSeconds * 1000);
    const wall = (now() - t0) / 1000;
    const mem = rssBytes(coordPid);
    return {
      coordinatorCpuPercent: ((cpuSeconds(coordPid) - c0) / wall) * 100,
      inventoryCpuPercent: ((postgresCpuSeconds(inv.pg.pgdata) - p0) / wall) * 100,
      simulatorCpuPercent: ((cpuSeconds(child.pid!) - s0) / wall) * 100,
      coordinatorRss: mem.rss,
      coordinatorPeakRss: mem.hwm,
    };
  };

  /** Claim statements the coordinator's dispatcher ran so far (its /metrics). */
  const claimsTotal = async () => {
    const text = await (await fetch(`${coord.url}/metrics`)).text();
    return Number(/^tideline_dispatch_claims_total (\d+)/m.exec(text)?.[1] ?? Number.NaN);
  };

  let seq = 0;
  const createJob = async (agent: SimAgent) => {
    const marker = `m${++seq}`;
    const t0 = now();
    const { jobId } = await api.jobs.create.mutate({
      kind: "diag.sleep",
      agent: agent.name,
      payload: { seconds: 0, marker },
      idempotencyKey: `bench-${marker}-${randomBytes(4).toString("hex")}`,
    });
    return { jobId, t0 };
  };
  const latencyOf = async (job: { jobId: string; t0: number }) => {
    const at = await waitFor(
      `job ${job.jobId} to reach its agent`,
      () => dispatched.get(job.jobId),
      120_000,
      2,
    );
    return at - job.t0;
  };
  /** Jobs one after another, each to a random connected agent: dispatch latency without queueing. */
  const sequential = async (connectedCount: number) => {
    // warm-up: the first jobs after a (re)connect pay for JIT and connection set-up
    for (let i = 0; i < 10; i++) await latencyOf(await createJob(agents[i % connectedCount]!));
    const ms: number[] = [];
    for (let i = 0; i < params.jobs; i++)
      ms.push(await latencyOf(await createJob(agents[Math.floor(Math.random() * connectedCount)]!)));
    return ms;
  };
  /** Jobs created all at once, each for a different agent: dispatch under a burst. */
  const burst = async (connectedCount: number, size: number) => {
    const n = Math.min(size, connectedCount);
    const jobs = await Promise.all(Array.from({ length: n }, (_, i) => createJob(agents[i]!)));
    return Promise.all(jobs.map(latencyOf));
  };
  const allSucceeded = async () => {
    await waitFor(
      "every job to succeed",
      async () => {
        const { rows } = await db.query<{ state: string; n: string }>(
          "SELECT state, count(*)::text AS n FROM jobs GROUP BY state",
        );
        const other = rows.filter((r) => r.state !== "succeeded");
        return other.length === 0 && rows.length > 0;
      },
      120_000,
      250,
    );
  };

  const phases: Array<Record<string, unknown>> = [];
  for (const [label, from, to] of [
    ["baseline", 0, params.baselineAgents],
    ["fleet", params.baselineAgents, params.agents],
  ] as const) {
    const conn = await connect(from, to);
    await sleep(10_000); // past the connection storm: every agent heartbeating
    const rest = await idle();
    const seqMs = await sequential(to);
    // the same burst size in both phases (the baseline has only so many agents), then a big one
    const burstMs = await burst(to, params.baselineAgents);
    await allSucceeded();
    const claims0 = await claimsTotal();
    const bigBurstMs = to > params.baselineAgents ? await burst(to, params.burst) : [];
    const bigBurstClaims = (await claimsTotal()) - claims0;
    await allSucceeded();
    const [n] = (
      await db.query<{ n: string }>("SELECT count(*)::text AS n FROM jobs WHERE state = 'succeeded'")
    ).rows;
    log(
      `${label}: ${to} agents, sequential p50 ${fmtSeconds(summarize(seqMs).median / 1000)}, burst p50 ${fmtSeconds(summarize(burstMs).median / 1000)}; ${n!.n} jobs succeeded so far`,
    );
    phases.push({
      label,
      agents: to,
      connectSeconds: conn.seconds,
      idle: rest,
      sequentialMs: summarize(seqMs),
      burstMs: summarize(burstMs),
      burstSize: burstMs.length,
      bigBurstMs: bigBurstMs.length ? summarize(bigBurstMs) : null,
      bigBurstSize: bigBurstMs.length,
      bigBurstClaims: bigBurstMs.length ? bigBurstClaims : null,
    });
  }

  // The fleet overview with a big inventory: baseline, then the full size.
  const listLatency = async () => {
    const ms: number[] = [];
    let last: Awaited<ReturnType<typeof api.clusters.list.query>> = [];
    await api.clusters.list.query(); // warm
    for (let i = 0; i < params.listCalls; i++) {
      const t0 = now();
      last = await api.clusters.list.query();
      ms.push(now() - t0);
    }
    return { ms, last };
  };
  const insertClusters = async (from: number, to: number) => {
    const health = JSON.stringify({
      wal: { state: "streaming", lagBytes: 0, lagSeconds: 0 },
      replica: { running: true, lagBytes: 0 },
      problems: [],
    });
    await db.query(
      `INSERT INTO clusters (id, name, agent_id, storage_agent_id, pgdata, port, pg_version, system_identifier, mode, state, snapshot_schedule, health, next_snapshot_at, updated_at)
       SELECT 'cl_bench_' || g, 'cluster-' || lpad(g::text, 5, '0'), a.id, a.id, '/var/lib/postgresql/15/main', 5432, 15, (7300000000000000000 + g)::text,
              'replica', 'protected', '15m', $3::jsonb, '2999-01-01', now()
         FROM generate_series($1::int, $2::int - 1) g
         JOIN agents a ON a.id = 'agt_bench_' || lpad((g % ${params.agents})::text, 5, '0')`,
      [from, to, health],
    );
    await db.query(
      `INSERT INTO restore_points (id, cluster_id, kind, lsn, timeline, data_time, size_bytes, dataset, snapshot, idempotency_key, created_at)
       SELECT 'rp_bench_' || g || '_' || k, 'cl_bench_' || g, 'snapshot',
              upper(to_hex(k / 16)) || '/' || upper(to_hex((k % 16)::bigint * 268435456)), 1,
              now() - (k || ' minutes')::interval * 15, 1048576::bigint * k, 'tank/tideline/cluster-' || g || '/replica', 'rp-' || k,
              'bench-rp-' || g || '-' || k, now() - (k || ' minutes')::interval * 15
         FROM generate_series($1::int, $2::int - 1) g, generate_series(1, $3::int) k`,
      [from, to, params.restorePointsPerCluster],
    );
    await db.query("ANALYZE clusters; ANALYZE restore_points");
  };
  const baselineClusters = Math.min(params.baselineAgents, params.clusters);
  await insertClusters(0, baselineClusters);
  const small = await listLatency();
  await insertClusters(baselineClusters, params.clusters);
  const big = await listLatency();
  const total = big.last.reduce((s, c) => s + c.restorePointCount, 0);
  if (big.last.length !== params.clusters || total !== params.clusters * params.restorePointsPerCluster) {
    throw new Error(
      `clusters.list returned ${big.last.length} clusters with ${total} restore points; expected ${params.clusters} and ${params.clusters * params.restorePointsPerCluster}`,
    );
  }
  const bigBytes = Buffer.byteLength(JSON.stringify(big.last));
  // How much of clusters.list is the inventory's SQL: its query over the per-cluster summaries, and
  // for comparison what aggregating the restore points on every call (as before migration 0014)
  // would cost: the newest per cluster, and the per-cluster count.
  const sqlMs = async (sql: string) => {
    const out: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = now();
      await db.query(sql);
      out.push(now() - t0);
    }
    return summarize(out).median;
  };
  const summaryMs = await sqlMs(
    `SELECT c.id, c.name, a.name, c.health, s.restore_point_count, s.last_restore_point_at
       FROM clusters c JOIN agents a ON a.id = c.agent_id LEFT JOIN cluster_summaries s ON s.cluster_id = c.id
      ORDER BY c.name`,
  );
  const groupByMs = await sqlMs(
    "SELECT cluster_id, max(created_at) AS at FROM restore_points WHERE pruned_at IS NULL GROUP BY cluster_id",
  );
  const countsMs = await sqlMs(
    "SELECT cluster_id, count(*) AS n FROM restore_points WHERE pruned_at IS NULL GROUP BY cluster_id",
  );
  log(
    `clusters.list: ${big.last.length} clusters, ${total} restore points, p95 ${fmtSeconds(summarize(big.ms).p95 / 1000)}`,
  );
  const after = rssBytes(coordPid);

  const [base, fleet] = phases as Array<{
    agents: number;
    connectSeconds: number;
    idle: Awaited<ReturnType<typeof idle>>;
    sequentialMs: ReturnType<typeof summarize>;
    burstMs: ReturnType<typeof summarize>;
    burstSize: number;
    bigBurstMs: ReturnType<typeof summarize> | null;
    bigBurstSize: number;
    bigBurstClaims: number | null;
  }>;
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const x = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
  const rows: Row[] = [
    {
      metric: "job dispatch latency p50 (one job at a time)",
      [`${base!.agents} agents`]: ms(base!.sequentialMs.median),
      [`${fleet!.agents} agents`]: ms(fleet!.sequentialMs.median),
      ratio: x(fleet!.sequentialMs.median, base!.sequentialMs.median),
    },
    {
      metric: "job dispatch latency p99 (one job at a time)",
      [`${base!.agents} agents`]: ms(base!.sequentialMs.p99),
      [`${fleet!.agents} agents`]: ms(fleet!.sequentialMs.p99),
      ratio: x(fleet!.sequentialMs.p99, base!.sequentialMs.p99),
    },
    {
      metric: `job dispatch latency p50 (burst: ${base!.burstSize} jobs at once, one per agent)`,
      [`${base!.agents} agents`]: ms(base!.burstMs.median),
      [`${fleet!.agents} agents`]: ms(fleet!.burstMs.median),
      ratio: x(fleet!.burstMs.median, base!.burstMs.median),
    },
    {
      metric: `job dispatch latency p99 (burst: ${base!.burstSize} jobs at once, one per agent)`,
      [`${base!.agents} agents`]: ms(base!.burstMs.p99),
      [`${fleet!.agents} agents`]: ms(fleet!.burstMs.p99),
      ratio: x(fleet!.burstMs.p99, base!.burstMs.p99),
    },
    ...(fleet!.bigBurstMs
      ? [
          {
            metric: `job dispatch latency p50 / p99 (burst: ${fleet!.bigBurstSize} jobs at once, one per agent)`,
            [`${base!.agents} agents`]: "-",
            [`${fleet!.agents} agents`]: `${ms(fleet!.bigBurstMs.median)} / ${ms(fleet!.bigBurstMs.p99)}`,
            ratio: "",
          },
        ]
      : []),
    {
      metric: "coordinator RSS (idle, heartbeats only)",
      [`${base!.agents} agents`]: fmtBytes(base!.idle.coordinatorRss),
      [`${fleet!.agents} agents`]: fmtBytes(fleet!.idle.coordinatorRss),
      ratio: x(fleet!.idle.coordinatorRss, base!.idle.coordinatorRss),
    },
    {
      metric: "coordinator CPU, % of one core (idle)",
      [`${base!.agents} agents`]: `${base!.idle.coordinatorCpuPercent.toFixed(1)} %`,
      [`${fleet!.agents} agents`]: `${fleet!.idle.coordinatorCpuPercent.toFixed(1)} %`,
      ratio: x(fleet!.idle.coordinatorCpuPercent, base!.idle.coordinatorCpuPercent),
    },
    {
      metric: "inventory PostgreSQL CPU, % of one core (idle)",
      [`${base!.agents} agents`]: `${base!.idle.inventoryCpuPercent.toFixed(1)} %`,
      [`${fleet!.agents} agents`]: `${fleet!.idle.inventoryCpuPercent.toFixed(1)} %`,
      ratio: x(fleet!.idle.inventoryCpuPercent, base!.idle.inventoryCpuPercent),
    },
    {
      metric: "time to connect (HELLO → WELCOME, 50 at a time)",
      [`${base!.agents} agents`]: fmtSeconds(base!.connectSeconds),
      [`${fleet!.agents} agents`]: fmtSeconds(fleet!.connectSeconds),
      ratio: "",
    },
  ];
  report.table(`Fleet: one coordinator, ${params.agents} simulated agents (heartbeat every 5 s)`, rows);
  report.table("Fleet overview (tRPC clusters.list)", [
    {
      inventory: `${baselineClusters} clusters, ${baselineClusters * params.restorePointsPerCluster} restore points`,
      p50: ms(summarize(small.ms).median),
      p95: ms(summarize(small.ms).p95),
      calls: params.listCalls,
      "ratio (p50)": "1.0×",
      "ratio (p95)": "1.0×",
    },
    {
      inventory: `${params.clusters} clusters, ${params.clusters * params.restorePointsPerCluster} restore points`,
      p50: ms(summarize(big.ms).median),
      p95: ms(summarize(big.ms).p95),
      calls: params.listCalls,
      "ratio (p50)": x(summarize(big.ms).median, summarize(small.ms).median),
      "ratio (p95)": x(summarize(big.ms).p95, summarize(small.ms).p95),
      response: fmtBytes(bigBytes),
    },
  ]);
  report.note(
    `Of clusters.list's time with ${params.clusters} clusters, the inventory's SQL takes about ${ms(summaryMs)} (one query over clusters and cluster_summaries, kept on write by triggers on restore_points); aggregating the restore points per call instead would take ${ms(groupByMs)} (newest per cluster) + ${ms(countsMs)} (count per cluster). Medians of 10, measured directly; the rest is superjson, zod and the HTTP response (${fmtBytes(bigBytes)}).`,
  );
  report.note(
    "Dispatch latency: from just before the jobs.create tRPC call to the JOB_DISPATCH frame arriving in the simulated agent's process (both clocks are this machine's; performance.timeOrigin + now()).",
  );
  report.note(
    `CPU is measured over an idle window of ${params.idleSeconds} s (heartbeats only) from /proc/<pid>/stat: the coordinator process, and the inventory's PostgreSQL (postmaster and all its backends). Heartbeats are kept in memory and written in one batched UPDATE every 5 s per coordinator, with one stale-agent sweep for all agents; the dispatcher's 1 s sweep asks once which agents have queued jobs.`,
  );
  if (fleet!.bigBurstMs) {
    report.note(
      `The burst of ${fleet!.bigBurstSize} jobs was claimed by the dispatcher in ${fleet!.bigBurstClaims ?? "?"} claim statements (each claims the queued jobs of every agent woken meanwhile and writes their events).`,
    );
  }
  report.note(
    `The simulated agents used ${fleet!.idle.simulatorCpuPercent.toFixed(1)} % of a core for ${fleet!.agents} sockets; they share the machine with the coordinator and its inventory.`,
  );
  await report.write({
    phases,
    list: {
      baseline: { clusters: baselineClusters, ms: summarize(small.ms) },
      fleet: {
        clusters: params.clusters,
        restorePoints: total,
        ms: summarize(big.ms),
        responseBytes: bigBytes,
        sqlMs: { summary: summaryMs, groupBy: groupByMs, counts: countsMs },
      },
    },
    coordinatorRssAfterList: after,
    problems: problems.slice(0, 20),
    problemCount: problems.length,
  });
});

// Coordinator + real agent processes over real sockets, on a real inventory.
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { errorCode } from "@tideline/client";
import { startTestCluster, type TestCluster } from "@tideline/postgres";
import { type CoordinatorProc, type Proc, spawnAgent, spawnCoordinator, startInventory, type TestInventory, waitFor, waitForJob } from "@tideline/testkit";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const FAST = { TIDELINE_LEASE_MS: "3000", TIDELINE_HEARTBEAT_MS: "500", TIDELINE_SWEEP_MS: "300" };

describe("agents and jobs over real sockets", () => {
  let inv: TestInventory;
  let coord: CoordinatorProc;
  let agent: Proc;
  let agentDir: string;
  const procs: Proc[] = [];

  beforeAll(async () => {
    inv = await startInventory();
    coord = await spawnCoordinator({ databaseUrl: inv.databaseUrl, env: FAST });
    procs.push(coord);
  });
  afterAll(async () => {
    for (const p of procs) await p.kill("SIGKILL");
    await inv?.destroy();
  });

  const api = () => inv.client(coord.url);
  const agentNamed = async (name: string) => (await api().agents.list.query()).find((a) => a.name === name);

  it("enrolls an agent with a one-time token; it reports its host and clusters", async () => {
    const { token } = await api().agents.createEnrollmentToken.mutate({ ttlMinutes: 5 });
    agentDir = await mkdtemp(path.join(os.tmpdir(), "tl-agent-"));
    agent = spawnAgent({ wsUrl: coord.wsUrl, dataDir: agentDir, enrollToken: token, name: "db1", env: FAST });
    procs.push(agent);
    const a = await waitFor("db1 connected", async () => {
      const found = await agentNamed("db1");
      return found?.connected ? found : null;
    });
    expect(a.hostname).toBe(os.hostname());
    expect((a.capabilities as { postgresVersions: number[] }).postgresVersions).toContain(15);

    // the token is spent: a second agent presenting it is refused and exits
    const second = spawnAgent({ wsUrl: coord.wsUrl, dataDir: await mkdtemp(path.join(os.tmpdir(), "tl-agent-")), enrollToken: token, name: "db2" });
    procs.push(second);
    const code = await new Promise<number | null>((r) => second.proc.once("exit", r));
    expect(code).toBe(3);
    expect(second.output()).toContain("ENROLLMENT_TOKEN_INVALID");
    expect(await agentNamed("db2")).toBeUndefined();
  });

  it("refuses a wrong token, a wrong secret and malformed frames without crashing", async () => {
    const ws = new WebSocket(coord.wsUrl);
    await new Promise((r) => ws.once("open", r));
    const replies: Array<{ type: string; payload: { code: string } }> = [];
    ws.on("message", (m) => replies.push(JSON.parse(m.toString())));
    ws.send("{ this is not json");
    ws.send(JSON.stringify({ v: 1, id: "x1", type: "JOB_PROGRESS", payload: { jobId: "j", progress: 5 } }));
    ws.send(JSON.stringify({ v: 1, id: "x2", type: "HEARTBEAT", payload: { runningJobs: [], at: "now" } }));
    await waitFor("3 replies", () => replies.length >= 3);
    expect(replies.map((r) => r.payload.code)).toEqual(["BAD_FRAME", "BAD_PAYLOAD", "NOT_AUTHENTICATED"]);
    ws.close();

    const ws2 = new WebSocket(coord.wsUrl);
    await new Promise((r) => ws2.once("open", r));
    const closed = new Promise<number>((r) => ws2.once("close", (c) => r(c)));
    const err = new Promise<{ payload: { code: string } }>((r) => ws2.once("message", (m) => r(JSON.parse(m.toString()))));
    ws2.send(JSON.stringify({ v: 1, id: "e1", type: "ENROLL", payload: { token: "tle_wrongwrongwrongwrongwrong", hostname: "evil" } }));
    expect((await err).payload.code).toBe("ENROLLMENT_TOKEN_INVALID");
    expect(await closed).toBe(4401);

    const a = (await agentNamed("db1"))!;
    const ws3 = new WebSocket(coord.wsUrl);
    await new Promise((r) => ws3.once("open", r));
    const err3 = new Promise<{ payload: { code: string } }>((r) => ws3.once("message", (m) => r(JSON.parse(m.toString()))));
    ws3.send(JSON.stringify({ v: 1, id: "h1", type: "HELLO", payload: { agentId: a.id, secret: "tla_notthesecretnotthesecret", hostname: "x", version: "0", roles: [], capabilities: { postgresVersions: [], zfs: false, zpool: false, platform: "linux", arch: "x64" }, clusters: [], runningJobs: [] } }));
    expect((await err3).payload.code).toBe("AUTH_FAILED");
    ws3.close();

    const health = await fetch(`${coord.url}/healthz`).then((r) => r.json());
    expect((health as { status: string }).status).toBe("ok");
    expect((await agentNamed("db1"))!.connected).toBe(true);
    const metrics = await fetch(`${coord.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/tideline_agent_bad_frames_total [1-9]/);
  });

  it("runs cluster.inspect against a real PostgreSQL cluster", async () => {
    const pg: TestCluster = await startTestCluster();
    try {
      const { jobId } = await api().clusters.inspect.mutate({ agent: "db1", pgdata: pg.pgdata, port: pg.port });
      const job = await waitForJob(api(), jobId);
      expect(job.state).toBe("succeeded");
      const r = job.result as { version: number; walLevel: string; systemIdentifier: string; inRecovery: boolean; timeline: number };
      expect(r.version).toBe(15);
      expect(r.walLevel).toBe("replica");
      expect(r.inRecovery).toBe(false);
      expect(r.timeline).toBe(1);
      const [sys] = await pg.query<{ id: string }>("SELECT system_identifier::text AS id FROM pg_control_system()");
      expect(r.systemIdentifier).toBe(sys!.id);
      // a directory that is not a cluster fails with a code, and the agent lives on
      const bad = await api().clusters.inspect.mutate({ agent: "db1", pgdata: "/nonexistent", port: 5 });
      const failed = await waitForJob(api(), bad.jobId);
      expect(failed.state).toBe("failed");
      expect(failed.error?.code).toBe("NOT_A_DATA_DIRECTORY");
    } finally {
      await pg.destroy();
    }
  });

  it("re-queues a job whose agent was killed with SIGKILL mid-job, and finishes it once the agent is back", async () => {
    const { jobId } = await api().jobs.create.mutate({ kind: "diag.sleep", agent: "db1", payload: { seconds: 4 } });
    await waitFor("job running", async () => (await api().jobs.get.query({ id: jobId })).state === "running");
    await agent.kill("SIGKILL");
    // lease expiry puts it back in the queue while the agent is gone
    await waitFor("job re-queued", async () => (await api().jobs.get.query({ id: jobId })).state === "queued", 15_000);
    agent = spawnAgent({ dataDir: agentDir, env: FAST });
    procs.push(agent);
    const done = await waitForJob(api(), jobId, undefined, 60_000);
    expect(done.state).toBe("succeeded");
    expect(done.attempts).toBe(2);
    expect(done.events.some((e) => e.message.includes("lease expired"))).toBe(true);
  });

  it("reconnects after the coordinator restarts, and no job is lost", async () => {
    const port = coord.port;
    await coord.kill("SIGKILL");
    const { createApiClient } = await import("@tideline/client");
    coord = await spawnCoordinator({ databaseUrl: inv.databaseUrl, port, id: "coord-restarted", env: FAST });
    procs.push(coord);
    await waitFor("db1 back", async () => {
      const a = await agentNamed("db1");
      return a?.connected && a.coordinatorId === "coord-restarted";
    }, 40_000);
    const { jobId } = await createApiClient(coord.url, inv.adminToken).jobs.create.mutate({ kind: "diag.sleep", agent: "db1", payload: { seconds: 0.1 } });
    expect((await waitForJob(api(), jobId)).state).toBe("succeeded");
  });

  it("cancels a running job", async () => {
    const { jobId } = await api().jobs.create.mutate({ kind: "diag.sleep", agent: "db1", payload: { seconds: 30 } });
    await waitFor("running", async () => (await api().jobs.get.query({ id: jobId })).state === "running");
    await api().jobs.cancel.mutate({ id: jobId });
    expect((await waitForJob(api(), jobId)).state).toBe("cancelled");
    // job durations by kind and outcome, and the process's own health, on /metrics
    const metrics = await fetch(`${coord.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/tideline_job_duration_seconds_count\{kind="diag.sleep",state="succeeded"\} [1-9]/);
    expect(metrics).toMatch(/tideline_job_duration_seconds_bucket\{le="1",kind="diag.sleep",state="cancelled"\} 1/);
    expect(metrics).toMatch(/tideline_coordinator_process_resident_memory_bytes [1-9]/);
    expect(metrics).toMatch(/tideline_coordinator_nodejs_eventloop_lag_seconds \d/);
    expect(metrics).toMatch(/tideline_jobs\{state="cancelled"\} [1-9]/);
    expect(metrics).toMatch(/tideline_inventory_up 1/);
  });

  it("refuses a viewer's mutations and unauthenticated calls", async () => {
    await api().users.create.mutate({ email: "view@x.io", name: "V", role: "viewer", password: "viewerpass1" });
    const { createApiClient } = await import("@tideline/client");
    const { token } = await createApiClient(coord.url).auth.signIn.mutate({ email: "view@x.io", password: "viewerpass1" });
    const viewer = createApiClient(coord.url, token);
    expect((await viewer.agents.list.query()).length).toBeGreaterThan(0);
    await expect(viewer.jobs.create.mutate({ kind: "diag.sleep", agent: "db1", payload: { seconds: 1 } })).rejects.toSatisfy((e) => errorCode(e) === "FORBIDDEN");
    await expect(createApiClient(coord.url).agents.list.query()).rejects.toSatisfy((e) => errorCode(e) === "UNAUTHORIZED");
    await expect(createApiClient(coord.url).auth.signIn.mutate({ email: "view@x.io", password: "nope" })).rejects.toSatisfy((e) => errorCode(e) === "INVALID_CREDENTIALS");
  });
});

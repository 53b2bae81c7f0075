// Two coordinators sharing one inventory, agents split between them: a job created through
// either reaches its agent exactly once.
import os from "node:os";
import path from "node:path";
import { type CoordinatorProc, type Proc, spawnAgent, spawnCoordinator, startInventory, type TestInventory, waitFor, waitForJob } from "@tideline/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("two coordinators on one inventory", () => {
  let inv: TestInventory;
  let a: CoordinatorProc;
  let b: CoordinatorProc;
  const procs: Proc[] = [];

  beforeAll(async () => {
    inv = await startInventory();
    [a, b] = await Promise.all([
      spawnCoordinator({ databaseUrl: inv.databaseUrl, id: "coord-a" }),
      spawnCoordinator({ databaseUrl: inv.databaseUrl, id: "coord-b" }),
    ]);
    procs.push(a, b);
    const tokens = await Promise.all([0, 1, 2, 3].map(() => inv.client(a.url).agents.createEnrollmentToken.mutate({})));
    tokens.forEach(({ token }, i) => {
      const via = i % 2 === 0 ? a : b;
      procs.push(spawnAgent({ wsUrl: via.wsUrl, dataDir: path.join(os.tmpdir(), `tl-two-${process.pid}-${i}`), enrollToken: token, name: `host${i}` }));
    });
    await waitFor("4 agents connected", async () => (await inv.client(a.url).agents.list.query()).filter((x) => x.connected).length === 4, 30_000);
  });
  afterAll(async () => {
    for (const p of procs) await p.kill("SIGKILL");
    await inv?.destroy();
  });

  it("places agents on the coordinator they connected to", async () => {
    const agents = await inv.client(b.url).agents.list.query();
    expect(Object.fromEntries(agents.map((x) => [x.name, x.coordinatorId]))).toEqual({ host0: "coord-a", host1: "coord-b", host2: "coord-a", host3: "coord-b" });
  });

  it("delivers jobs created on either coordinator to the right agent exactly once", async () => {
    const jobs: Array<{ id: string; agent: string }> = [];
    for (let round = 0; round < 5; round++) {
      for (const [via, agent] of [[a, "host1"], [b, "host0"], [a, "host2"], [b, "host3"]] as const) {
        const { jobId } = await inv.client(via.url).jobs.create.mutate({ kind: "diag.sleep", agent, payload: { seconds: 0.05, marker: `${agent}-${round}` } });
        jobs.push({ id: jobId, agent });
      }
    }
    for (const j of jobs) {
      const done = await waitForJob(inv.client(a.url), j.id);
      expect(done.state).toBe("succeeded");
      expect(done.agentName).toBe(j.agent);
      expect(done.attempts).toBe(1);
      expect(done.events.filter((e) => e.message.startsWith("dispatched")).length).toBe(1);
    }
    // each coordinator dispatched only to its own agents
    const rows = await inv.pg.query<{ coordinator: string; agent: string }>(
      `SELECT e.data->>'coordinatorId' AS coordinator, a.name AS agent FROM job_events e JOIN jobs j ON j.id = e.job_id JOIN agents a ON a.id = j.agent_id WHERE e.message LIKE 'dispatched%'`,
    );
    for (const r of rows) expect(r.coordinator).toBe(["host0", "host2"].includes(r.agent) ? "coord-a" : "coord-b");
    expect(rows.length).toBe(jobs.length);
  });
});

// Two coordinators sharing one inventory, agents split between them: a job created through
// either reaches its agent exactly once, a burst of them is claimed in batches, liveness written
// in batches by one coordinator is seen by the other, and a killed coordinator's agents are shown
// disconnected by the survivor's sweep.
import os from "node:os";
import path from "node:path";
import {
  type CoordinatorProc,
  type Proc,
  spawnAgent,
  spawnCoordinator,
  startInventory,
  type TestInventory,
  waitFor,
  waitForJob,
} from "@tideline/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// heartbeats every second, liveness written every second, stale after 4 s: the sweep within a test
const FAST = { TIDELINE_HEARTBEAT_MS: "1000", TIDELINE_AGENT_STALE_MS: "4000" };

async function claimsTotal(c: CoordinatorProc): Promise<number> {
  const text = await (await fetch(`${c.url}/metrics`)).text();
  return Number(/^tideline_dispatch_claims_total (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

describe("two coordinators on one inventory", () => {
  let inv: TestInventory;
  let a: CoordinatorProc;
  let b: CoordinatorProc;
  const procs: Proc[] = [];

  beforeAll(async () => {
    inv = await startInventory();
    [a, b] = await Promise.all([
      spawnCoordinator({ databaseUrl: inv.databaseUrl, id: "coord-a", env: FAST }),
      spawnCoordinator({ databaseUrl: inv.databaseUrl, id: "coord-b", env: FAST }),
    ]);
    procs.push(a, b);
    const tokens = await Promise.all(
      [0, 1, 2, 3].map(() => inv.client(a.url).agents.createEnrollmentToken.mutate({})),
    );
    tokens.forEach(({ token }, i) => {
      const via = i % 2 === 0 ? a : b;
      procs.push(
        spawnAgent({
          wsUrl: via.wsUrl,
          dataDir: path.join(os.tmpdir(), `tl-two-${process.pid}-${i}`),
          enrollToken: token,
          name: `host${i}`,
        }),
      );
    });
    await waitFor(
      "4 agents connected",
      async () => (await inv.client(a.url).agents.list.query()).filter((x) => x.connected).length === 4,
      30_000,
    );
  });
  afterAll(async () => {
    for (const p of procs) await p.kill("SIGKILL");
    await inv?.destroy();
  });

  it("places agents on the coordinator they connected to", async () => {
    const agents = await inv.client(b.url).agents.list.query();
    expect(Object.fromEntries(agents.map((x) => [x.name, x.coordinatorId]))).toEqual({
      host0: "coord-a",
      host1: "coord-b",
      host2: "coord-a",
      host3: "coord-b",
    });
  });

  it("delivers jobs created on either coordinator to the right agent exactly once", async () => {
    const jobs: Array<{ id: string; agent: string }> = [];
    for (let round = 0; round < 5; round++) {
      for (const [via, agent] of [
        [a, "host1"],
        [b, "host0"],
        [a, "host2"],
        [b, "host3"],
      ] as const) {
        const { jobId } = await inv
          .client(via.url)
          .jobs.create.mutate({
            kind: "diag.sleep",
            agent,
            payload: { seconds: 0.05, marker: `${agent}-${round}` },
          });
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
    for (const r of rows)
      expect(r.coordinator).toBe(["host0", "host2"].includes(r.agent) ? "coord-a" : "coord-b");
    expect(rows.length).toBe(jobs.length);
  });

  it("claims a burst of jobs in batches and delivers each exactly once", async () => {
    const before = (await claimsTotal(a)) + (await claimsTotal(b));
    const created = await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const agent = `host${i % 4}`;
        const via = i % 3 === 0 ? b : a;
        return inv
          .client(via.url)
          .jobs.create.mutate({ kind: "diag.sleep", agent, payload: { seconds: 0, marker: `burst-${i}` } })
          .then((r) => ({ id: r.jobId, agent }));
      }),
    );
    for (const j of created) {
      const done = await waitForJob(inv.client(b.url), j.id);
      expect(done.state).toBe("succeeded");
      expect(done.agentName).toBe(j.agent);
      expect(done.attempts).toBe(1);
      expect(done.events.filter((e) => e.message.startsWith("dispatched")).length).toBe(1);
    }
    const claims = (await claimsTotal(a)) + (await claimsTotal(b)) - before;
    expect(claims).toBeGreaterThan(0);
    expect(claims).toBeLessThan(created.length);
  });

  it("shows an agent connected to one coordinator alive through the other's API", async () => {
    const seen = async () => (await inv.client(b.url).agents.list.query()).find((x) => x.name === "host0")!;
    const first = await seen();
    expect(first.coordinatorId).toBe("coord-a");
    // written by coord-a in a batch every second; read through coord-b
    const later = await waitFor(
      "host0's last-seen time to move",
      async () => {
        const now = await seen();
        return now.lastSeenAt && first.lastSeenAt && now.lastSeenAt > first.lastSeenAt ? now : null;
      },
      10_000,
    );
    expect(later.connected).toBe(true);
  });

  it("shows a killed coordinator's agents disconnected, by the other coordinator's sweep", async () => {
    await a.kill("SIGKILL");
    const agents = await waitFor(
      "coord-a's agents shown disconnected",
      async () => {
        const list = await inv.client(b.url).agents.list.query();
        return list.filter((x) => !x.connected).length === 2 ? list : null;
      },
      20_000,
    );
    expect(Object.fromEntries(agents.map((x) => [x.name, x.connected]))).toEqual({
      host0: false,
      host1: true,
      host2: false,
      host3: true,
    });
    // and coord-b's own agents stay connected over further sweeps
    await new Promise((r) => setTimeout(r, 5000));
    const again = await inv.client(b.url).agents.list.query();
    expect(again.filter((x) => x.connected).map((x) => x.name)).toEqual(["host1", "host3"]);
  });
});

// Secrets in jobs: a replication password and a server's superuser password reach the agent the
// job is for, over its socket, and nothing else: not the stored payload, not any API answer (a
// viewer's or an admin's), not the coordinator's log. The agent here is a raw WebSocket client
// speaking the protocol, so the test sees exactly the frames an agent receives.
import { createApiClient } from "@tideline/client";
import {
  type CoordinatorProc,
  type RawAgent,
  rawAgent,
  spawnCoordinator,
  startInventory,
  type TestInventory,
  tidelineCli,
  tidelineJson,
  waitFor,
  waitForJob,
} from "@tideline/testkit";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const FAST = { TIDELINE_LEASE_MS: "5000", TIDELINE_HEARTBEAT_MS: "500", TIDELINE_SWEEP_MS: "300" };
const REPLICATION_PASSWORD = "Repl-Pa55-unique-7f3a9c";
const SERVER_PASSWORD = "Clone-Pa55-unique-b81e2d";

describe("job secrets", () => {
  let inv: TestInventory;
  let coord: CoordinatorProc;
  let agent: RawAgent;
  let viewerToken: string;

  beforeAll(async () => {
    inv = await startInventory();
    coord = await spawnCoordinator({ databaseUrl: inv.databaseUrl, env: FAST });
    const { token } = await inv.client(coord.url).agents.createEnrollmentToken.mutate({ ttlMinutes: 5 });
    agent = await rawAgent(coord.wsUrl, token, "raw1");
    // a viewer and their token, made the way a script would: with the CLI
    await tidelineJson(coord.url, inv.adminToken, "users", "create", "vera", "--role", "viewer");
    const created = await tidelineJson(coord.url, inv.adminToken, "tokens", "create", "--user", "vera");
    viewerToken = (created as { token: string }).token;
  });
  afterAll(async () => {
    agent?.close();
    await coord?.kill("SIGKILL");
    await inv?.destroy();
  });

  const admin = () => inv.client(coord.url);
  const viewer = () => createApiClient(coord.url, viewerToken);

  async function storedPayloads(): Promise<string> {
    const db = new pg.Client({ connectionString: inv.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ p: string }>(
        "SELECT coalesce(string_agg(payload::text || coalesce(result::text, '') || coalesce(error::text, ''), ' '), '') AS p FROM jobs",
      );
      const events = await db.query<{ e: string }>(
        "SELECT coalesce(string_agg(message || coalesce(data::text, ''), ' '), '') AS e FROM job_events",
      );
      const audit = await db.query<{ a: string }>(
        "SELECT coalesce(string_agg(coalesce(details::text, ''), ' '), '') AS a FROM audit_log",
      );
      return rows[0]!.p + events.rows[0]!.e + audit.rows[0]!.a;
    } finally {
      await db.end();
    }
  }

  it("gives the agent the replication password, and shows everyone else the conninfo without it", async () => {
    const conninfo = `host=db1 port=5432 user=replicator password=${REPLICATION_PASSWORD} dbname=postgres`;
    const { jobId } = await admin().jobs.create.mutate({
      kind: "cluster.check",
      agent: "raw1",
      payload: { mode: "replica", primary: { conninfo, port: 5432, pgdata: "/srv/pg", version: 15 } },
      maxAttempts: 1,
    });
    const d = await agent.dispatched(jobId);
    expect((d.payload.payload as { primary: { conninfo: string } }).primary.conninfo).toBe(conninfo);

    agent.answer(d, {
      ok: false,
      error: { code: "CLUSTER_UNREACHABLE", message: "could not connect to db1" },
    });
    expect((await waitForJob(admin(), jobId)).state).toBe("failed");
    for (const reader of [admin(), viewer()]) {
      const seen = JSON.stringify([
        await reader.jobs.get.query({ id: jobId }),
        await reader.jobs.list.query({}),
      ]);
      expect(seen).not.toContain(REPLICATION_PASSWORD);
      expect(seen).toContain("host=db1 port=5432 user=replicator password=******** dbname=postgres");
    }

    // a retry is a new job that needs the same secret: the agent gets it again
    const { jobId: again } = await admin().jobs.retry.mutate({ id: jobId });
    const d2 = await agent.dispatched(again);
    expect((d2.payload.payload as { primary: { conninfo: string } }).primary.conninfo).toBe(conninfo);
    agent.answer(d2, { ok: false, error: { code: "CLUSTER_UNREACHABLE", message: "still down" } });
    await waitForJob(admin(), again);
  });

  it("gives the agent a server's superuser password, keeps it out of every answer, and forgets it once the job succeeded", async () => {
    const spec = {
      cloneId: "drsecret01",
      clusterId: "c1",
      cluster: "shop",
      source: {
        restorePointId: "rp1",
        kind: "snapshot",
        dataset: "tank/tideline/shop/replica",
        snapshot: "rp-1",
      },
      recoveryTarget: { time: "2026-11-21 10:00:00.000000+00" },
      timeline: 1,
      user: "tideline",
      password: SERVER_PASSWORD,
      targetDir: "/srv/restored",
      port: 5440,
      action: "promote",
    };
    const { jobId } = await admin().jobs.create.mutate({ kind: "restore.dr", agent: "raw1", payload: spec });
    const d = await agent.dispatched(jobId);
    expect((d.payload.payload as { password: string }).password).toBe(SERVER_PASSWORD);
    agent.answer(d, {
      ok: true,
      result: {
        dataDir: "/srv/restored",
        port: 5440,
        reachedLsn: "0/3000148",
        reachedTime: "2026-11-21T09:59:59.900Z",
        seconds: 2.294303753000044,
        bytesCopied: 40 * 1024 * 1024,
      },
    });
    const done = await waitForJob(admin(), jobId);
    expect(done.state).toBe("succeeded");

    const asViewer = await viewer().jobs.get.query({ id: jobId });
    expect(JSON.stringify(asViewer)).not.toContain(SERVER_PASSWORD);
    expect(JSON.stringify(await admin().jobs.get.query({ id: jobId }))).not.toContain(SERVER_PASSWORD);
    // what the job page shows: the DBA's facts, in units, no float noise and no password field
    const facts = Object.fromEntries(
      [...asViewer.facts.request, ...asViewer.facts.outcome].map((f) => [f.label, f.value]),
    );
    expect(facts).toMatchObject({
      Target: "time 2026-11-21 10:00:00 UTC",
      "Reached LSN": "0/3000148",
      Duration: "2.3 s",
      Copied: "40 MiB",
    });
    expect(JSON.stringify(asViewer.facts)).not.toMatch(/password|2\.2943/i);

    const db = new pg.Client({ connectionString: inv.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query("SELECT 1 FROM job_secrets WHERE job_id = $1", [jobId]);
      expect(rows).toEqual([]);
    } finally {
      await db.end();
    }
  });

  it("stores no secret in any payload, event or audit entry, and logs none", async () => {
    const stored = await storedPayloads();
    expect(stored.length).toBeGreaterThan(0);
    for (const secret of [REPLICATION_PASSWORD, SERVER_PASSWORD]) {
      expect(stored).not.toContain(secret);
      expect(coord.output()).not.toContain(secret);
    }
  });

  it("says TOKEN_INVALID for a token it does not accept, and UNAUTHENTICATED for none", async () => {
    await expect(
      createApiClient(coord.url, "tlt_notarealtokennotarealtoken").agents.list.query(),
    ).rejects.toThrow(/TOKEN_INVALID: the API token was not accepted/);
    await expect(createApiClient(coord.url).agents.list.query()).rejects.toThrow(/UNAUTHENTICATED/);
    const r = await tidelineCli([
      "agents",
      "list",
      "--url",
      coord.url,
      "--token",
      "tlt_notarealtokennotarealtoken",
      "--json",
    ]);
    expect(r.code).not.toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      error: { code: "TOKEN_INVALID", message: "the API token was not accepted" },
    });
  });
});

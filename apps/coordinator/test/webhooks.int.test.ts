// Notification webhooks: signed deliveries to a real HTTP endpoint, recorded in the delivery log.
import { createHmac } from "node:crypto";
import http from "node:http";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { errorCode } from "@tideline/client";
import { type CoordinatorProc, type Proc, spawnAgent, spawnCoordinator, startInventory, type TestInventory, waitFor, waitForJob } from "@tideline/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("notification webhooks", () => {
  let inv: TestInventory;
  let coord: CoordinatorProc;
  let agent: Proc;
  let server: http.Server;
  let url = "";
  const received: Array<{ body: string; signature: string; event: string }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        received.push({ body, signature: String(req.headers["x-tideline-signature"]), event: String(req.headers["x-tideline-event"]) });
        res.writeHead(req.url === "/fail" ? 500 : 204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    inv = await startInventory();
    coord = await spawnCoordinator({ databaseUrl: inv.databaseUrl });
    const { token } = await inv.client(coord.url).agents.createEnrollmentToken.mutate({});
    agent = spawnAgent({ wsUrl: coord.wsUrl, dataDir: await mkdtemp(path.join(os.tmpdir(), "tl-agent-")), enrollToken: token, name: "db1", roles: "database" });
    await waitFor("agent", async () => (await inv.client(coord.url).agents.list.query()).some((a) => a.connected));
  });
  afterAll(async () => {
    await agent?.kill("SIGKILL");
    await coord?.kill("SIGKILL");
    server?.close();
    await inv?.destroy();
  });

  it("delivers a signed test event and records it; a failing endpoint is logged, not fatal", async () => {
    const api = inv.client(coord.url);
    const { id, secret } = await api.webhooks.create.mutate({ name: "ops", url: `${url}/hook`, events: ["job.failed"] });
    const r = await api.webhooks.test.mutate({ id });
    expect(r).toEqual({ ok: true, status: 204, error: null });
    const got = received.at(-1)!;
    expect(got.event).toBe("test");
    expect(got.signature).toBe(`sha256=${createHmac("sha256", secret).update(got.body).digest("hex")}`);

    // a failed job is announced to subscribers of job.failed
    const { jobId } = await api.clusters.inspect.mutate({ agent: "db1", pgdata: "/nonexistent", port: 5 });
    expect((await waitForJob(api, jobId)).state).toBe("failed");
    await waitFor("job.failed delivery", () => received.some((x) => x.event === "job.failed" && x.body.includes(jobId)));

    const bad = await api.webhooks.create.mutate({ name: "broken", url: `${url}/fail`, events: [] });
    expect((await api.webhooks.test.mutate({ id: bad.id })).ok).toBe(false);
    const log = await api.webhooks.deliveries.query({ id: bad.id });
    expect(log[0]).toMatchObject({ event: "test", ok: false, status: 500, error: "HTTP 500" });
    const hooks = await api.webhooks.list.query();
    expect(hooks.map((h) => [h.name, h.lastDelivery?.ok])).toEqual([["ops", true], ["broken", false]]);
    await expect(api.webhooks.create.mutate({ name: "x", url: "ftp://nope", events: [] })).rejects.toSatisfy((e) => errorCode(e) === "BAD_REQUEST");
  });
});

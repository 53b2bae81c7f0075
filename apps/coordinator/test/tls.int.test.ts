// TLS where Tideline crosses a network: a coordinator with a certificate (signed by a CA made
// here with openssl) serves HTTPS and wss://; an agent enrolled with --ca connects and runs jobs;
// one given another CA is refused with TLS_UNTRUSTED and never enrolls; the CLI talks HTTPS with
// --ca; the enrollment command names the CA; plain ws:// to another host and a plain listener
// beyond loopback are refused.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createApiClient } from "@tideline/client";
import { freePort } from "@tideline/postgres";
import {
  type CoordinatorProc,
  type Proc,
  spawnAgent,
  spawnCoordinator,
  spawnTs,
  startInventory,
  type TestInventory,
  tidelineCli,
  waitFor,
  waitForJob,
} from "@tideline/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);

/** A CA and a certificate for 127.0.0.1 signed by it, as PEM files in `dir`. */
async function makeCa(dir: string, name: string) {
  const f = (x: string) => path.join(dir, `${name}-${x}`);
  await exec("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    f("ca.key"),
    "-out",
    f("ca.pem"),
    "-days",
    "2",
    "-subj",
    `/CN=${name} test CA`,
  ]);
  await exec("openssl", [
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    f("server.key"),
    "-out",
    f("server.csr"),
    "-subj",
    "/CN=127.0.0.1",
  ]);
  await writeFile(f("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  await exec("openssl", [
    "x509",
    "-req",
    "-in",
    f("server.csr"),
    "-CA",
    f("ca.pem"),
    "-CAkey",
    f("ca.key"),
    "-CAcreateserial",
    "-out",
    f("server.pem"),
    "-days",
    "2",
    "-extfile",
    f("san.ext"),
  ]);
  return { ca: f("ca.pem"), cert: f("server.pem"), key: f("server.key") };
}

describe("TLS between coordinator, agents and the CLI", () => {
  let dir: string;
  let inv: TestInventory;
  let coord: CoordinatorProc;
  let https: string;
  let wss: string;
  let good: { ca: string; cert: string; key: string };
  let other: { ca: string };
  const procs: Proc[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "tl-tls-"));
    good = await makeCa(dir, "good");
    other = await makeCa(dir, "other");
    inv = await startInventory();
    coord = await spawnCoordinator({
      databaseUrl: inv.databaseUrl,
      env: { TIDELINE_TLS_CERT: good.cert, TIDELINE_TLS_KEY: good.key, TIDELINE_TLS_CA: good.ca },
    });
    procs.push(coord);
    https = `https://127.0.0.1:${coord.port}`;
    wss = `wss://127.0.0.1:${coord.port}/agent`;
  });
  afterAll(async () => {
    for (const p of procs) await p.kill("SIGKILL");
    await inv?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const api = () => createApiClient(https, inv.adminToken, { ca: readFileSync(good.ca, "utf8") });

  it("serves the API over HTTPS to a client that trusts its CA, and names the CA in the enrollment command", async () => {
    const t = await api().agents.createEnrollmentToken.mutate({});
    expect(t.installCommand).toContain(`--coordinator ${wss}`);
    expect(t.installCommand).toContain(`--ca ${good.ca}`);
    // without the CA the same call fails on the certificate
    await expect(createApiClient(https, inv.adminToken).agents.list.query()).rejects.toThrow();
  });

  it("enrolls an agent with --ca over wss:// and runs a job on it", async () => {
    const { token } = await api().agents.createEnrollmentToken.mutate({});
    const agentDir = path.join(dir, "agent-good");
    const a = spawnAgent({
      wsUrl: wss,
      dataDir: agentDir,
      enrollToken: token,
      name: "tls-host",
      env: { TIDELINE_CA: good.ca },
    });
    procs.push(a);
    await waitFor(
      "the agent to connect over wss",
      async () => (await api().agents.list.query()).find((x) => x.name === "tls-host" && x.connected),
      30_000,
    );
    const { jobId } = await api().jobs.create.mutate({
      kind: "diag.sleep",
      agent: "tls-host",
      payload: { seconds: 0.1 },
    });
    expect((await waitForJob(api(), jobId)).state).toBe("succeeded");
  });

  it("refuses a coordinator whose certificate the agent's CA did not sign", async () => {
    const { token } = await api().agents.createEnrollmentToken.mutate({});
    const a = spawnAgent({
      wsUrl: wss,
      dataDir: path.join(dir, "agent-other"),
      enrollToken: token,
      name: "wrong-ca",
      env: { TIDELINE_CA: other.ca },
    });
    procs.push(a);
    await waitFor(
      "the agent to say TLS_UNTRUSTED",
      async () => a.output().includes("TLS_UNTRUSTED"),
      30_000,
      200,
    );
    expect((await api().agents.list.query()).some((x) => x.name === "wrong-ca")).toBe(false);
  });

  it("talks HTTPS from the CLI with --ca", async () => {
    const r = await tidelineCli([
      "agents",
      "list",
      "--url",
      https,
      "--token",
      inv.adminToken,
      "--ca",
      good.ca,
      "--json",
    ]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Array<{ name: string }>).map((x) => x.name)).toContain("tls-host");
    const refused = await tidelineCli([
      "agents",
      "list",
      "--url",
      https,
      "--token",
      inv.adminToken,
      "--ca",
      other.ca,
      "--json",
    ]);
    expect(refused.code).not.toBe(0);
  });

  it("keeps plain ws:// and plain HTTP to loopback", async () => {
    const a = spawnAgent({
      wsUrl: "ws://10.200.0.1:7400/agent",
      dataDir: path.join(dir, "agent-plain"),
      enrollToken: "tle_x",
      name: "plain",
    });
    procs.push(a);
    await waitFor(
      "the agent to refuse plain ws:// to another host",
      async () => a.output().includes("PLAINTEXT_REFUSED"),
      20_000,
      200,
    );
    const port = await freePort();
    const c = spawnTs("apps/coordinator/src/main.ts", [], {
      DATABASE_URL: inv.databaseUrl,
      TIDELINE_COORDINATOR_PORT: String(port),
      TIDELINE_COORDINATOR_HOST: "0.0.0.0",
    });
    procs.push(c);
    await waitFor(
      "the coordinator to refuse a plain listener beyond loopback",
      async () => c.proc.exitCode !== null,
      30_000,
      200,
    );
    expect(c.proc.exitCode).toBe(2);
    expect(c.output()).toContain("TLS_REQUIRED");
  });
});

// Hostile input on the agent socket: thousands of fuzzed frames (random bytes, broken JSON, valid
// JSON of the wrong shape, unknown types, oversized frames) from strangers and from an enrolled
// agent, and frames replayed by one agent about another agent's job. The coordinator answers each
// with a code, crashes on none, and the other agent's job is untouched.
import { randomBytes } from "node:crypto";
import {
  type CoordinatorProc,
  openSocket,
  type RawFrame,
  rawAgent,
  spawnCoordinator,
  startInventory,
  type TestInventory,
  waitFor,
  waitForJob,
} from "@tideline/testkit";
import type WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const FRAMES = Number(process.env.FUZZ_FRAMES ?? 10_000);
const CODES = new Set([
  "BAD_FRAME",
  "BAD_PAYLOAD",
  "UNKNOWN_TYPE",
  "UNSUPPORTED_VERSION",
  "FRAME_TOO_LARGE",
  "NOT_AUTHENTICATED",
  "UNKNOWN_JOB",
  "AUTH_FAILED",
  "ENROLLMENT_TOKEN_INVALID",
]);

/** A deterministic generator, so a failure can be replayed with the same seed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const TYPES = [
  "HELLO",
  "HEARTBEAT",
  "INVENTORY",
  "CLUSTER_STATUS",
  "JOB_ACCEPTED",
  "JOB_REJECTED",
  "JOB_PROGRESS",
  "JOB_LOG",
  "JOB_RESULT",
  "ERROR",
  "NOPE",
  "__proto__",
  "",
];

function fuzzFrame(r: () => number): string | Buffer {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  switch (Math.floor(r() * 8)) {
    case 0:
      return randomBytes(1 + Math.floor(r() * 200));
    case 1:
      return `{"v":1,"id":"x","type":"HEARTBEAT","payload":${"[".repeat(Math.floor(r() * 50))}`;
    case 2:
      return JSON.stringify(pick([null, 42, "frame", [], true, { v: 1 }]));
    case 3:
      return JSON.stringify({
        v: pick([0, 2, "1", null]),
        id: "x",
        type: "HEARTBEAT",
        payload: { runningJobs: [], at: "now" },
      });
    case 4:
      return JSON.stringify({ v: 1, id: pick(["", "x".repeat(500), 7]), type: pick(TYPES), payload: {} });
    case 5:
      return JSON.stringify({
        v: 1,
        id: "p",
        type: pick(TYPES),
        payload: {
          jobId: pick([1, "", "j".repeat(200), null]),
          progress: pick([-1, 2, "half", Number.NaN]),
          runningJobs: "all",
          at: {},
        },
      });
    case 6:
      return JSON.stringify({
        v: 1,
        id: "d",
        type: "JOB_RESULT",
        payload: {
          jobId: "job_x",
          attempt: 1,
          ok: pick([true, false, "yes"]),
          error: pick([null, {}, { code: 1 }]),
        },
        extra: { __proto__: { polluted: true } },
      });
    default:
      return JSON.stringify({
        v: 1,
        id: "h",
        type: "HELLO",
        payload: {
          agentId: "a".repeat(Math.floor(r() * 80)),
          secret: randomBytes(24).toString("hex"),
          hostname: "x",
          version: "0",
          roles: ["root"],
          capabilities: {},
          clusters: [],
          runningJobs: [],
        },
      });
  }
}

describe("hostile frames on the agent socket", () => {
  let inv: TestInventory;
  let coord: CoordinatorProc;

  beforeAll(async () => {
    inv = await startInventory();
    coord = await spawnCoordinator({ databaseUrl: inv.databaseUrl });
  });
  afterAll(async () => {
    await coord?.kill("SIGKILL");
    await inv?.destroy();
  });

  /** Sends frames on one socket until the coordinator closes it (it does after 50 bad ones). */
  async function barrage(
    frames: Array<string | Buffer>,
  ): Promise<{ replies: RawFrame[]; closeCode: number | null }> {
    const replies: RawFrame[] = [];
    const ws: WebSocket = await openSocket(coord.wsUrl, replies);
    const closed = new Promise<number>((r) => ws.once("close", (code) => r(code)));
    for (const f of frames) if (ws.readyState === ws.OPEN) ws.send(f);
    const closeCode = await Promise.race([
      closed,
      new Promise<null>((r) => setTimeout(() => r(null), 10_000)),
    ]);
    if (closeCode === null) ws.close();
    return { replies, closeCode };
  }

  it(`answers ${FRAMES} fuzzed frames from strangers with codes, and stays up`, async () => {
    const r = rng(20261202);
    let sent = 0;
    let answered = 0;
    const codes = new Map<string, number>();
    while (sent < FRAMES) {
      // more than the 50 bad frames a socket may send: the coordinator closes each one itself
      const batch = Array.from({ length: Math.min(60, FRAMES - sent) }, () => fuzzFrame(r));
      const { replies } = await barrage(batch);
      sent += batch.length;
      for (const reply of replies) {
        expect(reply.type).toBe("ERROR");
        const code = String(reply.payload.code);
        expect(CODES, `unexpected code ${code}: ${JSON.stringify(reply.payload)}`).toContain(code);
        codes.set(code, (codes.get(code) ?? 0) + 1);
        answered++;
      }
    }
    console.log(`fuzz: ${sent} frames, ${answered} answered with a code:`, Object.fromEntries(codes));
    // a frame that is refused before authentication closes the socket (NOT_AUTHENTICATED, AUTH_FAILED);
    // everything before it on that socket was answered
    expect(answered).toBeGreaterThan(sent * 0.3);
    const health = (await (await fetch(`${coord.url}/healthz`)).json()) as { status: string };
    expect(health.status).toBe("ok");
    expect(coord.proc.exitCode).toBeNull();
  });

  it("closes a socket that sends a frame over the size limit, and stays up", async () => {
    const { closeCode } = await barrage([
      `{"v":1,"id":"big","type":"HEARTBEAT","payload":{"pad":"${"x".repeat(2 * 1024 * 1024)}"}}`,
    ]);
    expect(closeCode).toBe(1009); // message too big
    expect(((await (await fetch(`${coord.url}/healthz`)).json()) as { status: string }).status).toBe("ok");
  });

  it("refuses an enrolled agent's frames about another agent's job, and that job goes on untouched", async () => {
    const api = inv.client(coord.url);
    const a = await rawAgent(
      coord.wsUrl,
      (await api.agents.createEnrollmentToken.mutate({ ttlMinutes: 5 })).token,
      "fuzz-a",
    );
    const b = await rawAgent(
      coord.wsUrl,
      (await api.agents.createEnrollmentToken.mutate({ ttlMinutes: 5 })).token,
      "fuzz-b",
    );
    try {
      const { jobId } = await api.jobs.create.mutate({
        kind: "diag.sleep",
        agent: "fuzz-a",
        payload: { seconds: 1 },
      });
      const d = await a.dispatched(jobId);
      // b replays a's frames for a's job: accepted, a result, progress
      b.send("JOB_ACCEPTED", { jobId, attempt: d.payload.attempt });
      b.send("JOB_RESULT", { jobId, attempt: d.payload.attempt, ok: true, result: { sleptSeconds: 999 } });
      b.send("JOB_PROGRESS", { jobId, progress: 1 });
      await waitFor("b's refusal", () =>
        b.frames.find((f) => f.type === "ERROR" && f.payload.code === "UNKNOWN_JOB"),
      );
      expect((await api.jobs.get.query({ id: jobId })).state).toBe("dispatched");
      // and b's own socket carries on: a fuzzed burst on it is answered, b stays connected
      const r = rng(7);
      for (let i = 0; i < 30; i++) b.socket.send(fuzzFrame(r));
      await waitFor("b's answers", () => b.frames.filter((f) => f.type === "ERROR").length >= 10);
      // a finishes its own job, with its own result
      a.answer(d, { ok: true, result: { sleptSeconds: 1 } });
      const done = await waitForJob(api, jobId);
      expect(done.state).toBe("succeeded");
      expect(done.result).toEqual({ sleptSeconds: 1 });
    } finally {
      a.close();
      b.close();
    }
    expect(coord.output()).not.toMatch(/unhandled|TypeError|ReferenceError/i);
  });
});

import { describe, expect, it } from "vitest";
import { AgentToCoordinator, CoordinatorToAgent, decode, encode, isJobKind, JobKinds, MAX_FRAME_BYTES, parseJobPayload } from "./index";

const caps = { postgresVersions: [15], postgresBinDirs: { "15": "/usr/lib/postgresql/15/bin" }, zfs: true, zpool: true, pools: [], serviceUser: "postgres", platform: "linux", arch: "x64" };
const cluster = { pgdata: "/var/lib/postgresql/15/main", port: 5432, version: 15, systemIdentifier: "7301", role: "primary" as const, running: true };

const agentSamples: { [K in keyof typeof AgentToCoordinator]: unknown } = {
  ENROLL: { token: "t".repeat(32), hostname: "db1" },
  HELLO: { agentId: "a1", secret: "s".repeat(32), hostname: "db1", version: "0.1.0", roles: ["database"], capabilities: caps, clusters: [cluster], runningJobs: ["j1"] },
  HEARTBEAT: { runningJobs: [], at: new Date(0).toISOString() },
  INVENTORY: { clusters: [cluster], pools: [{ name: "tank", driver: "zfs", mountpoint: "/tank", sizeBytes: 1, freeBytes: 1 }] },
  CLUSTER_STATUS: {
    clusterId: "c1",
    at: new Date(0).toISOString(),
    wal: { state: "streaming", error: null, flushLsn: "0/3000000", primaryLsn: "0/3000000", lagBytes: 0, lagSeconds: 0, slot: { name: "tideline_wal_c1", active: true, restartLsn: "0/2000000" }, restarts: 0 },
    replica: { running: true, port: 5433, replayLsn: "0/3000000", replayTime: null, lagBytes: 0 },
    catalog: [{ timeline: 1, startLsn: "0/1000000", endLsn: "0/3000000", startTime: null, endTime: null, gaps: [], segmentCount: 2, endsWithPartial: true, walSegmentSize: 16777216, parent: null }],
    histories: { "2": "1\t0/3000158\tno recovery target specified\n" },
    namedPoints: [{ name: "before-x", lsn: "0/1527B38", timeline: 1, time: null }],
    spaceUsedBytes: 1024,
    problems: [],
  },
  JOB_ACCEPTED: { jobId: "j1", attempt: 1 },
  JOB_REJECTED: { jobId: "j1", attempt: 1, error: { code: "UNKNOWN_JOB_KIND", message: "no" } },
  JOB_PROGRESS: { jobId: "j1", progress: 0.5, bytesDone: 10, bytesTotal: 20, message: "copying" },
  JOB_LOG: { jobId: "j1", level: "info", message: "hello" },
  JOB_RESULT: { jobId: "j1", attempt: 1, ok: true, result: { a: 1 } },
  ERROR: { code: "BAD_FRAME", message: "bad" },
};
const coordSamples: { [K in keyof typeof CoordinatorToAgent]: unknown } = {
  ENROLLED: { agentId: "a1", name: "db1", secret: "s".repeat(32) },
  WELCOME: { coordinatorId: "c1", agentId: "a1", heartbeatIntervalMs: 5000, leaseMs: 30000 },
  JOB_DISPATCH: { jobId: "j1", attempt: 1, kind: "cluster.inspect", payload: { pgdata: "/d", port: 5432 }, idempotencyKey: "k", leaseMs: 30000 },
  JOB_CANCEL: { jobId: "j1", reason: "user" },
  ERROR: { code: "AUTH_FAILED", message: "no" },
};

describe("message catalogs", () => {
  for (const [type, payload] of Object.entries(agentSamples)) {
    it(`agent → coordinator ${type} round-trips`, () => {
      const frame = encode(AgentToCoordinator, type as keyof typeof AgentToCoordinator, payload as never, "r1");
      const out = decode(AgentToCoordinator, frame);
      expect(out.ok).toBe(true);
      if (out.ok) {
        expect(out.message.type).toBe(type);
        expect(out.message.payload).toEqual(agentSamples[type as keyof typeof agentSamples]);
        expect(out.message.replyTo).toBe("r1");
      }
    });
  }
  for (const [type, payload] of Object.entries(coordSamples)) {
    it(`coordinator → agent ${type} round-trips`, () => {
      const out = decode(CoordinatorToAgent, encode(CoordinatorToAgent, type as keyof typeof CoordinatorToAgent, payload as never));
      expect(out.ok && out.message.payload).toEqual(payload);
    });
  }
  it("a failed JOB_RESULT round-trips", () => {
    const p = { jobId: "j", attempt: 2, ok: false, error: { code: "X", message: "y" } };
    const out = decode(AgentToCoordinator, encode(AgentToCoordinator, "JOB_RESULT", p as never));
    expect(out.ok && out.message.payload).toEqual(p);
  });
});

describe("malformed frames are rejected with a code, never thrown", () => {
  const cases: Array<[string, unknown, string]> = [
    ["not JSON", "{nope", "BAD_FRAME"],
    ["not text", 42, "BAD_FRAME"],
    ["no envelope", JSON.stringify({ hello: 1 }), "BAD_FRAME"],
    ["lowercase type", JSON.stringify({ v: 1, id: "x", type: "hello", payload: {} }), "BAD_FRAME"],
    ["future version", JSON.stringify({ v: 99, id: "x", type: "HELLO", payload: {} }), "UNSUPPORTED_VERSION"],
    ["unknown type", JSON.stringify({ v: 1, id: "x", type: "LAUNCH_MISSILES", payload: {} }), "UNKNOWN_TYPE"],
    ["bad payload", JSON.stringify({ v: 1, id: "x", type: "JOB_PROGRESS", payload: { jobId: "j", progress: 7 } }), "BAD_PAYLOAD"],
    ["too large", JSON.stringify({ v: 1, id: "x", type: "ERROR", payload: { code: "A", message: "x".repeat(MAX_FRAME_BYTES) } }), "FRAME_TOO_LARGE"],
  ];
  for (const [name, raw, code] of cases) {
    it(name, () => {
      const out = decode(AgentToCoordinator, raw);
      expect(out.ok).toBe(false);
      if (!out.ok) expect(out.code).toBe(code);
    });
  }
  it("keeps the frame id so the error can reply to it", () => {
    const out = decode(AgentToCoordinator, JSON.stringify({ v: 1, id: "abc", type: "NOPE", payload: {} }));
    expect(!out.ok && out.id).toBe("abc");
  });
});

describe("job kinds", () => {
  it("validates payloads per kind", () => {
    expect(parseJobPayload("cluster.inspect", { pgdata: "/d", port: 5432 }).success).toBe(true);
    expect(parseJobPayload("cluster.inspect", { pgdata: "/d", port: 0 }).success).toBe(false);
    expect(isJobKind("no.such")).toBe(false);
    expect(isJobKind("clone.create")).toBe(true);
    expect(Object.keys(JobKinds)).toContain("diag.sleep");
  });
});

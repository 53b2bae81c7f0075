// A minimal agent speaking the protocol over a raw WebSocket: enrolls, says HELLO, records every
// frame the coordinator sends, and answers jobs as the test decides. Tests use it to see exactly
// what an agent receives, and to send what a real agent never would.
import WebSocket from "ws";
import { waitFor } from "./processes";

export interface RawFrame {
  id: string;
  type: string;
  replyTo?: string;
  payload: Record<string, unknown> & {
    jobId?: string;
    attempt?: number;
    kind?: string;
    payload?: Record<string, unknown>;
    code?: string;
  };
}

export interface RawAgent {
  agentId: string;
  secret: string;
  frames: RawFrame[];
  socket: WebSocket;
  send(type: string, payload: unknown): void;
  dispatched(jobId: string): Promise<RawFrame>;
  answer(
    d: RawFrame,
    body: { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } },
  ): void;
  close(): void;
}

export async function openSocket(wsUrl: string, frames: RawFrame[] = []): Promise<WebSocket> {
  const ws = new WebSocket(wsUrl);
  ws.on("message", (m) => frames.push(JSON.parse(m.toString()) as RawFrame));
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  return ws;
}

let seq = 0;
export function sendFrame(ws: WebSocket, type: string, payload: unknown): void {
  ws.send(JSON.stringify({ v: 1, id: `raw${++seq}`, type, payload }));
}

export async function rawAgent(wsUrl: string, enrollToken: string, name: string): Promise<RawAgent> {
  const frames: RawFrame[] = [];
  const caps = { postgresVersions: [15], zfs: false, zpool: false, platform: "linux", arch: "x64" };
  const first = await openSocket(wsUrl, frames);
  sendFrame(first, "ENROLL", { token: enrollToken, hostname: `${name}-host`, name });
  const enrolled = await waitFor("ENROLLED", () => frames.find((f) => f.type === "ENROLLED"));
  const ws = await openSocket(wsUrl, frames);
  first.close();
  const agentId = String(enrolled.payload.agentId);
  const secret = String(enrolled.payload.secret);
  sendFrame(ws, "HELLO", {
    agentId,
    secret,
    hostname: `${name}-host`,
    version: "0",
    roles: ["database", "storage"],
    capabilities: caps,
    clusters: [],
    runningJobs: [],
  });
  await waitFor("WELCOME", () => frames.find((f) => f.type === "WELCOME"));
  return {
    agentId,
    secret,
    frames,
    socket: ws,
    send: (type, payload) => sendFrame(ws, type, payload),
    dispatched: (jobId) =>
      waitFor(`dispatch of ${jobId}`, () =>
        frames.filter((f) => f.type === "JOB_DISPATCH" && f.payload.jobId === jobId).at(-1),
      ),
    answer: (d, body) => {
      sendFrame(ws, "JOB_ACCEPTED", { jobId: d.payload.jobId, attempt: d.payload.attempt });
      sendFrame(ws, "JOB_RESULT", { jobId: d.payload.jobId, attempt: d.payload.attempt, ...body });
    },
    close: () => ws.close(),
  };
}

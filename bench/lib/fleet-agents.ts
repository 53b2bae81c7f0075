// Simulated agents for the fleet benchmark, in their own process: real WebSockets speaking the real
// protocol (@tideline/protocol's catalogs, every frame encoded and validated as agents do): HELLO
// with the agent's id and secret, HEARTBEAT at the interval WELCOME gives, and every JOB_DISPATCH
// answered with JOB_ACCEPTED then JOB_RESULT. Driven over IPC by fleet.ts, to which it reports
// the moment each dispatch arrives.
import { AgentToCoordinator, CoordinatorToAgent, decode, encode } from "@tideline/protocol";
import WebSocket from "ws";

export interface SimAgent {
  id: string;
  name: string;
  secret: string;
}

export type ToFleet = { type: "connect"; from: number; to: number } | { type: "stop" };
export type FromFleet =
  | { type: "ready" }
  | { type: "connected"; count: number; seconds: number; failed: number }
  | { type: "dispatch"; jobId: string; agent: string; at: number }
  | { type: "problem"; agent: string; message: string };

const send = (m: FromFleet) => process.send?.(m);
const now = () => performance.timeOrigin + performance.now();

const wsUrl = process.env.FLEET_WS_URL!;
const agents = JSON.parse(process.env.FLEET_AGENTS!) as SimAgent[];
const sockets: WebSocket[] = [];
const timers: NodeJS.Timeout[] = [];
let stopping = false;

const capabilities = {
  postgresVersions: [15],
  postgresBinDirs: {},
  zfs: false,
  zpool: false,
  pools: [],
  serviceUser: "postgres",
  platform: "linux",
  arch: "x64",
};

function connect(a: SimAgent): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl);
    sockets.push(ws);
    const out = <K extends keyof typeof AgentToCoordinator & string>(
      type: K,
      payload: unknown,
      replyTo?: string,
    ) => {
      if (ws.readyState === ws.OPEN) ws.send(encode(AgentToCoordinator, type, payload as never, replyTo));
    };
    let welcomed = false;
    ws.on("open", () =>
      out("HELLO", {
        agentId: a.id,
        secret: a.secret,
        hostname: a.name,
        version: "bench",
        roles: ["database"],
        capabilities,
        clusters: [],
        runningJobs: [],
      }),
    );
    ws.on("message", (raw) => {
      const d = decode(CoordinatorToAgent, raw.toString());
      if (!d.ok) return send({ type: "problem", agent: a.name, message: `${d.code}: ${d.message}` });
      const m = d.message;
      if (m.type === "WELCOME") {
        welcomed = true;
        // heartbeats spread over the interval, as independently started agents would be
        const every = m.payload.heartbeatIntervalMs;
        const first = setTimeout(() => {
          const beat = () => out("HEARTBEAT", { runningJobs: [], at: new Date().toISOString() });
          beat();
          timers.push(setInterval(beat, every));
        }, Math.random() * every);
        timers.push(first);
        resolve(true);
      } else if (m.type === "JOB_DISPATCH") {
        send({ type: "dispatch", jobId: m.payload.jobId, agent: a.name, at: now() });
        out("JOB_ACCEPTED", { jobId: m.payload.jobId, attempt: m.payload.attempt });
        const marker = (m.payload.payload as { marker?: string } | null)?.marker;
        out("JOB_RESULT", {
          jobId: m.payload.jobId,
          attempt: m.payload.attempt,
          ok: true,
          result: { sleptSeconds: 0, ...(marker ? { marker } : {}) },
        });
      } else if (m.type === "ERROR") {
        send({ type: "problem", agent: a.name, message: `${m.payload.code}: ${m.payload.message}` });
      }
    });
    ws.on("close", (code) => {
      if (!welcomed) resolve(false);
      if (!stopping) send({ type: "problem", agent: a.name, message: `socket closed (${code})` });
    });
    ws.on("error", (err) => {
      if (!welcomed) resolve(false);
      send({ type: "problem", agent: a.name, message: err.message });
    });
  });
}

async function connectRange(from: number, to: number): Promise<void> {
  const started = now();
  let failed = 0;
  const queue = agents.slice(from, to);
  // 50 handshakes in flight at a time, like a fleet coming back after a coordinator restart
  const workers = Array.from({ length: 50 }, async () => {
    for (let a = queue.shift(); a; a = queue.shift()) if (!(await connect(a))) failed++;
  });
  await Promise.all(workers);
  send({ type: "connected", count: to - from - failed, seconds: (now() - started) / 1000, failed });
}

process.on("message", (m: ToFleet) => {
  if (m.type === "connect") void connectRange(m.from, m.to);
  if (m.type === "stop") {
    stopping = true;
    for (const t of timers) clearTimeout(t);
    for (const s of sockets) s.close(1000, "benchmark over");
    setTimeout(() => process.exit(0), 500);
  }
});
process.on("disconnect", () => process.exit(0));
send({ type: "ready" });

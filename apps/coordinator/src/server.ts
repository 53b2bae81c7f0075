// A coordinator process: HTTP (tRPC API, /healthz, /metrics) and the agent WebSocket endpoint on
// one port, the job dispatcher, and the LISTEN connection it shares with its peers.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { createDb, migrate } from "@tideline/db";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import pg from "pg";
import { WebSocketServer } from "ws";
import { handleAgentSocket } from "./agents/agent-socket";
import { Liveness } from "./agents/liveness";
import { AgentRegistry } from "./agents/registry";
import type { Coordinator, CoordinatorConfig } from "./coordinator";
import { health } from "./http/health";
import { createMetrics, metrics } from "./http/metrics";
import { Dispatcher } from "./jobs/dispatcher";
import { Scheduler } from "./restore-points/scheduler";
import { appRouter, authenticate, createLogger, EventBus, type Logger, LoginLimits } from "@tideline/api";

export const VERSION = "0.1.0";

export interface StartOptions {
  databaseUrl: string;
  port?: number;
  host?: string;
  id?: string;
  migrate?: boolean;
  config?: Partial<CoordinatorConfig>;
  log?: Logger;
  /** Serve HTTPS and wss:// with this certificate and key (PEM files). */
  tls?: { certFile: string; keyFile: string; caFile?: string };
  /** Listen without TLS on an address other than loopback (a private network you trust). */
  allowPlaintext?: boolean;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/** Plain HTTP and ws:// only on loopback: anything else crosses a network, so it needs TLS. */
export function assertTransport(host: string, tls: boolean, allowPlaintext: boolean): void {
  if (tls || allowPlaintext || LOOPBACK.has(host) || (isIP(host) === 4 && host.startsWith("127."))) return;
  throw Object.assign(
    new Error(
      `TLS_REQUIRED: the coordinator would listen on ${host} without TLS; pass --tls-cert and --tls-key (TIDELINE_TLS_CERT/TIDELINE_TLS_KEY), or TIDELINE_ALLOW_PLAINTEXT=1 on a network you trust`,
    ),
    { code: "TLS_REQUIRED" },
  );
}

export interface RunningCoordinator {
  id: string;
  url: string;
  wsUrl: string;
  port: number;
  coordinator: Coordinator;
  close: () => Promise<void>;
}

export async function startCoordinator(opts: StartOptions): Promise<RunningCoordinator> {
  const id = opts.id ?? `coord-${randomUUID().slice(0, 8)}`;
  const log = (opts.log ?? createLogger()).child({ coordinator: id });
  if (opts.migrate !== false) await migrate(opts.databaseUrl, { log: (l) => log.info(l) });
  const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 });
  pool.on("error", (err) => log.warn("inventory connection error", { error: err.message }));
  const claimPool = new pg.Pool({ connectionString: opts.databaseUrl, max: 1 });
  claimPool.on("error", (err) => log.warn("inventory connection error", { error: err.message }));
  const db = createDb(opts.databaseUrl);
  const bus = new EventBus(opts.databaseUrl, pool, log);
  await bus.start();
  const heartbeatMs = Number(process.env.TIDELINE_HEARTBEAT_MS ?? 5_000);
  const config: CoordinatorConfig = {
    leaseMs: Number(process.env.TIDELINE_LEASE_MS ?? 30_000),
    heartbeatMs,
    livenessFlushMs: Number(process.env.TIDELINE_LIVENESS_FLUSH_MS ?? Math.min(5_000, heartbeatMs)),
    agentStaleMs: Number(process.env.TIDELINE_AGENT_STALE_MS ?? Math.max(30_000, heartbeatMs * 6)),
    sweepMs: Number(process.env.TIDELINE_SWEEP_MS ?? 1_000),
    enrollTokenTtlMs: 60 * 60_000,
    sessionTtlMs: 12 * 3600_000,
    version: VERSION,
    ...opts.config,
  };
  const c = { id, db, pool, bus, log, config, registry: new AgentRegistry(), claimPool } as Coordinator;
  c.metrics = createMetrics(c);
  c.loginLimits = new LoginLimits(pool);
  c.dispatcher = new Dispatcher(c);
  c.liveness = new Liveness(c);

  const trpc = createHTTPHandler({
    router: appRouter,
    createContext: async ({ req }) => ({
      c,
      ...(await authenticate(c, req.headers.authorization)),
      ip: clientAddress(req),
    }),
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") log.error("api error", { path, error: error.message });
      else log.debug("api refused", { path, code: error.code, error: error.message });
    },
  });

  const listenHost = opts.host ?? "127.0.0.1";
  assertTransport(
    listenHost,
    Boolean(opts.tls),
    opts.allowPlaintext ?? process.env.TIDELINE_ALLOW_PLAINTEXT === "1",
  );
  const handler: http.RequestListener = (req, res) => {
    const url = req.url ?? "/";
    if (url.startsWith("/trpc/")) {
      req.url = url.slice("/trpc".length);
      return trpc(req, res);
    }
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (url === "/healthz") {
      void health(c).then((h) => json(h.status === "ok" ? 200 : 503, h));
      return;
    }
    if (url === "/metrics") {
      void metrics(c.metrics).then((text) => {
        res.writeHead(200, { "content-type": c.metrics.registry.contentType });
        res.end(text);
      });
      return;
    }
    json(404, { code: "NOT_FOUND", message: `no route ${url}` });
  };
  const server = opts.tls
    ? https.createServer(
        { cert: readFileSync(opts.tls.certFile), key: readFileSync(opts.tls.keyFile) },
        handler,
      )
    : http.createServer(handler);

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  server.on("upgrade", (req, socket, head) => {
    if (req.url !== "/agent") {
      socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => handleAgentSocket(c, ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, listenHost, resolve);
  });
  const addr = server.address() as { port: number; address: string };
  const host = opts.host && opts.host !== "0.0.0.0" ? opts.host : "127.0.0.1";
  const url = `${opts.tls ? "https" : "http"}://${host}:${addr.port}`;
  c.publicWsUrl = `${opts.tls ? "wss" : "ws"}://${host}:${addr.port}/agent`;
  // the CA agents verify this coordinator with, named in the enrollment command
  c.publicCaFile = opts.tls ? (opts.tls.caFile ?? opts.tls.certFile) : undefined;
  await pool.query(
    "INSERT INTO coordinators (id, url, version) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET url = $2, started_at = now(), last_seen_at = now()",
    [id, url, VERSION],
  );
  c.dispatcher.start();
  c.liveness.start();
  const scheduler = new Scheduler(c, Number(process.env.TIDELINE_SCHEDULER_MS ?? 2000));
  scheduler.start();
  log.info("coordinator listening", { url });

  let closed = false;
  return {
    id,
    url,
    wsUrl: c.publicWsUrl,
    port: addr.port,
    coordinator: c,
    close: async () => {
      if (closed) return;
      closed = true;
      c.dispatcher.stop();
      c.liveness.stop();
      scheduler.stop();
      for (const ws of wss.clients) ws.close(1001, "coordinator shutting down");
      // server.close() waits for every open connection: live subscriptions never end by themselves
      const closing = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closing;
      await c.liveness.settled();
      await pool.query("UPDATE agents SET connected = false WHERE coordinator_id = $1", [id]).catch(() => {});
      await bus.close();
      await pool.end();
      await claimPool.end();
      await db.$disconnect();
    },
  };
}

/**
 * Who is calling, for sign-in limits and the log: the peer, or, when the peer is a proxy on this
 * host (the console's server), the browser's address it forwards in X-Forwarded-For.
 */
function clientAddress(req: http.IncomingMessage): string | null {
  const peer = req.socket.remoteAddress ?? null;
  const forwarded = req.headers["x-forwarded-for"];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
  const loopback = peer === "127.0.0.1" || peer === "::1" || peer === "::ffff:127.0.0.1";
  return loopback && first ? first : peer;
}

// What the API's procedures and domain services share in a coordinator process: the inventory
// (Prisma and a pg pool), the event bus, the log and the configuration. The coordinator app adds
// its agent sockets, dispatcher and metrics on top (apps/coordinator/src/coordinator.ts).
import type { Db } from "@tideline/db";
import type pg from "pg";
import type { LoginLimits } from "./auth/login-limits";
import type { EventBus } from "./events/bus";
import type { Logger } from "./log";

export interface CoordinatorConfig {
  /** How long a dispatched job stays ours without a heartbeat from its agent. */
  leaseMs: number;
  heartbeatMs: number;
  /** How often the last-seen times of the agents heard from are written, in one batch. */
  livenessFlushMs: number;
  /** An agent no coordinator has heard from for this long is shown disconnected. */
  agentStaleMs: number;
  /** How often expired leases and delayed jobs are swept. */
  sweepMs: number;
  enrollTokenTtlMs: number;
  sessionTtlMs: number;
  version: string;
}

export interface Services {
  /** This coordinator process (several may share one inventory). */
  id: string;
  db: Db;
  pool: pg.Pool;
  bus: EventBus;
  log: Logger;
  config: CoordinatorConfig;
  loginLimits: LoginLimits;
  /** ws:// or wss:// URL agents use to reach this coordinator, shown in install commands. */
  publicWsUrl?: string;
  /** With TLS: the CA file agents verify the coordinator with (`--ca` in install commands). */
  publicCaFile?: string;
}

export type Role = "viewer" | "operator" | "admin";

/** Who is calling the API: a signed-in user (session) or an API token's user. */
export interface Caller {
  id: string;
  email: string;
  name: string;
  role: Role;
  via: "session" | "token";
}

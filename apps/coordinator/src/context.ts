// Everything a coordinator process shares between its HTTP API, agent sockets and dispatcher.
import type { Db } from "@tideline/db";
import type pg from "pg";
import type { AgentRegistry } from "./agents/registry";
import type { EventBus } from "./events/bus";
import type { Dispatcher } from "./jobs/dispatcher";
import type { LoginLimits } from "./auth/login-limits";
import type { CoordinatorMetrics } from "./http/metrics";
import type { Logger } from "./log";

export interface CoordinatorConfig {
  /** How long a dispatched job stays ours without a heartbeat from its agent. */
  leaseMs: number;
  heartbeatMs: number;
  /** How often expired leases and delayed jobs are swept. */
  sweepMs: number;
  enrollTokenTtlMs: number;
  sessionTtlMs: number;
  version: string;
}

export interface Coordinator {
  id: string;
  db: Db;
  pool: pg.Pool;
  bus: EventBus;
  log: Logger;
  config: CoordinatorConfig;
  registry: AgentRegistry;
  dispatcher: Dispatcher;
  metrics: CoordinatorMetrics;
  loginLimits: LoginLimits;
  /** ws:// URL agents use to reach this coordinator, shown in install commands. */
  publicWsUrl?: string;
}

// Everything a coordinator process shares between its HTTP API, agent sockets and dispatcher: the
// API's services plus what only this process has (its agent connections, dispatcher, metrics).
import type { Services } from "@tideline/api";
import type pg from "pg";
import type { Liveness } from "./agents/liveness";
import type { AgentRegistry } from "./agents/registry";
import type { CoordinatorMetrics } from "./http/metrics";
import type { Dispatcher } from "./jobs/dispatcher";

export type { CoordinatorConfig } from "@tideline/api";

export interface Coordinator extends Services {
  registry: AgentRegistry;
  liveness: Liveness;
  dispatcher: Dispatcher;
  metrics: CoordinatorMetrics;
  /** The dispatcher's own connections: claims never queue behind API calls. */
  claimPool: pg.Pool;
}

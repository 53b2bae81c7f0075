// Job kind → handler on this agent.
import { diagSleep } from "./diag-sleep";
import { inspectCluster } from "./inspect-cluster";
import type { JobHandler } from "./job-context";

export const jobHandlers: Record<string, JobHandler> = {
  "cluster.inspect": inspectCluster,
  "diag.sleep": diagSleep,
};

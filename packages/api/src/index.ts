// The coordinator's API: tRPC routes and the domain services they call (restore, clones,
// clusters, jobs, retention, drills, auth). apps/coordinator serves it and runs the agent
// sockets, dispatcher and scheduler on top of the same services.
export { appRouter, type AppRouter } from "./root";
export { authenticate, type Context } from "./trpc";
export type { Caller, CoordinatorConfig, Role, Services } from "./context";
export { AppError } from "./errors";
export { createLogger, type Logger } from "./log";
export { CHANNELS, EventBus } from "./events/bus";
export { LoginLimits } from "./auth/login-limits";
export { hashToken, newToken } from "./auth/secrets";
export { createCliToken, createEnrollmentTokenDirect, ensureAdmin } from "./bootstrap";
export { createJob } from "./jobs/create-job";
export { handleJobFailure, handleJobResult } from "./jobs/result-handlers";
export {
  addJobEvent,
  agentsWithQueuedJobs,
  claimJobs,
  completeJob,
  extendLeases,
  failJob,
  markRunning,
  releaseJob,
  requeueExpired,
  requeueLost,
  setProgress,
} from "./jobs/sql";
export { ingestClusterStatus } from "./clusters/cluster-status";
export { destroyCloneById } from "./restore/restore-to-clone";
export { expireClones } from "./clones/clone-lifecycle";
export { type DrillConfig, startDrill } from "./drills/start-drill";

// The coordinator: API, agent sockets, jobs.
export { startCoordinator, VERSION, type RunningCoordinator } from "./server";
export { ensureAdmin, createCliToken, createEnrollmentTokenDirect } from "./bootstrap";
export type { AppRouter } from "./api/router";
export { createLogger } from "./log";

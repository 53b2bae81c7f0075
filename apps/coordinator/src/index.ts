// The coordinator process: the API's HTTP server, agent sockets, dispatcher and scheduler.
export { startCoordinator, VERSION, type RunningCoordinator } from "./server";

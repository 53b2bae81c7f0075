// PostgreSQL on this host: binaries, the service user, clusters, ports, and safe process spawning.
export * from "./bin";
export * from "./cluster";
export * from "./exec";
export * from "./ports";
export * from "./service-user";
export * from "./testing";

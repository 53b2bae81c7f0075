// The agent <-> coordinator protocol: envelope, message catalogs by direction, job kinds.
export * from "./envelope";
export * from "./messages";
export * from "./jobs";
export * from "./restore-target";
export * from "./wal-catalog";
export * from "./wal-events";
export * from "./secrets";

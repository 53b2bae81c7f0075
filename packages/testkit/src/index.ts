// Test and benchmark support: real inventories, coordinators and agents.
export * from "./inventory";
export * from "./processes";
export * from "./raw-agent";
export * from "./cli";

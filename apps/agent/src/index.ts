// The agent: daemon, discovery, jobs.
export { Agent, AGENT_VERSION, type AgentOptions } from "./agent";
export { runAgent, type RunAgentOptions } from "./run";

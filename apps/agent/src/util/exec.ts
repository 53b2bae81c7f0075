// The agent's process runner is the one in @tideline/postgres (argument arrays, never a shell).
export { CommandError, run, type RunOptions, type RunResult, type Runner } from "@tideline/postgres";

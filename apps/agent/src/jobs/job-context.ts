import type { TJobKind, TJobPayload, TJobResult } from "@tideline/protocol";
import type { ProtectionManager } from "../protection/manager";
import type { StorageDriver, StorageDriverKind } from "../storage";

// What a running job may do: report progress and log lines, notice cancellation.
export interface JobContext {
  jobId: string;
  attempt: number;
  idempotencyKey: string;
  signal: AbortSignal;
  progress(progress: number, opts?: { bytesDone?: number; bytesTotal?: number; message?: string }): void;
  log(level: "debug" | "info" | "warn" | "error", message: string, data?: unknown): void;
  agent: AgentServices;
}

/** Host-level services the jobs share (filled in by the agent at start). */
export interface AgentServices {
  dataDir: string;
  name: string;
  /** The driver of one of this agent's pools (`zfs` pool name, mounted btrfs filesystem, or the directory pool). */
  storage: (pool: { name: string; driver: StorageDriverKind }) => StorageDriver;
  protection: ProtectionManager;
}

export class JobError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** A job kind's handler: gets that kind's payload, already parsed where the agent received it. */
export type JobHandler<K extends TJobKind> = (ctx: JobContext, payload: TJobPayload<K>) => Promise<TJobResult<K>>;

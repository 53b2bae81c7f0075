// Job states as the console groups them.
import type { TJobState } from "@/lib/trpc";

export const JOB_STATES: TJobState[] = [
  "queued",
  "dispatched",
  "running",
  "succeeded",
  "failed",
  "cancelled",
];
export const ACTIVE_STATES: ReadonlySet<string> = new Set(["queued", "dispatched", "running"]);
export const RETRYABLE_STATES: ReadonlySet<string> = new Set(["failed", "cancelled"]);

export function isJobState(s: string | null | undefined): s is TJobState {
  return !!s && (JOB_STATES as string[]).includes(s);
}

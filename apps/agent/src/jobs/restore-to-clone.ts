// clone.create: restore to time, the job. Parses the clone spec at the boundary and hands it to
// clones/restore-to-clone.ts, which makes a running, queryable clone at the target.
import type { TJobPayload, TJobResult } from "@tideline/protocol";
import { restoreToClone } from "../clones/restore-to-clone";
import type { JobContext } from "./job-context";

export async function restoreToCloneJob(ctx: JobContext, p: TJobPayload<"clone.create">): Promise<TJobResult<"clone.create">> {
  return restoreToClone(ctx, p, "restore");
}

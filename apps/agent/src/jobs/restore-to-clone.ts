// clone.create: restore to time, the job. Parses the clone spec at the boundary and hands it to
// clones/restore-to-clone.ts, which makes a running, queryable clone at the target.
import { ZCloneSpec } from "@tideline/protocol";
import { restoreToClone } from "../clones/restore-to-clone";
import type { JobContext } from "./job-context";

export async function restoreToCloneJob(ctx: JobContext, raw: unknown) {
  return restoreToClone(ctx, ZCloneSpec.parse(raw), "restore");
}

// clone.create: a running, queryable clone at the target.
import { ZCloneSpec } from "@tideline/protocol";
import { createClone as create } from "../clones/create-clone";
import type { JobContext } from "./job-context";

export async function createClone(ctx: JobContext, raw: unknown) {
  return create(ctx, ZCloneSpec.parse(raw), "restore");
}

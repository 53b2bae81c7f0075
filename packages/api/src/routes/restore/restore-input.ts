// What every restore procedure takes: a cluster, packages/protocol's restore target, and
// optionally a timeline. A time must parse with core's codec (explicit zone), so a malformed one is
// refused as a field error on `target.time` (code INVALID_TARGET) before any planning.
import { isTimestampParseable } from "@tideline/core";
import { ZRestoreTarget } from "@tideline/protocol";
import { z } from "zod";

export const ZCheckedRestoreTarget = ZRestoreTarget.superRefine((t, ctx) => {
  if (t.kind === "time" && !isTimestampParseable(t.time)) {
    ctx.addIssue({
      code: "custom",
      path: ["time"],
      params: { code: "INVALID_TARGET" },
      message: "a time with an explicit zone, e.g. 2026-11-21 10:00:00Z or 2026-11-21T10:00:00+02:00",
    });
  }
});

export const ZRestoreInput = z.object({
  cluster: z.string().min(1),
  target: ZCheckedRestoreTarget,
  timeline: z.number().int().positive().optional(),
});

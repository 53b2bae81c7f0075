// clone.destroy: stop the clone's server, destroy its dataset, free its port.
import type { TJobPayload, TJobResult } from "@tideline/protocol";
import { destroyCloneData } from "../clones/restore-to-clone";
import type { JobContext } from "./job-context";

export async function destroyClone(ctx: JobContext, p: TJobPayload<"clone.destroy">): Promise<TJobResult<"clone.destroy">> {
  let destroyed = await destroyCloneData(ctx, p.cloneId);
  // no record on this agent (it lost its state): the dataset may still exist
  const c = ctx.agent.protection.byName(p.cluster);
  if (!destroyed && c) {
    const driver = ctx.agent.storage(c.pool);
    const dataset = `${c.datasets.clones}/${p.cloneId}`;
    if (await driver.datasetExists(dataset)) {
      await driver.destroyDataset(dataset, { recursive: true });
      destroyed = true;
    }
  }
  return { destroyed };
}

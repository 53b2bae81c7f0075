// clone.destroy: stop the clone's server, destroy its dataset, free its port.
import { JobKinds } from "@tideline/protocol";
import { destroyCloneData } from "../clones/restore-to-clone";
import type { JobContext } from "./job-context";

export async function destroyClone(ctx: JobContext, raw: unknown) {
  const p = JobKinds["clone.destroy"].payload.parse(raw);
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

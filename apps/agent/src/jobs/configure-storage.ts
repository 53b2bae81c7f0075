// storage.configure: compression, dedup and recordsize on POOL/tideline, which every cluster's
// datasets inherit (new writes only: ZFS does not rewrite existing blocks). btrfs takes compression
// only.
import type { TJobPayload, TJobResult } from "@tideline/protocol";
import { JobError, type JobContext } from "./job-context";

export async function configureStorage(ctx: JobContext, p: TJobPayload<"storage.configure">): Promise<TJobResult<"storage.configure">> {
  const driver = ctx.agent.storage(p.pool);
  const dataset = `${driver.pool}/tideline`;
  await driver.createDataset(dataset);
  const props: Record<string, string> = {};
  if (p.compression !== undefined) props.compression = p.compression;
  if (p.dedup !== undefined) props.dedup = p.dedup ? "on" : "off";
  if (p.recordsize !== undefined) props.recordsize = p.recordsize;
  if (driver.kind === "directory" && Object.keys(props).length > 0) {
    throw new JobError("NOT_SUPPORTED_BY_DRIVER", `pool ${p.pool.name} is a directory pool: compression, dedup and recordsize need ZFS`);
  }
  if (driver.kind === "btrfs" && (p.dedup === true || p.recordsize !== undefined)) {
    throw new JobError("NOT_SUPPORTED_BY_DRIVER", `pool ${p.pool.name} is a btrfs filesystem: it compresses, but dedup and recordsize need ZFS`);
  }
  try {
    if (Object.keys(props).length) await driver.setProperties(dataset, props);
  } catch (err) {
    throw new JobError("PROPERTY_REJECTED", `${driver.kind === "btrfs" ? "btrfs" : "ZFS"} refused ${JSON.stringify(props)} on ${dataset}: ${(err as Error).message}`);
  }
  const shown = { zfs: ["compression", "dedup", "recordsize", "compressratio"], btrfs: ["compression", "dedup"], directory: [] }[driver.kind];
  const properties = shown.length > 0 ? await driver.getProperties(dataset, shown) : {};
  ctx.progress(1, { message: `${dataset}: ${Object.entries(properties).map(([k, v]) => `${k}=${v}`).join(" ")}` });
  return { dataset, properties };
}

// Reading what agents report. `capabilities` and `discoveredClusters` arrive as JSON the
// coordinator stores as sent; these helpers narrow them defensively (an older agent may send
// less), so a page never crashes on a missing field.
import type { TAgent } from "./trpc";

export interface Capabilities {
  postgresVersions: number[];
  zfs: boolean;
  zpool: boolean;
  platform: string | null;
  arch: string | null;
  serviceUser: string | null;
}

export interface DiscoveredCluster {
  pgdata: string;
  port: number | null;
  version: number | null;
  role: string;
  running: boolean;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

export function capabilitiesOf(agent: Pick<TAgent, "capabilities">): Capabilities {
  const c = isObj(agent.capabilities) ? agent.capabilities : {};
  return {
    postgresVersions: Array.isArray(c.postgresVersions)
      ? c.postgresVersions.filter((v): v is number => typeof v === "number")
      : [],
    zfs: c.zfs === true,
    zpool: c.zpool === true,
    platform: typeof c.platform === "string" ? c.platform : null,
    arch: typeof c.arch === "string" ? c.arch : null,
    serviceUser: typeof c.serviceUser === "string" ? c.serviceUser : null,
  };
}

export function discoveredClustersOf(agent: Pick<TAgent, "discoveredClusters">): DiscoveredCluster[] {
  if (!Array.isArray(agent.discoveredClusters)) return [];
  return agent.discoveredClusters.filter(isObj).map((d) => ({
    pgdata: typeof d.pgdata === "string" ? d.pgdata : "?",
    port: typeof d.port === "number" ? d.port : null,
    version: typeof d.version === "number" ? d.version : null,
    role: typeof d.role === "string" ? d.role : "unknown",
    running: d.running === true,
  }));
}

// Starting the agent daemon in this process, from command-line style options.
import { Agent } from "./agent";

export interface RunAgentOptions {
  coordinatorUrl?: string;
  enrollToken?: string;
  /** CA file (PEM) to verify a wss:// coordinator with. */
  caFile?: string;
  dataDir: string;
  name?: string;
  roles?: string;
  pgdata?: string[];
  exclude?: string[];
}

export async function runAgent(o: RunAgentOptions): Promise<Agent> {
  const agent = new Agent({
    coordinatorUrl: o.coordinatorUrl ?? process.env.TIDELINE_COORDINATOR_WS,
    enrollToken: o.enrollToken ?? process.env.TIDELINE_ENROLL_TOKEN,
    caFile: o.caFile ?? process.env.TIDELINE_CA,
    dataDir: o.dataDir,
    name: o.name,
    roles: o.roles?.split(",").map((r) => r.trim()) as Array<"database" | "storage"> | undefined,
    pgdataPaths: o.pgdata,
    excludePaths: o.exclude,
  });
  agent.onFatal = () => process.exit(3);
  try {
    await agent.start();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  const stop = () => void agent.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  return agent;
}

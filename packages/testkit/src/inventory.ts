// An inventory for a test: a fresh PostgreSQL cluster, migrated, with an admin and an API client.
import { createApiClient, type ApiClient } from "@tideline/client";
import { createCliToken, ensureAdmin } from "@tideline/api";
import { createDb, migrate } from "@tideline/db";
import { startTestCluster, type TestCluster } from "@tideline/postgres";

export interface TestInventory {
  pg: TestCluster;
  databaseUrl: string;
  adminToken: string;
  adminEmail: string;
  adminPassword: string;
  client: (coordinatorUrl: string, token?: string) => ApiClient;
  destroy: () => Promise<void>;
}

export async function startInventory(): Promise<TestInventory> {
  const pg = await startTestCluster({ name: "inventory", settings: { max_connections: 200 } });
  const databaseUrl = `postgresql://postgres@127.0.0.1:${pg.port}/postgres`;
  await migrate(databaseUrl);
  const db = createDb(databaseUrl, { max: 2 });
  const admin = await ensureAdmin(db);
  const adminToken = await createCliToken(db, admin.email, "tests");
  await db.$disconnect();
  return {
    pg,
    databaseUrl,
    adminToken,
    adminEmail: admin.email,
    adminPassword: admin.password ?? "",
    client: (url, token) => createApiClient(url, token ?? adminToken),
    destroy: () => pg.destroy(),
  };
}

export async function waitForJob(client: ApiClient, id: string, states = ["succeeded", "failed", "cancelled"], timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await client.jobs.get.query({ id });
    if (states.includes(job.state)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.state} after ${timeoutMs} ms: ${JSON.stringify(job.events.slice(-5))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

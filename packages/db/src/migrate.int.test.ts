import { startTestCluster, type TestCluster } from "@tideline/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, loadMigrations, migrate } from "./index";

describe("inventory migrations", () => {
  let pg: TestCluster;
  let url: string;
  beforeAll(async () => {
    pg = await startTestCluster();
    url = `postgresql://postgres@127.0.0.1:${pg.port}/postgres`;
  });
  afterAll(async () => pg?.destroy());

  it("applies every migration once, even from concurrent starters, and the client works", async () => {
    const results = await Promise.all([migrate(url), migrate(url), migrate(url)]);
    // each migration applied exactly once across the three concurrent starters, in order
    expect(results.flat().sort()).toEqual(loadMigrations().map((m) => m.name));
    expect(await migrate(url)).toEqual([]);
    const db = createDb(url);
    try {
      const user = await db.user.create({ data: { email: "a@b.c", name: "A", passwordHash: "x", role: "admin" } });
      const agent = await db.agent.create({ data: { name: "db1", hostname: "db1", secretHash: "h", roles: ["database"] } });
      const job = await db.job.create({ data: { kind: "cluster.inspect", agentId: agent.id, idempotencyKey: "k1", bytesDone: 5n } });
      await db.jobEvent.create({ data: { jobId: job.id, type: "log", message: "hi" } });
      const found = await db.job.findUniqueOrThrow({ where: { id: job.id }, include: { events: true } });
      expect(found.events).toHaveLength(1);
      expect(found.bytesDone).toBe(5n);
      expect(user.role).toBe("admin");
    } finally {
      await db.$disconnect();
    }
  });
});

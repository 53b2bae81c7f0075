import { afterAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "./testing";

describe("local clusters", () => {
  let c: TestCluster;
  afterAll(async () => c?.destroy());
  it("initdb + start as the service user, then query over the socket", async () => {
    c = await startTestCluster();
    const [row] = await c.query<{ v: string; u: string }>("select current_setting('server_version_num') v, current_setting('wal_level') u");
    expect(Number(row!.v)).toBeGreaterThan(100000);
    expect(row!.u).toBe("replica");
  });
});

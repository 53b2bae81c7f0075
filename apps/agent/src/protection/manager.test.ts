import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { ProtectionManager } from "./manager";

const manager = () =>
  new ProtectionManager(
    "/nonexistent",
    () => {
      throw new Error("no storage in this test");
    },
    () => {},
    () => {},
  );

describe("ProtectionManager.oneRestorePointAtATime", () => {
  it("runs two restore points of one cluster one after the other, in arrival order", async () => {
    const m = manager();
    const steps: string[] = [];
    const take = (name: string) => async () => {
      steps.push(`${name} pause`);
      await sleep(30);
      steps.push(`${name} snapshot`);
      await sleep(10);
      steps.push(`${name} resume`);
      return name;
    };
    const waited: string[] = [];
    const [a, b] = await Promise.all([
      m.oneRestorePointAtATime("main", take("a")),
      m.oneRestorePointAtATime("main", take("b"), () => waited.push("b")),
    ]);
    expect([a, b]).toEqual(["a", "b"]);
    expect(steps).toEqual(["a pause", "a snapshot", "a resume", "b pause", "b snapshot", "b resume"]);
    expect(waited).toEqual(["b"]);
  });

  it("lets the next one run after a failure, and does not hold other clusters back", async () => {
    const m = manager();
    const order: string[] = [];
    const failing = m.oneRestorePointAtATime("main", async () => {
      await sleep(30);
      order.push("main failed");
      throw new Error("REPLICA_NOT_READY");
    });
    const other = m.oneRestorePointAtATime("shop", async () => {
      order.push("shop");
    });
    const next = m.oneRestorePointAtATime("main", async () => {
      order.push("main next");
      return 2;
    });
    await expect(failing).rejects.toThrow("REPLICA_NOT_READY");
    expect(await next).toBe(2);
    await other;
    expect(order).toEqual(["shop", "main failed", "main next"]);
  });
});

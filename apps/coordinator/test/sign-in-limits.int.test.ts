// Sign-in under attack: repeated failures lock the account (also against the right password),
// on every coordinator, and an unknown account is refused like a known one.
import { createApiClient, errorCode } from "@tideline/client";
import {
  type CoordinatorProc,
  spawnCoordinator,
  startInventory,
  type TestInventory,
} from "@tideline/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("sign-in limits", () => {
  let inv: TestInventory;
  const coords: CoordinatorProc[] = [];

  beforeAll(async () => {
    inv = await startInventory();
    coords.push(
      await spawnCoordinator({ databaseUrl: inv.databaseUrl }),
      await spawnCoordinator({ databaseUrl: inv.databaseUrl }),
    );
    await inv
      .client(coords[0]!.url)
      .users.create.mutate({
        email: "dba@example.com",
        name: "DBA",
        role: "operator",
        password: "right-password-1",
      });
  });
  afterAll(async () => {
    for (const c of coords) await c.kill("SIGKILL");
    await inv?.destroy();
  });

  const signIn = (coord: CoordinatorProc, email: string, password: string) =>
    createApiClient(coord.url)
      .auth.signIn.mutate({ email, password })
      .then(
        () => "ok",
        (e) => errorCode(e),
      );

  it("locks an account after 5 failed sign-ins, on every coordinator, until the window passes", async () => {
    expect(await signIn(coords[0]!, "dba@example.com", "right-password-1")).toBe("ok");
    for (let i = 0; i < 5; i++)
      expect(await signIn(coords[i % 2]!, "dba@example.com", `wrong-${i}`)).toBe("INVALID_CREDENTIALS");
    // now even the right password is refused, by either coordinator, with a code that says why
    expect(await signIn(coords[0]!, "dba@example.com", "right-password-1")).toBe("LOGIN_LOCKED");
    expect(await signIn(coords[1]!, "DBA@example.com", "right-password-1")).toBe("LOGIN_LOCKED");
    const refused = await createApiClient(coords[1]!.url)
      .auth.signIn.mutate({ email: "dba@example.com", password: "right-password-1" })
      .catch((e: Error) => e.message);
    expect(refused).toMatch(/too many failed sign-ins; try again in 1[45] min/);
    // another account from the same address is not locked by it
    await inv
      .client(coords[0]!.url)
      .users.create.mutate({
        email: "other@example.com",
        name: "Other",
        role: "viewer",
        password: "other-password-1",
      });
    expect(await signIn(coords[0]!, "other@example.com", "other-password-1")).toBe("ok");
  });

  it("refuses an unknown account with the same code and about the same effort as a wrong password", async () => {
    const time = async (email: string) => {
      const t0 = performance.now();
      expect(await signIn(coords[0]!, email, "whatever-password")).toBe("INVALID_CREDENTIALS");
      return performance.now() - t0;
    };
    const unknown = await time("nobody@example.com");
    const known = await time("other@example.com");
    // both pay for one scrypt: the unknown one is not answered in a fraction of the time
    expect(unknown).toBeGreaterThan(known / 4);
  });
});

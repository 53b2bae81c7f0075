// The clones page: a clone's owner, cluster, target, state and time left; extending its
// lifetime, protecting it (which keeps it from being destroyed), and destroying it only after
// confirming.
import { expect, test } from "../support/fixtures";
import { CLUSTER, waitProtected, waitUntil } from "../support/protected-cluster";
import { saveScreenshot } from "../support/screenshots";

test("an operator extends, protects and destroys a clone", async ({ page, signIn, api, stack }, testInfo) => {
  test.setTimeout(180_000);
  await waitProtected(api);
  const { cloneId } = await api.restore.create.mutate({
    cluster: CLUSTER,
    target: { kind: "latest" },
    ttl: "1h",
  });
  try {
    await signIn(page);
    await page.goto("/clones");
    const row = page.locator(`[data-testid="clone-row"][data-clone="${cloneId}"]`);
    await expect(row.getByTestId("clone-state")).toHaveText(/creating|ready/);
    await expect(row.getByTestId("clone-state")).toHaveText("ready", { timeout: 150_000 });
    await expect(row).toContainText(stack.adminEmail);
    await expect(row).toContainText(CLUSTER);
    await expect(row.getByTestId("clone-target")).toHaveText("latest");
    await expect(row.getByTestId("clone-ttl")).toHaveText(/in (59|60) min/);
    await expect(row.getByTestId("clone-address")).toHaveText(/^127\.0\.0\.1:\d+$/);
    await saveScreenshot(page, testInfo, "clones");

    // extend to a day from now
    await row.getByTestId("clone-extend-ttl").selectOption("1d");
    await row.getByTestId("clone-extend").click();
    await expect(row.getByTestId("clone-ttl")).toHaveText(/in 2[34] h/);
    const expires = (await api.clones.get.query({ id: cloneId })).expiresAt!;
    expect(expires.getTime() - Date.now()).toBeGreaterThan(23 * 3600_000);

    // protected: kept whatever its TTL, and not destroyable until unprotected
    await row.getByTestId("clone-protect").check();
    await expect(row.getByTestId("clone-protected-badge")).toBeVisible();
    await expect(row.getByTestId("clone-destroy")).toBeDisabled();
    expect((await api.clones.get.query({ id: cloneId })).protected).toBe(true);
    await row.getByTestId("clone-protect").uncheck();
    await expect(row.getByTestId("clone-protected-badge")).toHaveCount(0);

    // destroying asks first; "Keep it" keeps it
    await row.getByTestId("clone-destroy").click();
    const confirm = page.getByTestId("destroy-clone-dialog");
    await expect(confirm).toBeVisible();
    await confirm.getByTestId("destroy-clone-cancel").click();
    await expect(confirm).toBeHidden();
    expect((await api.clones.get.query({ id: cloneId })).state).toBe("ready");

    await row.getByTestId("clone-destroy").click();
    await confirm.getByTestId("destroy-clone-confirm").click();
    await expect(row).toHaveCount(0, { timeout: 60_000 });
    // still listed among the destroyed ones
    await page.getByTestId("clones-show-destroyed").check();
    await expect(row.getByTestId("clone-state")).toHaveText(/destroying|destroyed/);
    await waitUntil(
      "the clone to be destroyed",
      async () => (await api.clones.get.query({ id: cloneId })).state === "destroyed",
    );
  } finally {
    const c = await api.clones.get.query({ id: cloneId }).catch(() => null);
    if (c && c.state !== "destroyed" && c.state !== "destroying") {
      if (c.protected) await api.clones.protect.mutate({ id: cloneId, protected: false }).catch(() => {});
      await api.clones.destroy.mutate({ id: cloneId }).catch(() => {});
    }
  }
});

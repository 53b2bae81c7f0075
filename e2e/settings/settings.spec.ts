// Settings: an admin adds a user (the coordinator's field errors under the inputs), creates an
// API token that is shown once and works, revokes it, reads the audit log, and sees each
// cluster's schedule and retention with a way to its settings.
import { createApiClient } from "@tideline/client";
import { expect, test } from "../support/fixtures";
import { CLUSTER, waitProtected } from "../support/protected-cluster";

test.describe("settings", () => {
  test.beforeEach(async ({ page, signIn }) => {
    await signIn(page);
  });

  test("an admin adds a user with a role", async ({ page, api }) => {
    await page.goto("/settings");
    const form = page.getByTestId("new-user-form");
    const email = `olga-${Date.now()}@example.com`;
    await form.getByTestId("new-user-email").fill(email);
    await form.getByTestId("new-user-name").fill("Olga Operator");
    await form.getByTestId("new-user-role").selectOption("operator");
    await form.getByTestId("new-user-password").fill("short");
    await form.getByTestId("new-user-submit").click();
    await expect(form.getByTestId("field-error-user-password")).toContainText("at least 10 characters");
    await form.getByTestId("new-user-password").fill("operator-password-1");
    await form.getByTestId("new-user-submit").click();
    await expect(form.getByTestId("new-user-created")).toContainText(email);
    const row = page.locator(`[data-testid="user-row"][data-email="${email}"]`);
    await expect(row).toContainText("operator");
    expect((await api.users.list.query()).find((u) => u.email === email)?.role).toBe("operator");

    // the same email again: the coded error under the email field
    await form.getByTestId("new-user-email").fill(email);
    await form.getByTestId("new-user-name").fill("Olga Again");
    await form.getByTestId("new-user-password").fill("operator-password-1");
    await form.getByTestId("new-user-submit").click();
    await expect(form.getByTestId("field-error-user-email")).toContainText("USER_EXISTS");
  });

  test("an API token is shown once, works, and stops working when revoked", async ({ page, stack }) => {
    await page.goto("/settings#tokens");
    const name = `report-${Date.now()}`;
    await page.getByTestId("new-token-name").fill(name);
    await page.getByTestId("new-token-submit").click();
    const token = (await page.getByTestId("new-token-value").textContent())!.trim();
    expect(token).toMatch(/^tlt_/);
    const row = page.locator(`[data-testid="token-row"][data-name="${name}"]`);
    await expect(row).toBeVisible();
    expect(await page.content()).not.toContain(`${token}</td>`);

    const client = createApiClient(stack.coordinatorUrl, token);
    expect((await client.auth.me.query()).email).toBe(stack.adminEmail);
    await row.getByTestId("token-revoke").click();
    await row.getByTestId("token-revoke-confirm").click();
    await expect(row.getByTestId("token-revoked")).toBeVisible();
    await expect(client.auth.me.query()).rejects.toThrow();
    // after a reload the token itself is nowhere to be seen
    await page.reload();
    await expect(page.getByTestId("new-token-value")).toHaveCount(0);
  });

  test("the audit log records who did what, and the policies link to the cluster's settings", async ({
    page,
    api,
  }) => {
    await waitProtected(api);
    await page.goto("/settings#audit");
    const audit = page.getByTestId("audit-table");
    await expect(audit.locator('[data-testid="audit-row"][data-action="cluster.add"]')).toContainText(
      CLUSTER,
    );
    await expect(
      audit.locator('[data-testid="audit-row"][data-action="restore-point.create"]').first(),
    ).toBeVisible();

    const policy = page.locator(`[data-testid="policy-row"][data-cluster="${CLUSTER}"]`);
    await expect(policy).toContainText("1h");
    await expect(policy.getByTestId("policy-retention")).not.toHaveText("…");
    await policy.getByRole("link", { name: /Edit on the cluster page/ }).click();
    await expect(page).toHaveURL(new RegExp(`/clusters/${CLUSTER}#settings$`));
    await expect(page.getByTestId("cluster-settings")).toBeVisible();
  });

  test("a viewer sees their tokens and the policies, not users or the audit log", async ({
    page,
    signIn,
    api,
  }) => {
    const viewer = { email: `viewer-settings-${Date.now()}@example.com`, password: "viewer-password-1" };
    await api.users.create.mutate({ ...viewer, name: "Val Viewer", role: "viewer" });
    await signIn(page, viewer);
    await page.goto("/settings");
    await expect(page.getByTestId("settings-tokens")).toBeVisible();
    await expect(page.getByTestId("settings-policies")).toBeVisible();
    await expect(page.getByTestId("settings-users")).toHaveCount(0);
    await expect(page.getByTestId("settings-audit")).toHaveCount(0);
  });
});

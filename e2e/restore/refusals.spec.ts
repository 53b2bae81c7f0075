// What a restore must refuse: a target outside the window gets the planner's reason before
// anything runs (and no Restore button to press); a viewer sees plans but never the Restore
// button, and the API behind the console refuses them anyway.
import { expect, test } from "../support/fixtures";
import { CLUSTER, waitProtected } from "../support/protected-cluster";

test.describe("restore refusals", () => {
  test("a target before the window, or in the future, shows the planner's reason", async ({
    page,
    signIn,
    api,
  }) => {
    await waitProtected(api);
    const w = await api.clusters.window.query({ cluster: CLUSTER });
    const from = Date.parse(w.timelines[0]!.from!.replace(/(\.\d{3})\d+/, "$1"));
    await signIn(page);
    await page.goto(`/clusters/${CLUSTER}`);
    await page.getByTestId("open-restore").click();
    const dialog = page.getByTestId("restore-dialog");
    await expect(dialog.getByTestId("restore-plan")).toBeVisible(); // the end of the window: fine
    await dialog.getByTestId("restore-zone").selectOption("utc");

    // an hour before the first restore point, typed in UTC
    const before = new Date(from - 3600_000).toISOString().slice(0, 19).replace("T", " ");
    await dialog.getByTestId("restore-time").fill(before);
    const refusal = dialog.getByTestId("plan-refusal");
    await expect(refusal).toHaveAttribute("data-code", "TARGET_OUTSIDE_WINDOW");
    await expect(refusal.getByTestId("plan-refusal-message")).toHaveText(/^TARGET_OUTSIDE_WINDOW: .+/);
    await expect(dialog.getByTestId("restore-plan")).toHaveCount(0);
    await expect(dialog.getByTestId("restore-submit")).toBeDisabled();

    // tomorrow
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 19).replace("T", " ");
    await dialog.getByTestId("restore-time").fill(tomorrow);
    await expect(refusal).toHaveAttribute("data-code", /TARGET_IN_FUTURE|TARGET_OUTSIDE_WINDOW/);
    await expect(dialog.getByTestId("restore-submit")).toBeDisabled();

    // not a time at all: refused in the browser, nothing asked
    await dialog.getByTestId("restore-time").fill("yesterday at noon");
    await expect(dialog.getByTestId("target-error")).toContainText("is not a time");
    await expect(dialog.getByTestId("restore-submit")).toBeDisabled();

    // an LSN before the first restore point
    await dialog.getByTestId("target-kind-lsn").click();
    await dialog.getByTestId("restore-lsn").fill("0/10");
    await expect(refusal).toHaveAttribute("data-code", /^TARGET_/);
    // a restore point name nobody created
    await dialog.getByTestId("target-kind-name").click();
    await dialog.getByTestId("restore-name").fill("no-such-point");
    await expect(refusal).toHaveAttribute("data-code", "UNKNOWN_RESTORE_POINT_NAME");
    // latest is always possible
    await dialog.getByTestId("target-kind-latest").click();
    await expect(dialog.getByTestId("restore-plan")).toBeVisible();
    await expect(dialog.getByTestId("restore-submit")).toBeEnabled();
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    expect(await api.clones.list.query({ cluster: CLUSTER })).toHaveLength(0);
  });

  test("a viewer sees the plan but no Restore button, and the API refuses them", async ({
    page,
    signIn,
    api,
  }) => {
    await waitProtected(api);
    const viewer = { email: `viewer-restore-${Date.now()}@example.com`, password: "viewer-password-1" };
    await api.users.create.mutate({ ...viewer, name: "Vic Viewer", role: "viewer" });
    await signIn(page, viewer);
    await page.goto(`/clusters/${CLUSTER}`);
    await expect(page.getByTestId("user-role")).toHaveText("viewer");
    await expect(page.getByTestId("restore-point-mark").first()).toBeVisible();
    await expect(page.getByTestId("take-restore-point")).toHaveCount(0);
    await expect(page.getByTestId("settings-save")).toHaveCount(0);

    await page.getByTestId("open-restore").click();
    const dialog = page.getByTestId("restore-dialog");
    await expect(dialog.getByTestId("restore-plan")).toBeVisible();
    await expect(dialog.getByTestId("restore-submit")).toHaveCount(0);
    await expect(dialog.getByTestId("restore-ttl")).toHaveCount(0);
    await expect(dialog.getByTestId("restore-viewer-note")).toBeVisible();

    // straight to the API through the console's proxy: refused by the coordinator
    const res = await page.request.post("/api/trpc/restore.create", {
      data: { json: { cluster: CLUSTER, target: { kind: "latest" } } },
    });
    expect(res.status()).toBe(403);
    expect(JSON.stringify(await res.json())).toContain("FORBIDDEN");
    expect(await api.clones.list.query({ cluster: CLUSTER })).toHaveLength(0);

    // and no clone actions for them either
    await page.goto("/clones");
    await expect(page.getByTestId("clone-destroy")).toHaveCount(0);
  });
});

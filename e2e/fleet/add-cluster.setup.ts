// From an empty fleet to a protected cluster, the way a new DBA does it: the fleet explains
// what to do and lists what the agent found; "Add cluster" with the coordinator's validation
// errors shown beside the fields; then the cluster page follows protection live until the
// first restore point. The "protected" specs run on the cluster this leaves behind.
import { expect, test } from "../support/fixtures";
import { CLUSTER, waitProtected } from "../support/protected-cluster";
import { saveScreenshot } from "../support/screenshots";

test("an operator protects the first cluster from the empty fleet with the Add cluster form", async ({
  page,
  signIn,
  stack,
  api,
}, testInfo) => {
  test.setTimeout(240_000);
  await signIn(page);
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Fleet" })).toBeVisible();
  const empty = page.getByTestId("clusters-empty");
  await expect(empty).toContainText("No clusters are protected yet");
  await expect(empty.getByRole("link", { name: /Add agent/ })).toHaveAttribute("href", "/agents");
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
  await expect(page.getByTestId("discovered-clusters")).toContainText(stack.primary.pgdata);
  await saveScreenshot(page, testInfo, "fleet-empty");

  await page.getByTestId("add-cluster").click();
  const dialog = page.getByTestId("add-cluster-dialog");
  await expect(dialog).toBeVisible();

  // nothing filled in: the coordinator's zod errors land under their fields
  await dialog.getByTestId("add-cluster-schedule").fill("");
  await dialog.getByTestId("add-cluster-submit").click();
  await expect(dialog.getByTestId("field-error-name")).toBeVisible();
  await expect(dialog.getByTestId("add-cluster-name")).toHaveAttribute("aria-invalid", "true");
  await expect(dialog.getByTestId("field-error-snapshotEvery")).toBeVisible();

  // a name the coordinator refuses with a coded error: shown under the name, code first
  await dialog.getByTestId("add-cluster-name").fill("E2E Main!");
  await dialog.getByTestId("add-cluster-schedule").fill("every tuesday");
  await dialog.getByTestId("add-cluster-submit").click();
  await expect(dialog.getByTestId("field-error-name")).toContainText("INVALID_NAME");
  await dialog.getByTestId("add-cluster-name").fill(CLUSTER);
  await dialog.getByTestId("add-cluster-submit").click();
  await expect(dialog.getByTestId("field-error-snapshotEvery")).toContainText("INVALID_SCHEDULE");

  // the cluster the agent found fills the data directory and port
  await dialog.getByTestId("add-cluster-agent").selectOption(stack.agentName);
  await dialog.locator(`[data-testid="discovered-cluster"][data-pgdata="${stack.primary.pgdata}"]`).click();
  await expect(dialog.getByTestId("add-cluster-pgdata")).toHaveValue(stack.primary.pgdata);
  await expect(dialog.getByTestId("add-cluster-port")).toHaveValue(String(stack.primary.port));

  await dialog.getByTestId("add-cluster-storage").selectOption(stack.storage);
  await dialog.getByTestId("add-cluster-dedup").check();
  await expect(dialog.getByTestId("dedup-warning")).toContainText(
    "dedup needs about 5 GB of RAM per TB stored and slows writes; leave it off unless your data repeats",
  );
  await dialog.getByTestId("add-cluster-dedup").uncheck();
  await expect(dialog.getByTestId("add-cluster-mode-replica")).toBeChecked();
  await dialog.getByTestId("add-cluster-schedule").fill("1h");
  await dialog.getByTestId("add-cluster-submit").click();

  // the cluster page follows protection live: checking → protecting → protected
  await expect(page).toHaveURL(new RegExp(`/clusters/${CLUSTER}$`));
  const cluster = page.getByTestId("cluster-page");
  await expect(cluster).toHaveAttribute("data-state", "protected", { timeout: 180_000 });
  await waitProtected(api);
  await expect(page.getByTestId("restore-point-row")).toHaveCount(1);
  await expect(page.getByTestId("job-row").filter({ hasText: "cluster.protect" })).toBeVisible();
  const c = await api.clusters.get.query({ cluster: CLUSTER });
  expect(c.mode).toBe("replica");
  expect(c.pool).toBe(stack.storage);
  expect(c.snapshotSchedule).toBe("1h");
});

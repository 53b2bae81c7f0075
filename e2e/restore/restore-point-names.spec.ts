// Restore point names: a name given to pg_create_restore_point() on the primary is offered in
// the restore dialog once the storage host has its WAL; picking it plans recovery to exactly
// that record. Typing a name by hand still works (the planner has the last word).
import { expect, test } from "../support/fixtures";
import { CLUSTER, primaryClient, waitProtected, waitUntil } from "../support/protected-cluster";

test("a restore point name found in the WAL is offered in the restore dialog", async ({
  page,
  signIn,
  api,
  stack,
}) => {
  await waitProtected(api);
  const name = `before-migration-${Date.now()}`;
  const db = primaryClient(stack);
  await db.connect();
  try {
    await db.query("SELECT pg_create_restore_point($1)", [name]);
  } finally {
    await db.end();
  }
  const found = await waitUntil(
    `the agent to find restore point ${name} in the WAL`,
    async () => (await api.restorePoints.names.query({ cluster: CLUSTER })).find((n) => n.name === name),
    90_000,
    500,
  );

  // the planner writes LSNs without zero padding, whatever the WAL reader printed
  const lsn = found.lsn.replace(/(^|\/)0+(?=[0-9A-F])/gi, "$1");

  await signIn(page);
  await page.goto(`/clusters/${CLUSTER}`);
  await page.getByTestId("open-restore").click();
  const dialog = page.getByTestId("restore-dialog");
  await expect(dialog.getByTestId("restore-plan")).toBeVisible();
  await dialog.getByTestId("target-kind-name").click();
  const pick = dialog.getByTestId("restore-name-pick");
  await expect(pick.locator(`option[value="${name}"]`)).toContainText(`LSN ${lsn}`);
  await pick.selectOption(name);
  await expect(dialog.getByTestId("restore-name")).toHaveValue(name);
  await expect(dialog.getByTestId("restore-name-help")).toContainText(`found in the WAL: ${name}`);
  await expect(dialog.getByTestId("restore-plan")).toHaveAttribute("data-stale", "false");
  await expect(dialog.getByTestId("plan-expected")).toContainText(lsn);
  await expect(dialog.getByTestId("restore-submit")).toBeEnabled();

  // typed by hand: the picker follows, and an unknown name gets the planner's refusal
  await dialog.getByTestId("restore-name").fill("no-such-name");
  await expect(pick).toHaveValue("");
  await expect(dialog.getByTestId("plan-refusal")).toHaveAttribute("data-code", "UNKNOWN_RESTORE_POINT_NAME");
  await dialog.getByTestId("restore-name").fill(name);
  await expect(pick).toHaveValue(name);
  await expect(dialog.getByTestId("plan-expected")).toContainText(lsn);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
});

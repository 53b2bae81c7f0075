// The recovery targets a DBA undoes a mistake with, in the restore dialog: "Restore to here…" on
// a restore point restores exactly that point (recovery_target = immediate); a transaction id is
// planned from the newest point where it had not completed; "stop just before" is sent as
// exclusive and refused the same way the API refuses it.
import { expect, test } from "../support/fixtures";
import { CLUSTER, primaryClient, waitProtected, waitUntil } from "../support/protected-cluster";

test("restore to a restore point itself, and to just before a transaction", async ({
  page,
  signIn,
  api,
  stack,
}) => {
  await waitProtected(api);
  const points = await api.restorePoints.list.query({ cluster: CLUSTER });
  const newest = points.at(-1)!;

  await signIn(page);
  await page.goto(`/clusters/${CLUSTER}`);
  await page.locator(`[data-testid="restore-point-row"][data-id="${newest.id}"]`).getByTestId("restore-point-restore").click();
  const dialog = page.getByTestId("restore-dialog");
  await expect(dialog.getByTestId("target-kind-immediate")).toHaveAttribute("aria-checked", "true");
  await expect(dialog.getByTestId("restore-point-pick")).toHaveValue(newest.id);
  await expect(dialog.getByTestId("restore-plan")).toHaveAttribute("data-stale", "false");
  await expect(dialog.getByTestId("plan-restore-point")).toContainText(newest.lsn);
  await expect(dialog.getByTestId("plan-expected")).toContainText(newest.lsn);

  // a transaction committed after the newest restore point, once the archive has seen it complete
  const db = primaryClient(stack);
  await db.connect();
  let xid = "";
  try {
    const id = 900_000 + Math.floor(Math.random() * 99_999);
    const { rows } = await db.query<{ xid: string }>(
      "INSERT INTO marks (id) VALUES ($1) RETURNING pg_current_xact_id()::text AS xid",
      [id],
    );
    xid = rows[0]!.xid;
  } finally {
    await db.end();
  }
  await waitUntil(
    `the planner to place transaction ${xid}`,
    async () => api.restore.plan.query({ cluster: CLUSTER, target: { kind: "xid", xid } }).catch(() => null),
    90_000,
    500,
  );
  await dialog.getByTestId("target-kind-xid").click();
  await dialog.getByTestId("restore-xid").fill(xid);
  await dialog.getByTestId("restore-exclusive").check();
  await expect(dialog.getByTestId("restore-plan")).toHaveAttribute("data-stale", "false");
  await expect(dialog.getByTestId("plan-notes")).toContainText(
    `just before the commit or abort of transaction ${xid}`,
  );
  await expect(dialog.getByTestId("restore-submit")).toBeEnabled();

  // far in the future: the planner's refusal, before anything runs
  await dialog.getByTestId("restore-xid").fill(String(BigInt(xid) + 1_000_000n));
  await expect(dialog.getByTestId("plan-refusal")).toHaveAttribute("data-code", "TARGET_OUTSIDE_WINDOW");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
});

// Find the moment from the browser: a table is dropped on the primary; the cluster page's
// "Find the moment" lists the DROP (highlighted) with its transaction, and "Restore to just
// before this" opens the restore dialog on that transaction with "Stop just before the target".
import { expect, test } from "../support/fixtures";
import { CLUSTER, primaryClient, waitProtected, waitUntil } from "../support/protected-cluster";
import { saveScreenshot } from "../support/screenshots";

test("finds a DROP TABLE in the WAL and plans a restore to just before it", async ({
  page,
  signIn,
  api,
  stack,
}, testInfo) => {
  await waitProtected(api);
  const from = new Date(Date.now() - 60_000).toISOString();
  const table = `dropped_${Math.floor(Math.random() * 1_000_000)}`;
  const db = primaryClient(stack);
  await db.connect();
  let xid = "";
  try {
    await db.query(`CREATE TABLE ${table} AS SELECT g AS id FROM generate_series(1, 100) g`);
    await db.query("BEGIN");
    const { rows } = await db.query<{ xid: string }>("SELECT pg_current_xact_id()::text AS xid");
    await db.query(`DROP TABLE ${table}`);
    await db.query("COMMIT");
    xid = rows[0]!.xid;
  } finally {
    await db.end();
  }
  await waitUntil(
    `the planner to place transaction ${xid}`,
    async () =>
      api.restore.plan
        .query({ cluster: CLUSTER, target: { kind: "xid", xid, exclusive: true } })
        .catch(() => null),
    90_000,
    500,
  );

  await signIn(page);
  await page.goto(`/clusters/${CLUSTER}`);
  const panel = page.getByTestId("events-panel");
  // times pasted with their zone are taken as they say, whatever zone the page shows
  await panel.getByTestId("events-from").fill(from);
  await panel.getByTestId("events-to").fill(new Date(Date.now() + 60_000).toISOString());
  await panel.getByTestId("events-destructive-only").check();
  await panel.getByTestId("events-search").click();
  const row = panel.locator(`[data-testid="event-row"][data-xid="${xid}"]`);
  await expect(row).toHaveAttribute("data-kind", "drop-relation");
  await expect(row).toHaveAttribute("data-destructive", "true");
  // only destructive events: no plain commit (the CREATE TABLE) is listed
  await expect(panel.locator('[data-testid="event-row"][data-kind="commit"]')).toHaveCount(0);
  await panel.scrollIntoViewIfNeeded();
  await saveScreenshot(page, testInfo, "find-the-moment");

  await row.getByTestId("event-restore-before").click();
  const dialog = page.getByTestId("restore-dialog");
  await expect(dialog.getByTestId("target-kind-xid")).toHaveAttribute("aria-checked", "true");
  await expect(dialog.getByTestId("restore-xid")).toHaveValue(xid);
  await expect(dialog.getByTestId("restore-exclusive")).toBeChecked();
  await expect(dialog.getByTestId("restore-plan")).toHaveAttribute("data-stale", "false");
  await expect(dialog.getByTestId("plan-notes")).toContainText(
    `just before the commit or abort of transaction ${xid}`,
  );
  await expect(dialog.getByTestId("restore-submit")).toBeEnabled();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  // the timeline marks the DROP where it happened; picking the mark asks for the same target
  await page.getByTestId("timeline-preset-1h").click();
  const mark = page.locator(`[data-testid="wal-event-mark"][data-xid="${xid}"]`);
  await expect(mark).toHaveCount(1);
  await mark.dispatchEvent("click");
  await expect(dialog.getByTestId("restore-xid")).toHaveValue(xid);
  await expect(dialog.getByTestId("restore-exclusive")).toBeChecked();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
});

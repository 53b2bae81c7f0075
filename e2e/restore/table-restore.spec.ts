// Undo a DROP TABLE from the browser: a table dropped on the primary comes back, as it was a
// moment before the drop, under a new name on the running primary — picked in the restore dialog
// as "tables, loaded into the running primary", with the clone made and destroyed on the way.
import { expect, test } from "../support/fixtures";
import { CLUSTER, primaryClient, waitProtected, waitUntil } from "../support/protected-cluster";

test("a dropped table is restored into the primary from the restore dialog", async ({
  page,
  signIn,
  api,
  stack,
}) => {
  await waitProtected(api);
  const table = `e2e_orders_${Date.now()}`;
  const db = primaryClient(stack);
  await db.connect();
  let beforeDrop = "";
  let dropStarted = 0;
  try {
    await db.query(`CREATE TABLE ${table} (id int PRIMARY KEY, note text)`);
    await db.query(`INSERT INTO ${table} SELECT g, 'order ' || g FROM generate_series(1, 30) g`);
    await new Promise((r) => setTimeout(r, 1200));
    // to the second, as the dialog takes it; the drop comes well after
    beforeDrop = `${new Date().toISOString().slice(0, 19)}Z`;
    await new Promise((r) => setTimeout(r, 1500));
    dropStarted = Date.now();
    await db.query(`DROP TABLE ${table}`);
    await db.query("SELECT pg_switch_wal()");
  } finally {
    await db.end();
  }
  await waitUntil(
    "the archive to pass the drop",
    async () => {
      const w = await api.clusters.window.query({ cluster: CLUSTER });
      const to = w.timelines.at(-1)?.to;
      // the DROP's commit is archived: the window reaches it
      return to && new Date(to).getTime() >= dropStarted - 50;
    },
    90_000,
    500,
  );

  await signIn(page);
  await page.goto(`/clusters/${CLUSTER}`);
  await page.getByTestId("open-restore").click();
  const dialog = page.getByTestId("restore-dialog");
  await dialog.getByTestId("target-kind-time").click();
  await dialog.getByTestId("restore-time").fill(beforeDrop);
  await dialog.getByTestId("restore-what-tables").check();
  await dialog.getByTestId("restore-tables").fill(`public.${table}`);
  await expect(dialog.getByTestId("restore-plan")).toHaveAttribute("data-stale", "false");
  await dialog.getByTestId("restore-submit").click();

  const progress = dialog.getByTestId("table-restore-progress");
  await expect(progress).toHaveAttribute("data-state", "succeeded", { timeout: 120_000 });
  await expect(progress.getByTestId("table-restore-into")).toHaveText(`postgres.public.${table}_restored`);
  await expect(progress.getByTestId("table-restore-rows")).toHaveText("30");

  const check = primaryClient(stack);
  await check.connect();
  try {
    const { rows } = await check.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}_restored`);
    expect(rows[0]!.n).toBe(30);
  } finally {
    await check.end();
  }
});

// The fleet overview: an empty fleet explains what to do; a cluster added to the inventory
// appears on the open page through the live subscription.
import pg from "pg";
import { expect, test } from "../support/fixtures";
import { saveScreenshot } from "../support/screenshots";

test.describe("fleet overview", () => {
  test("explains an empty fleet, then shows a protected cluster as soon as it is added", async ({
    page,
    signIn,
    stack,
    api,
  }, testInfo) => {
    await signIn(page);
    await page.goto("/");
    await expect(page.getByRole("heading", { name: "Fleet" })).toBeVisible();
    await expect(page.getByTestId("clusters-empty")).toContainText("No clusters are protected yet");
    await expect(page.getByTestId("clusters-empty").getByRole("link", { name: /Add agent/ })).toHaveAttribute(
      "href",
      "/agents",
    );
    await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
    await expect(page.getByTestId("discovered-clusters")).toBeVisible();
    await saveScreenshot(page, testInfo, "fleet-empty");

    // Adding clusters through the API comes with the storage work; until then the test writes
    // the inventory row itself and sends the change notification the coordinator would send.
    const agent = (await api.agents.list.query()).find((a) => a.name === stack.agentName)!;
    const db = new pg.Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      const id = `e2e-cluster-${Date.now()}`;
      await db.query(
        `INSERT INTO clusters (id, name, agent_id, pgdata, port, pg_version, mode, state, snapshot_schedule)
         VALUES ($1, 'orders-main', $2, '/var/lib/postgresql/16/main', 5432, 16, 'replica', 'protected', '15m')`,
        [id, agent.id],
      );
      await db.query("SELECT pg_notify('tideline_events', $1)", [JSON.stringify({ entity: "cluster", id })]);
    } finally {
      await db.end();
    }

    const row = page.locator('[data-testid="cluster-row"][data-cluster="orders-main"]');
    await expect(row).toBeVisible();
    await expect(row).toContainText(stack.agentName);
    await expect(row).toContainText("protected");
    await expect(row).toContainText("shadow replica");
    await saveScreenshot(page, testInfo, "fleet-overview");
  });
});

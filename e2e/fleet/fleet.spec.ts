// The fleet overview: the protected cluster with its health at a glance; a cluster with a
// problem is red with the reason and the fix; sorting by column and filtering by name and
// status, kept in the URL.
import pg from "pg";
import { expect, test } from "../support/fixtures";
import { CLUSTER, waitProtected } from "../support/protected-cluster";
import { saveScreenshot } from "../support/screenshots";

const BROKEN = "legacy-billing";

test.describe("fleet overview", () => {
  test("shows the protected cluster's health, problems with their fixes, and sorts and filters", async ({
    page,
    signIn,
    stack,
    api,
  }, testInfo) => {
    await waitProtected(api);
    // A cluster whose storage agent reported a problem. Its agent is not part of this stack, so
    // the test writes the inventory row as the status ingest would, and sends the change event.
    const agent = (await api.agents.list.query()).find((a) => a.name === stack.agentName)!;
    const db = new pg.Client({ connectionString: stack.databaseUrl });
    await db.connect();
    const id = `e2e-broken-${Date.now()}`;
    const health = {
      status: "error",
      lastRestorePointAt: null,
      lastRestorePointAgeSeconds: null,
      walState: "stopped",
      walLagBytes: 812 * 1024 * 1024,
      walLagSeconds: 5400,
      slotState: "missing",
      replicaRunning: false,
      replicaLagBytes: null,
      spaceUsedBytes: 3 * 1024 ** 3,
      receiverRestarts: 12,
      problems: [
        {
          code: "WAL_RECEIVER_DOWN",
          message: "pg_receivewal keeps failing: replication slot tideline_legacy_billing does not exist",
          fix: "re-create the slot: SELECT pg_create_physical_replication_slot('tideline_legacy_billing')",
        },
      ],
      reportedAt: new Date().toISOString(),
    };
    try {
      await db.query(
        `INSERT INTO clusters (id, name, agent_id, pgdata, port, pg_version, mode, state, snapshot_schedule, health)
         VALUES ($1, $2, $3, '/var/lib/postgresql/16/billing', 5433, 16, 'replica', 'protected', '15m', $4)`,
        [id, BROKEN, agent.id, JSON.stringify(health)],
      );
      await db.query("SELECT pg_notify('tideline_events', $1)", [JSON.stringify({ entity: "cluster", id })]);

      await signIn(page);
      await page.goto("/");
      const main = page.locator(`[data-testid="cluster-row"][data-cluster="${CLUSTER}"]`);
      const broken = page.locator(`[data-testid="cluster-row"][data-cluster="${BROKEN}"]`);

      // health at a glance for the real cluster (status reports arrive every second)
      await expect(main.getByTestId("cluster-status")).toHaveText("ok", { timeout: 30_000 });
      await expect(main.getByTestId("cluster-rp-age")).toContainText(/ago|just now/);
      await expect(main.getByTestId("cluster-rp-age")).toContainText("point");
      await expect(main.getByTestId("cluster-wal-lag")).toContainText(/\d+(\.\d)? (B|KiB|MiB)/);
      await expect(main.getByTestId("cluster-wal-lag")).toContainText("streaming");
      await expect(main.getByTestId("cluster-slot")).toHaveText("active");
      await expect(main.getByTestId("cluster-space")).toHaveText(/\d+(\.\d)? (B|KiB|MiB|GiB)/);
      await expect(main).toContainText("shadow replica");
      await expect(main).toContainText(stack.agentName);
      await expect(main).toContainText("no drill yet");

      // the problem is red, with its reason and its fix written out
      await expect(broken.getByTestId("cluster-status")).toHaveText("error");
      const problems = page.locator(`[data-testid="cluster-problems"][data-cluster="${BROKEN}"]`);
      await expect(problems.getByTestId("problem-message")).toHaveText(
        "pg_receivewal keeps failing: replication slot tideline_legacy_billing does not exist",
      );
      await expect(problems.getByTestId("problem-fix")).toContainText(
        "SELECT pg_create_physical_replication_slot('tideline_legacy_billing')",
      );
      await expect(problems).toContainText("WAL_RECEIVER_DOWN");
      await expect(broken.getByTestId("cluster-wal-lag")).toHaveText(/812 MiB/);
      await expect(broken.getByTestId("cluster-wal-lag-seconds")).toHaveText("1 h 30 min");
      await expect(page.locator(`[data-testid="cluster-problems"][data-cluster="${CLUSTER}"]`)).toHaveCount(
        0,
      );
      await saveScreenshot(page, testInfo, "fleet-overview");

      // sorting: by status (worst first) by default; by name; by status the other way round
      const order = () =>
        page
          .getByTestId("cluster-row")
          .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-cluster")));
      await expect.poll(order).toEqual([BROKEN, CLUSTER]);
      await page.getByTestId("sort-name").click();
      await expect(page).toHaveURL(/sort=name&dir=asc/);
      await expect.poll(order).toEqual([CLUSTER, BROKEN]);
      await expect(page.getByRole("columnheader", { name: /Cluster/ })).toHaveAttribute(
        "aria-sort",
        "ascending",
      );
      await page.getByTestId("sort-name").click();
      await expect.poll(order).toEqual([BROKEN, CLUSTER]);
      await page.getByTestId("sort-lagBytes").click();
      await expect.poll(order).toEqual([CLUSTER, BROKEN]);

      // filtering by text and by status; the filter survives a reload (it lives in the URL)
      await page.getByTestId("fleet-filter").fill("billing");
      await expect.poll(order).toEqual([BROKEN]);
      await expect(page.getByTestId("fleet-count")).toHaveText("1 of 2 clusters");
      await expect(page).toHaveURL(/q=billing/);
      await page.reload();
      await expect(page.getByTestId("fleet-filter")).toHaveValue("billing");
      await expect.poll(order).toEqual([BROKEN]);
      await page.getByTestId("fleet-filter").fill("");
      await page.getByTestId("fleet-status-filter").selectOption("ok");
      await expect.poll(order).toEqual([CLUSTER]);
      await page.getByTestId("fleet-status-filter").selectOption("error");
      await expect.poll(order).toEqual([BROKEN]);
      await page.getByTestId("fleet-filter").fill("no-such-cluster");
      await expect(page.getByTestId("fleet-no-match")).toBeVisible();

      // every row leads to its cluster's page
      await page.goto("/");
      await main.getByTestId("cluster-link").click();
      await expect(page).toHaveURL(new RegExp(`/clusters/${CLUSTER}$`));
      await expect(page.getByRole("heading", { name: CLUSTER })).toBeVisible();
    } finally {
      await db.query("DELETE FROM clusters WHERE id = $1", [id]);
      await db.query("SELECT pg_notify('tideline_events', $1)", [JSON.stringify({ entity: "cluster", id })]);
      await db.end();
    }
  });
});

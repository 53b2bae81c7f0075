// The cluster page: restore points as a table and as marks on the timeline chart, the WAL band
// per timeline, the now line, zooming and panning, this cluster's jobs, a restore point taken
// from the page appearing live, and the retention policy's live preview.
import { expect, test } from "../support/fixtures";
import {
  CLUSTER,
  insertMarker,
  type Marker,
  primaryClient,
  sleep,
  takeRestorePoint,
  waitProtected,
  waitWindowEnd,
} from "../support/protected-cluster";
import { saveScreenshot } from "../support/screenshots";

// times on the page are then UTC, like the API's
test.use({ timezoneId: "UTC" });

test.describe("cluster page", () => {
  test.beforeEach(async ({ page, signIn }) => {
    await signIn(page);
  });

  test("shows the restore points, the recoverable window as a timeline, and the jobs", async ({
    page,
    api,
    stack,
  }, testInfo) => {
    await waitProtected(api);
    // some commits and two more restore points, so the chart has a band with several marks on it
    const db = primaryClient(stack);
    await db.connect();
    let last: Marker;
    try {
      const base = Number(
        (await db.query<{ n: number }>("SELECT coalesce(max(id), 0)::int AS n FROM marks")).rows[0]!.n,
      );
      await insertMarker(db, base + 1);
      await sleep(1500);
      await takeRestorePoint(api);
      await insertMarker(db, base + 2);
      await sleep(1500);
      await takeRestorePoint(api);
      last = await insertMarker(db, base + 3);
    } finally {
      await db.end();
    }
    await waitWindowEnd(api, last.at);
    const points = await api.restorePoints.list.query({ cluster: CLUSTER });
    expect(points.length).toBeGreaterThanOrEqual(3);

    await page.goto(`/clusters/${CLUSTER}`);
    await expect(page.getByRole("heading", { name: CLUSTER })).toBeVisible();
    await expect(page.getByTestId("cluster-status")).toHaveText("ok", { timeout: 30_000 });
    await expect(page.getByTestId("health-slot")).toHaveText("active");
    await expect(page.getByTestId("health-no-problems")).toBeVisible();

    // the table lists every point, newest first, with its LSN
    const rows = page.getByTestId("restore-point-row");
    await expect(rows).toHaveCount(points.length);
    await expect(rows.first().getByTestId("restore-point-lsn")).toHaveText(points[points.length - 1]!.lsn);

    // the window: one timeline, recoverable from the first point's data time on
    await expect(page.getByTestId("window-timeline")).toHaveCount(1);
    await expect(page.getByTestId("window-timeline")).toContainText("Timeline 1: recoverable from");
    const chart = page.getByTestId("timeline-chart");
    await expect(chart.getByTestId("timeline-lane")).toHaveCount(1);
    await expect(chart.getByTestId("wal-band")).toHaveCount(1);
    await expect(chart.getByTestId("wal-gap")).toHaveCount(0);
    await expect(chart.getByTestId("restore-point-mark")).toHaveCount(points.length);
    await expect(chart.getByTestId("now-line")).toBeVisible();

    // hovering a mark tells its LSN, data time, size and drill status
    const newest = points[points.length - 1]!;
    await chart.locator(`[data-testid="restore-point-mark"][data-id="${newest.id}"]`).hover();
    const tip = page.getByTestId("restore-point-tooltip");
    await expect(tip.getByTestId("tooltip-lsn")).toHaveText(newest.lsn);
    await expect(tip.getByTestId("tooltip-data-time")).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    await expect(tip.getByTestId("tooltip-size")).toHaveText(/\d+(\.\d)? (B|KiB|MiB|GiB)/);
    await expect(tip.getByTestId("tooltip-drill")).toHaveText("never drilled");
    await saveScreenshot(page, testInfo, "cluster-timeline");

    // keyboard: a mark is reachable and opens the restore dialog at exactly its LSN
    await chart.locator(`[data-testid="restore-point-mark"][data-id="${newest.id}"]`).focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByTestId("restore-dialog");
    await expect(dialog.getByTestId("restore-lsn")).toHaveValue(newest.lsn);
    await expect(dialog.getByTestId("restore-plan").getByTestId("plan-restore-point")).toContainText(
      newest.lsn,
    );
    // its data time, to the next second, waits under "Time"
    await dialog.getByTestId("target-kind-time").click();
    await expect(dialog.getByTestId("restore-time")).toHaveValue(
      new Date(Math.ceil(newest.dataTime!.getTime() / 1000) * 1000)
        .toISOString()
        .slice(0, 19)
        .replace("T", " "),
    );
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await page.emulateMedia({ colorScheme: "dark" });
    await saveScreenshot(page, testInfo, "cluster-timeline-dark");
    await page.emulateMedia({ colorScheme: "light" });

    // zoom: presets from minutes to a month, buttons halve and double the span
    const svg = chart.getByTestId("timeline-svg");
    const span = async () => {
      const [from, to] = await Promise.all([svg.getAttribute("data-from"), svg.getAttribute("data-to")]);
      return Number(to) - Number(from);
    };
    await chart.getByTestId("timeline-preset-15m").click();
    expect(await span()).toBe(15 * 60_000);
    await chart.getByTestId("timeline-zoom-in").click();
    expect(await span()).toBe(7.5 * 60_000);
    await expect(chart.getByTestId("timeline-span")).toContainText("8 min shown");
    await chart.getByTestId("timeline-preset-30d").click();
    await expect(chart.getByTestId("timeline-span")).toContainText("4 w shown");
    await chart.getByTestId("timeline-preset-1h").click();
    // pan with the keyboard: the chart is focusable
    const from0 = Number(await svg.getAttribute("data-from"));
    await chart.getByRole("region", { name: "Recoverable window chart" }).focus();
    await page.keyboard.press("ArrowLeft");
    expect(Number(await svg.getAttribute("data-from"))).toBeLessThan(from0);
    // the wheel zooms around the pointer
    const box = (await svg.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 40);
    const before = await span();
    await page.mouse.wheel(0, -300);
    await expect.poll(span).toBeLessThan(before);
    await chart.getByTestId("timeline-preset-all").click();

    // this cluster's jobs: the protection and the restore points
    const jobs = page.getByTestId("job-row");
    await expect(jobs.filter({ hasText: "restore-point.create" }).first()).toBeVisible();
    await expect(jobs.filter({ hasText: "cluster.protect" })).toHaveCount(1);
  });

  test("takes a restore point from the page; it appears on the table and the chart without a reload", async ({
    page,
    api,
  }) => {
    await waitProtected(api);
    const before = (await api.restorePoints.list.query({ cluster: CLUSTER })).length;
    await page.goto(`/clusters/${CLUSTER}`);
    await expect(page.getByTestId("restore-point-row")).toHaveCount(before);
    await page.evaluate(() => Object.assign(window, { __noReload: true }));
    await page.getByTestId("take-restore-point").click();
    await expect(page.getByTestId("take-restore-point-started")).toContainText("follow the job");
    await expect(page.getByTestId("restore-point-row")).toHaveCount(before + 1, { timeout: 60_000 });
    await expect(page.getByTestId("restore-point-mark")).toHaveCount(before + 1);
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  });

  test("the retention policy shows what it keeps and prunes while it is edited, and saves", async ({
    page,
    api,
  }) => {
    await waitProtected(api);
    const points = await api.restorePoints.list.query({ cluster: CLUSTER });
    expect(points.length).toBeGreaterThanOrEqual(2);
    await page.goto(`/clusters/${CLUSTER}#settings`);
    const settings = page.getByTestId("cluster-settings");
    await expect(settings.getByTestId("settings-mode")).toHaveText("shadow replica");
    // no policy: everything is kept
    await expect(settings.getByTestId("retention-keep-count")).toHaveText(String(points.length));
    await expect(settings.getByTestId("retention-prune-count")).toHaveText("0");

    await settings.getByTestId("settings-retention-keepLast").fill("1");
    await expect(settings.getByTestId("retention-keep-count")).toHaveText("1");
    await expect(settings.getByTestId("retention-prune-count")).toHaveText(String(points.length - 1));
    await expect(settings.locator('[data-testid="retention-row"][data-outcome="prune"]')).toHaveCount(
      points.length - 1,
    );
    // nothing changed while previewing
    expect(await api.restorePoints.list.query({ cluster: CLUSTER })).toHaveLength(points.length);

    // a schedule the coordinator refuses: its coded error under the field
    await settings.getByTestId("settings-retention-keepLast").fill("");
    await settings.getByTestId("settings-schedule").fill("whenever");
    await settings.getByTestId("settings-save").click();
    await expect(settings.getByTestId("field-error-snapshotEvery")).toContainText("INVALID_SCHEDULE");

    // a policy that keeps plenty, saved
    await settings.getByTestId("settings-schedule").fill("1h");
    await settings.getByTestId("settings-retention-daily").fill("7");
    await settings.getByTestId("settings-retention-keepLast").fill("50");
    await settings.getByTestId("settings-save").click();
    await expect(settings.getByTestId("settings-saved")).toBeVisible();
    expect((await api.clusters.get.query({ cluster: CLUSTER })).retention).toEqual({
      keepLast: 50,
      daily: 7,
    });
  });
});

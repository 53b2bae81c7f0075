// Jobs, live: a job created through the API shows up on the open list and runs to the end on
// its page without a reload; another is cancelled from the UI and retried.
import { expect, test } from "../support/fixtures";
import { saveScreenshot } from "../support/screenshots";

test.describe("jobs", () => {
  test.beforeEach(async ({ page, signIn }) => {
    await signIn(page);
  });

  test("a diag.sleep job appears on the list and progresses to succeeded on its page, live", async ({
    page,
    api,
    stack,
  }, testInfo) => {
    await page.goto("/jobs");
    await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
    // a marker that a reload would wipe: everything below must arrive without one
    await page.evaluate(() => Object.assign(window, { __noReload: true }));

    const { jobId } = await api.jobs.create.mutate({
      kind: "diag.sleep",
      agent: stack.agentName,
      payload: { seconds: 8, marker: "e2e" },
    });
    const row = page.locator(`[data-testid="job-row"][data-job-id="${jobId}"]`);
    await expect(row).toBeVisible();
    await expect(row).toContainText("diag.sleep");
    await expect(row).toContainText(stack.agentName);
    await expect(row.getByTestId("job-state")).toHaveText("running");
    await saveScreenshot(page, testInfo, "jobs");

    await row.getByTestId("job-link").click();
    await expect(page).toHaveURL(new RegExp(`/jobs/${jobId}$`));
    const detail = page.getByTestId("job-detail");
    const bar = page.getByTestId("job-progress");

    // seen part-way: running, with the bar somewhere strictly between empty and full
    await expect(detail.getByTestId("job-state")).toHaveText("running");
    await expect
      .poll(async () => Number(await bar.getAttribute("aria-valuenow")), {
        timeout: 15_000,
        intervals: [100],
      })
      .toBeGreaterThan(0);
    const midway = Number(await bar.getAttribute("aria-valuenow"));
    expect(midway).toBeLessThan(100);

    await expect(detail.getByTestId("job-state")).toHaveText("succeeded", { timeout: 30_000 });
    await expect(bar).toHaveAttribute("aria-valuenow", "100");
    await expect(page.getByTestId("job-progress-percent")).toHaveText("100%");
    // what came of it, in words and units, not JSON
    await expect(page.getByTestId("job-outcome")).toContainText("sleptSeconds8 s");
    await expect(page.getByTestId("job-events")).toContainText("running");
    await expect(page.getByTestId("job-cancel")).toHaveCount(0);
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await saveScreenshot(page, testInfo, "job-detail");

    // and the list agrees
    await page.getByRole("link", { name: "← Jobs" }).click();
    await expect(row.getByTestId("job-state")).toHaveText("succeeded");
  });

  test("an operator cancels a running job from its page, then retries it", async ({ page, api, stack }) => {
    const { jobId } = await api.jobs.create.mutate({
      kind: "diag.sleep",
      agent: stack.agentName,
      payload: { seconds: 300 },
    });
    let retried: string | null = null;
    try {
      await page.goto(`/jobs/${jobId}`);
      const detail = page.getByTestId("job-detail");
      await expect(detail.getByTestId("job-state")).toHaveText("running");
      await page.getByTestId("job-cancel").click();
      await expect(detail.getByTestId("job-state")).toHaveText("cancelled");
      await expect(page.getByTestId("job-cancel")).toHaveCount(0);
      await expect(page.getByTestId("job-events")).toContainText("cancel requested by");
      await expect(page.getByTestId("job-error")).toContainText("CANCELLED");
      expect((await api.jobs.get.query({ id: jobId })).state).toBe("cancelled");

      // the cancelled job is listed under its state, and not under another
      await page.goto("/jobs?state=cancelled");
      await expect(page.locator(`[data-testid="job-row"][data-job-id="${jobId}"]`)).toBeVisible();
      await page.getByTestId("jobs-state-filter").selectOption("succeeded");
      await expect(page).toHaveURL(/state=succeeded/);
      await expect(page.locator(`[data-testid="job-row"][data-job-id="${jobId}"]`)).toHaveCount(0);

      // Retry runs the same payload again as a new job
      await page.goto(`/jobs/${jobId}`);
      await page.getByTestId("job-retry").click();
      await expect(page).not.toHaveURL(new RegExp(`/jobs/${jobId}$`));
      retried = page.url().split("/jobs/")[1] ?? null;
      expect(retried).toBeTruthy();
      await expect(page.getByTestId("job-detail").getByTestId("job-state")).toHaveText(
        /queued|dispatched|running/,
      );
      await expect(page.getByTestId("job-request")).toContainText("seconds5 min");
    } finally {
      await api.jobs.cancel.mutate({ id: jobId }).catch(() => {});
      if (retried) await api.jobs.cancel.mutate({ id: retried }).catch(() => {});
    }
  });

  test("a job that does not exist says so", async ({ page }) => {
    await page.goto("/jobs/no-such-job");
    await expect(page.getByTestId("error")).toHaveText("JOB_NOT_FOUND: no job no-such-job");
  });
});

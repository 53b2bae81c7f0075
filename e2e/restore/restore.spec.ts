// Restore to time, end to end: marker rows committed at known times around two restore points;
// a click on the timeline between two markers opens the restore dialog with that time (in the
// browser's zone, sent with its offset); the planner's plan shows before anything runs; the
// restore runs live to a ready clone; the test connects to the clone and finds exactly the
// markers committed at or before the target; the clone is destroyed from the clones page.
import pg from "pg";
import { expect, test } from "../support/fixtures";
import {
  CLUSTER,
  insertMarker,
  type Marker,
  primaryClient,
  sleep,
  takeRestorePoint,
  waitProtected,
  waitUntil,
  waitWindowEnd,
} from "../support/protected-cluster";
import { saveScreenshot } from "../support/screenshots";

// a zone with an offset, so that "the time the DBA sees" and UTC differ
test.use({ timezoneId: "Europe/Berlin" });

test("restore to a time between two marker commits, picked on the timeline", async ({
  page,
  signIn,
  api,
  stack,
}, testInfo) => {
  test.setTimeout(240_000);
  await waitProtected(api);

  // markers around two restore points: m1 · A · m2 … m3 · B · m4
  const db = primaryClient(stack);
  await db.connect();
  const markers: Marker[] = [];
  let a: Awaited<ReturnType<typeof takeRestorePoint>>;
  let b: Awaited<ReturnType<typeof takeRestorePoint>>;
  try {
    const base = Number(
      (await db.query<{ n: number }>("SELECT coalesce(max(id), 0)::int AS n FROM marks")).rows[0]!.n,
    );
    markers.push(await insertMarker(db, base + 1));
    await sleep(1200);
    a = await takeRestorePoint(api);
    await sleep(1200);
    markers.push(await insertMarker(db, base + 2));
    await sleep(6000);
    markers.push(await insertMarker(db, base + 3));
    await sleep(1200);
    b = await takeRestorePoint(api);
    markers.push(await insertMarker(db, base + 4));
  } finally {
    await db.end();
  }
  const [m1, m2, m3, m4] = markers as [Marker, Marker, Marker, Marker];
  await waitWindowEnd(api, m4.at);
  const target = Math.round((m2.at + m3.at) / 2);

  await signIn(page);
  await page.goto(`/clusters/${CLUSTER}`);
  const chart = page.getByTestId("timeline-chart");
  await expect(chart.locator(`[data-testid="restore-point-mark"][data-id="${b.id}"]`)).toBeAttached();
  const svg = chart.getByTestId("timeline-svg");
  const geometry = async () => {
    const n = async (a: string) => Number(await svg.getAttribute(a));
    const box = (await svg.boundingBox())!;
    return {
      box,
      from: await n("data-from"),
      to: await n("data-to"),
      left: await n("data-plot-left"),
      width: await n("data-plot-width"),
      laneY: (await n("data-lane-top")) + (await n("data-lane-height")) / 2,
    };
  };
  const xOf = (g: Awaited<ReturnType<typeof geometry>>, t: number) =>
    g.box.x + g.left + ((t - g.from) / (g.to - g.from)) * g.width;

  // the last 15 minutes, then zoom in around the target with the wheel (the view then stays put)
  await chart.getByTestId("timeline-preset-15m").click();
  let g = await geometry();
  await page.mouse.move(xOf(g, target), g.box.y + g.laneY);
  await page.mouse.wheel(0, -400);
  await page.mouse.wheel(0, -400);
  await expect.poll(async () => (await geometry()).to - (await geometry()).from).toBeLessThan(5 * 60_000);
  g = await geometry();
  expect(target).toBeGreaterThan(g.from);
  expect(target).toBeLessThan(g.to);
  const msPerPx = (g.to - g.from) / g.width;
  expect(msPerPx).toBeLessThan(1000); // a pixel is less than a second: the click lands between m2 and m3

  // click on the WAL band at the target
  await page.mouse.click(xOf(g, target), g.box.y + g.laneY);
  const dialog = page.getByTestId("restore-dialog");
  await expect(dialog).toBeVisible();
  const timeInput = dialog.getByTestId("restore-time");
  await expect(timeInput).toHaveValue(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  // shown in the browser's zone, sent with its offset
  await expect(dialog.getByTestId("restore-zone")).toHaveValue("local");
  await expect(dialog.getByTestId("restore-zone").locator("option:checked")).toContainText("Europe/Berlin");
  const iso = (await dialog.getByTestId("restore-time-iso").textContent())!.trim();
  expect(iso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$/);
  const picked = Date.parse(iso);
  expect(Math.abs(picked - target)).toBeLessThan(2000);
  expect(picked).toBeGreaterThan(m2.at);
  expect(picked).toBeLessThan(m3.at);
  await expect(dialog.getByTestId("restore-time-equivalent")).toContainText("UTC");

  // the plan, before anything runs: restore point A, some WAL, the expected time
  const plan = dialog.getByTestId("restore-plan");
  await expect(plan).toHaveAttribute("data-stale", "false");
  await expect(plan.getByTestId("plan-restore-point")).toContainText(a!.lsn);
  await expect(plan.getByTestId("plan-wal-bytes")).toContainText("bytes");
  await expect(plan.getByTestId("plan-expected")).toContainText(/\d\d:\d\d:\d\d/);
  await expect(plan.getByTestId("plan-estimate")).toContainText(/\d+ (ms|s)/);
  expect(await api.clones.list.query({ cluster: CLUSTER })).toHaveLength(0);
  await saveScreenshot(page, testInfo, "restore-dialog", { fullPage: false });

  // Restore: live progress until the clone is ready, then its connection string
  await dialog.getByTestId("restore-submit").click();
  const progress = dialog.getByTestId("restore-progress");
  await expect(progress).toBeVisible();
  const cloneId = (await progress.getByTestId("clone-id").textContent())!.trim();
  await expect(progress).toHaveAttribute("data-state", "ready", { timeout: 180_000 });
  const conn = (await dialog.getByTestId("clone-connection-string").textContent())!.trim();
  expect(conn).toMatch(/^postgresql:\/\//);
  await expect(dialog.getByTestId("clone-reached")).toContainText(/\d\d:\d\d:\d\d/);
  await saveScreenshot(page, testInfo, "restore-ready", { fullPage: false });

  // the clone holds exactly the markers committed at or before the target
  const url = new URL(conn);
  const clone = new pg.Client({
    host: "127.0.0.1",
    port: Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.slice(1) || "postgres",
  });
  // what the primary says was written at or before the target (markers commit within milliseconds)
  const primary = primaryClient(stack);
  await primary.connect();
  const expected = (
    await primary
      .query<{ id: number }>("SELECT id FROM marks WHERE t <= to_timestamp($1::float8 / 1000) ORDER BY id", [
        picked,
      ])
      .finally(() => primary.end())
  ).rows.map((r) => r.id);
  expect(expected.slice(-2)).toEqual([m1.id, m2.id]);
  await clone.connect();
  try {
    const ids = (await clone.query<{ id: number }>("SELECT id FROM marks ORDER BY id")).rows.map((r) => r.id);
    expect(ids).toEqual(expected);
    expect(ids).not.toContain(m3.id);
    expect(ids).not.toContain(m4.id);
    const [{ recovering }] = (
      await clone.query<{ recovering: boolean }>("SELECT pg_is_in_recovery() AS recovering")
    ).rows as [{ recovering: boolean }];
    expect(recovering).toBe(false);
  } finally {
    await clone.end();
  }

  // destroy it from the clones page, after confirming
  await page.keyboard.press("Escape");
  await page.getByTestId("nav-clones").click();
  const row = page.locator(`[data-testid="clone-row"][data-clone="${cloneId}"]`);
  await expect(row.getByTestId("clone-state")).toHaveText("ready");
  await expect(row).toContainText(stack.adminEmail);
  await expect(row).toContainText(CLUSTER);
  await expect(row.getByTestId("clone-target")).toContainText(iso);
  await row.getByTestId("clone-destroy").click();
  const confirm = page.getByTestId("destroy-clone-dialog");
  await expect(confirm).toContainText(cloneId);
  await confirm.getByTestId("destroy-clone-confirm").click();
  await expect(row).toHaveCount(0, { timeout: 60_000 });
  await waitUntil(
    "the clone to be destroyed",
    async () => (await api.clones.get.query({ id: cloneId })).state === "destroyed",
  );
});

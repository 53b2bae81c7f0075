// A viewer reads every page a restore touches — the fleet, the cluster, clones, the jobs list and
// the clone job's page — and the API answers behind them, and finds the clone's superuser
// password nowhere: not in a response body, not in the page.
import { expect, test } from "../support/fixtures";
import { CLUSTER, waitForJob, waitProtected } from "../support/protected-cluster";

test("a viewer finds no secret in any page or API answer", async ({ page, signIn, api }) => {
  test.setTimeout(240_000);
  await waitProtected(api);
  const { cloneId, jobId } = await api.restore.create.mutate({
    cluster: CLUSTER,
    target: { kind: "latest" },
    ttl: "1h",
  });
  try {
    expect((await waitForJob(api, jobId, 180_000)).state).toBe("succeeded");
    // the owner (the admin) sees the password in the connection string: that is the secret to look for
    const conn = (await api.clones.get.query({ id: cloneId })).connectionString;
    const password = decodeURIComponent(/^postgresql:\/\/[^:]+:([^@]+)@/.exec(conn ?? "")?.[1] ?? "");
    expect(password.length).toBeGreaterThanOrEqual(12);

    const viewer = { email: `secrets-viewer-${Date.now()}@example.com`, password: "viewer-password-2" };
    await api.users.create.mutate({ ...viewer, name: "Sam Viewer", role: "viewer" });
    await signIn(page, viewer);
    const bodies: string[] = [];
    page.on("response", async (res) => {
      bodies.push(await res.text().catch(() => ""));
    });

    const visits: Array<[string, string]> = [
      ["/", "cluster-row"],
      [`/clusters/${CLUSTER}`, "restore-point-row"],
      ["/clones", "clone-row"],
      ["/jobs", "job-row"],
      [`/jobs/${jobId}`, "job-detail"],
    ];
    for (const [url, testId] of visits) {
      await page.goto(url);
      await expect(page.getByTestId(testId).first()).toBeVisible();
      expect(await page.content(), url).not.toContain(password);
    }
    await expect(page.getByTestId("job-request")).toContainText("latest");
    await expect(page.getByTestId("job-outcome")).toContainText("Reached LSN");

    // and the procedures themselves, through the console's proxy
    for (const call of [
      `jobs.get?input=${encodeURIComponent(JSON.stringify({ json: { id: jobId } }))}`,
      `jobs.list?input=${encodeURIComponent(JSON.stringify({ json: { limit: 200 } }))}`,
      "clones.list",
      `clones.get?input=${encodeURIComponent(JSON.stringify({ json: { id: cloneId } }))}`,
    ]) {
      const res = await page.request.get(`/api/trpc/${call}`);
      expect(res.ok(), call).toBe(true);
      bodies.push(await res.text());
    }
    expect(bodies.length).toBeGreaterThan(10);
    for (const body of bodies) expect(body).not.toContain(password);
  } finally {
    await api.clones.destroy.mutate({ id: cloneId }).catch(() => {});
  }
});

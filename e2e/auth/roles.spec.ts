// A viewer sees the fleet but none of the buttons that would change it, and the API behind
// the console refuses them anyway.
import { expect, test } from "../support/fixtures";

test.describe("a viewer", () => {
  const viewer = { email: `viewer-${Date.now()}@example.com`, password: "viewer-password-1" };

  test.beforeAll(async ({ api }) => {
    await api.users.create.mutate({
      email: viewer.email,
      name: "Vera Viewer",
      role: "viewer",
      password: viewer.password,
    });
  });

  test("cannot add agents or cancel jobs, in the UI or through the API", async ({
    page,
    signIn,
    api,
    stack,
  }) => {
    await signIn(page, viewer);
    await page.goto("/agents");
    await expect(page.getByTestId("user-role")).toHaveText("viewer");
    await expect(page.getByTestId("agent-row").first()).toBeVisible();
    await expect(page.getByTestId("add-agent")).toHaveCount(0);

    const { jobId } = await api.jobs.create.mutate({
      kind: "diag.sleep",
      agent: stack.agentName,
      payload: { seconds: 30 },
    });
    try {
      await page.goto(`/jobs/${jobId}`);
      await expect(page.getByTestId("job-state")).toHaveText(/queued|dispatched|running/);
      await expect(page.getByTestId("job-cancel")).toHaveCount(0);

      // calling the procedure directly through the console's proxy is refused by the coordinator
      const res = await page.request.post("/api/trpc/jobs.cancel", { data: { json: { id: jobId } } });
      expect(res.status()).toBe(403);
      expect(JSON.stringify(await res.json())).toContain("FORBIDDEN");
      expect((await api.jobs.get.query({ id: jobId })).state).not.toBe("cancelled");
    } finally {
      await api.jobs.cancel.mutate({ id: jobId }).catch(() => {});
    }
  });

  test("cannot obtain a session token through the proxy", async ({ page, signIn }) => {
    await signIn(page, viewer);
    const res = await page.request.post("/api/trpc/auth.signIn", { data: { json: viewer } });
    expect(res.status()).toBe(403);
    expect(await res.text()).not.toContain("tls_");
  });
});

// Notification webhooks: an admin adds one pointing at a receiver this test runs, sees its
// signing secret once, and "Send test" delivers a POST signed with it that the delivery log
// shows as ok; a receiver answering 500 shows as a failed delivery. A viewer sees no webhooks
// and the API behind the console refuses them.
import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "../support/fixtures";
import { saveScreenshot } from "../support/screenshots";

interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A webhook receiver on 127.0.0.1 that records every request; paths under /fail answer 500. */
async function startReceiver() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      received.push({ method: req.method ?? "", path, headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(path.startsWith("/fail") ? 500 : 200, { "content-type": "text/plain" });
      res.end(path.startsWith("/fail") ? "receiver is down" : "ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const sign = (secret: string, body: Buffer) =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

test.describe("notification webhooks", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const stamp = Date.now();
  const ok = `ops-chat-${stamp}`;
  const failing = `pager-${stamp}`;

  test.beforeAll(async () => {
    receiver = await startReceiver();
  });

  test.afterAll(async ({ api }) => {
    // whatever a failed test left behind would otherwise get every later event
    for (const h of await api.webhooks.list.query())
      if (h.name === ok || h.name === failing) await api.webhooks.remove.mutate({ id: h.id });
    await receiver.close();
  });

  test("an admin adds a webhook, sees its secret once, and a test delivery arrives signed", async ({
    page,
    signIn,
    api,
  }, testInfo) => {
    await signIn(page);
    await page.goto("/settings#webhooks");
    const section = page.getByTestId("settings-webhooks");
    const form = section.getByTestId("new-webhook-form");

    // the coordinator's validation, under each field
    await form.getByTestId("new-webhook-url").fill("ftp://files.example.com/drop");
    await form.getByTestId("new-webhook-submit").click();
    await expect(form.getByTestId("field-error-webhook-name")).toBeVisible();
    await expect(form.getByTestId("field-error-webhook-url")).toContainText("http(s) URLs only");
    await expect(form.getByTestId("new-webhook-secret")).toHaveCount(0);

    await form.getByTestId("new-webhook-name").fill(ok);
    await form.getByTestId("new-webhook-url").fill(`${receiver.url}/hooks/tideline`);
    await form.getByTestId("new-webhook-event-job.failed").check();
    await form.getByTestId("new-webhook-event-clone.ready").check();
    await form.getByTestId("new-webhook-submit").click();
    await expect(form.getByTestId("field-error-webhook-url")).toHaveCount(0);
    const shown = form.getByTestId("new-webhook-secret");
    await expect(shown).toContainText("X-Tideline-Signature: sha256=");
    await expect(shown.getByRole("button", { name: "Copy secret" })).toBeVisible();
    const secret = (await shown.getByTestId("new-webhook-secret-value").textContent())!.trim();
    expect(secret.length).toBeGreaterThanOrEqual(24);

    const row = section.locator(`[data-testid="webhook-row"][data-name="${ok}"]`);
    await expect(row.getByTestId("webhook-url")).toHaveText(`${receiver.url}/hooks/tideline`);
    await expect(row.getByTestId("webhook-event")).toHaveText(["job.failed", "clone.ready"]);
    await expect(row.getByTestId("webhook-last-delivery")).toHaveText("none yet");

    await row.getByTestId("webhook-test").click();
    await expect(row.getByTestId("webhook-test-result")).toHaveAttribute("data-ok", "true");
    await expect(row.getByTestId("webhook-test-result")).toHaveText("Delivered: HTTP 200");

    // what the receiver got: a JSON POST, signed with the secret over the exact body
    const got = receiver.received.filter(
      (r) => r.path === "/hooks/tideline" && r.headers["x-tideline-event"] === "test",
    );
    expect(got).toHaveLength(1);
    expect(got[0]!.method).toBe("POST");
    expect(got[0]!.headers["content-type"]).toContain("application/json");
    expect(got[0]!.headers["x-tideline-signature"]).toBe(sign(secret, got[0]!.body));
    expect(JSON.parse(got[0]!.body.toString("utf8"))).toMatchObject({ event: "test" });

    // the delivery log and the last delivery say so too
    await expect(row.getByTestId("webhook-last-delivery")).toContainText("ok · 200");
    await row.getByTestId("webhook-deliveries-toggle").click();
    await expect(row.getByTestId("webhook-deliveries-toggle")).toHaveAttribute("aria-expanded", "true");
    const log = section.getByTestId("webhook-deliveries");
    const delivery = log.locator('[data-testid="webhook-delivery-row"][data-event="test"]');
    await expect(delivery).toHaveCount(1);
    await expect(delivery).toHaveAttribute("data-ok", "true");
    await expect(delivery.getByTestId("webhook-delivery-status")).toHaveText("200");
    await expect(delivery).toContainText("delivered");
    await section.scrollIntoViewIfNeeded();
    await saveScreenshot(page, testInfo, "settings-webhooks", { fullPage: false });

    // the secret is shown once: not after a reload, and not by the API
    await page.reload();
    await expect(row).toBeVisible();
    await expect(page.getByTestId("new-webhook-secret-value")).toHaveCount(0);
    expect(await page.content()).not.toContain(secret);
    expect(JSON.stringify(await api.webhooks.list.query())).not.toContain(secret);
  });

  test("a receiver answering 500 shows as a failed delivery; a webhook is deleted after confirming", async ({
    page,
    signIn,
    api,
  }) => {
    await signIn(page);
    await page.goto("/settings#webhooks");
    const section = page.getByTestId("settings-webhooks");
    const form = section.getByTestId("new-webhook-form");
    await form.getByTestId("new-webhook-name").fill(failing);
    await form.getByTestId("new-webhook-url").fill(`${receiver.url}/fail`);
    await form.getByTestId("new-webhook-submit").click();
    const secret = (await form.getByTestId("new-webhook-secret-value").textContent())!.trim();

    const row = section.locator(`[data-testid="webhook-row"][data-name="${failing}"]`);
    await expect(row.getByTestId("webhook-events")).toHaveText("all events");
    await row.getByTestId("webhook-test").click();
    await expect(row.getByTestId("webhook-test-result")).toHaveAttribute("data-ok", "false");
    await expect(row.getByTestId("webhook-test-result")).toContainText("HTTP 500");
    const got = receiver.received.filter(
      (r) => r.path === "/fail" && r.headers["x-tideline-event"] === "test",
    );
    expect(got).toHaveLength(1);
    expect(got[0]!.headers["x-tideline-signature"]).toBe(sign(secret, got[0]!.body));

    await expect(row.getByTestId("webhook-last-delivery")).toContainText("failed · 500");
    await row.getByTestId("webhook-deliveries-toggle").click();
    const delivery = section
      .getByTestId("webhook-deliveries")
      .locator('[data-testid="webhook-delivery-row"][data-event="test"]');
    await expect(delivery).toHaveCount(1);
    await expect(delivery).toHaveAttribute("data-ok", "false");
    await expect(delivery.getByTestId("webhook-delivery-status")).toHaveText("500");
    await expect(delivery.getByTestId("webhook-delivery-error")).toHaveText("HTTP 500");

    // delete: nothing happens until confirmed; cancelling keeps it
    await row.getByTestId("webhook-delete").click();
    await row.getByTestId("webhook-delete-cancel").click();
    await expect(row).toBeVisible();
    await row.getByTestId("webhook-delete").click();
    await row.getByTestId("webhook-delete-confirm").click();
    await expect(row).toHaveCount(0);
    expect((await api.webhooks.list.query()).map((h) => h.name)).not.toContain(failing);

    // every change is in the audit log
    await page.goto("/settings#audit");
    await page.reload();
    const audit = page.getByTestId("audit-table");
    await expect(
      audit.locator('[data-testid="audit-row"][data-action="webhook.delete"]').first(),
    ).toContainText(failing);
    await expect(
      audit.locator('[data-testid="audit-row"][data-action="webhook.create"]').first(),
    ).toBeVisible();
  });

  test("a viewer sees no webhooks, and the API refuses to create one for them", async ({
    page,
    signIn,
    api,
  }) => {
    const viewer = { email: `viewer-webhooks-${stamp}@example.com`, password: "viewer-password-1" };
    await api.users.create.mutate({ ...viewer, name: "Wes Viewer", role: "viewer" });
    await signIn(page, viewer);
    await page.goto("/settings");
    await expect(page.getByTestId("settings-tokens")).toBeVisible();
    await expect(page.getByTestId("settings-webhooks")).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Notification webhooks" })).toHaveCount(0);

    // straight to the API through the console's proxy: refused by the coordinator
    const name = `viewer-hook-${stamp}`;
    const res = await page.request.post("/api/trpc/webhooks.create", {
      data: { json: { name, url: `${receiver.url}/hooks/viewer` } },
    });
    expect(res.status()).toBe(403);
    expect(JSON.stringify(await res.json())).toContain("FORBIDDEN");
    const list = await page.request.get("/api/trpc/webhooks.list");
    expect(list.status()).toBe(403);
    expect((await api.webhooks.list.query()).map((h) => h.name)).not.toContain(name);
  });
});

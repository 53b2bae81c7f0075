// The agents page: connection state and capabilities of real agents, and adding one with the
// install command the console shows.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { spawnAgent } from "@tideline/testkit";
import { expect, test } from "../support/fixtures";
import { saveScreenshot } from "../support/screenshots";

test.describe("agents", () => {
  test.beforeEach(async ({ page, signIn }) => {
    await signIn(page);
  });

  test("the running agent is listed as connected with its capabilities", async ({
    page,
    stack,
  }, testInfo) => {
    await page.goto("/agents");
    const row = page.locator(`[data-testid="agent-row"][data-agent="${stack.agentName}"]`);
    await expect(row.getByTestId("agent-connection")).toHaveText("connected");
    await expect(row).toContainText(os.hostname());
    await expect(row.getByTestId("agent-pg-versions")).toHaveText(/^\d+(, \d+)*$/);
    await expect(row.getByTestId("agent-zfs")).toHaveText(/^(yes|no|zfs only)$/);
    await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
    await saveScreenshot(page, testInfo, "agents");
    await page.emulateMedia({ colorScheme: "dark" });
    await saveScreenshot(page, testInfo, "agents-dark");
  });

  test("an admin adds an agent: the command shown enrolls a host that then appears connected, live", async ({
    page,
    stack,
    context,
  }, testInfo) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.goto("/agents");
    await page.getByTestId("add-agent").click();
    const dialog = page.getByTestId("add-agent-dialog");
    await expect(dialog).toBeVisible();
    const token = (await dialog.getByTestId("enrollment-token").textContent())?.trim() ?? "";
    expect(token).toMatch(/^tle_\S{16,}$/);
    const command = (await dialog.getByTestId("install-command").textContent())?.trim() ?? "";
    expect(command).toContain(`--enroll-token ${token}`);
    expect(command).toContain(`--coordinator ${stack.coordinatorWsUrl}`);
    expect(command).toMatch(/^pnpm tideline agent run /);
    await saveScreenshot(page, testInfo, "add-agent");

    await dialog.getByTestId("copy-install-command").click();
    await expect(dialog.getByTestId("copy-install-command")).toHaveText("Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(command);
    await dialog.getByTestId("add-agent-close").click();
    await expect(dialog).toBeHidden();

    // run what the console said to run (its arguments, on this machine), and watch the new
    // agent appear on the open page without reloading it
    const args = command.split(/\s+/);
    const arg = (flag: string) => args[args.indexOf(flag) + 1]!;
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "tl-e2e-agent2-"));
    const second = spawnAgent({
      wsUrl: arg("--coordinator"),
      enrollToken: arg("--enroll-token"),
      dataDir,
      name: "e2e-db2",
    });
    try {
      const row = page.locator('[data-testid="agent-row"][data-agent="e2e-db2"]');
      await expect(row.getByTestId("agent-connection")).toHaveText("connected", { timeout: 45_000 });
      await second.kill("SIGTERM");
      await expect(row.getByTestId("agent-connection")).toHaveText("disconnected", { timeout: 30_000 });
      await expect(row).toContainText("last seen");
    } finally {
      await second.kill("SIGKILL");
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

// Playwright drives the console in Debian's Chromium against the real stack that
// support/global-setup.ts starts: inventory PostgreSQL, coordinator, agent, a zfs-fuse pool, a
// PostgreSQL primary, `next start`. Three projects: "setup" protects the primary through the
// console's Add cluster form (from an empty fleet); the specs that need a protected cluster
// ("protected") run after it; the rest ("console") need nothing but the stack.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "@playwright/test";

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  testDir: here,
  projects: [
    { name: "setup", testMatch: /fleet\/add-cluster\.setup\.ts$/ },
    { name: "console", testMatch: /(agents|auth|jobs)\/.*\.spec\.ts$/ },
    {
      name: "protected",
      testMatch: /(fleet|clusters|restore|clones|settings)\/.*\.spec\.ts$/,
      dependencies: ["setup"],
    },
  ],
  outputDir: path.join(here, "artifacts/test-results"),
  globalSetup: path.join(here, "support/global-setup.ts"),
  // one browser at a time: the machine has two cores and the stack shares them
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: [["list"], ["html", { outputFolder: path.join(here, "artifacts/report"), open: "never" }]],
  use: {
    browserName: "chromium",
    viewport: { width: 1280, height: 800 },
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    launchOptions: {
      // `playwright install` cannot download browsers here: use the distribution's Chromium
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
      ],
    },
  },
});

// Screenshots kept as test artifacts: written to e2e/artifacts/<name>.png and attached to the
// Playwright report.
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page, TestInfo } from "@playwright/test";

const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../artifacts");

/** `fullPage: false` for what sits in the viewport (a modal dialog and what is under it). */
export async function saveScreenshot(
  page: Page,
  testInfo: TestInfo,
  name: string,
  opts: { fullPage?: boolean } = {},
): Promise<string> {
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? true });
  await testInfo.attach(name, { path: file, contentType: "image/png" });
  return file;
}

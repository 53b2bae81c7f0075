// The specs' `test`: baseURL points at the console that global setup started; `stack` says
// what runs where; `api` is a typed coordinator client with the admin's API token (for setting
// up what a test needs without clicking); `signIn` gets a page a session the way a browser
// does (POST /api/session sets the httpOnly cookie in the page's context).
import { test as base, expect, type Page } from "@playwright/test";
import { type ApiClient, createApiClient } from "@tideline/client";
import { type Stack, stack } from "./stack";

interface TestFixtures {
  signIn: (page: Page, credentials?: { email: string; password: string }) => Promise<void>;
}
interface WorkerFixtures {
  stack: Stack;
  api: ApiClient;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  stack: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern
    async ({}, use) => {
      await use(stack());
    },
    { scope: "worker" },
  ],
  api: [
    async ({ stack }, use) => {
      await use(createApiClient(stack.coordinatorUrl, stack.adminToken));
    },
    { scope: "worker" },
  ],
  baseURL: async ({ stack }, use) => {
    await use(stack.consoleUrl);
  },
  signIn: async ({ stack }, use) => {
    await use(async (page, credentials) => {
      const res = await page.request.post("/api/session", {
        data: credentials ?? { email: stack.adminEmail, password: stack.adminPassword },
      });
      expect(res.ok(), await res.text()).toBe(true);
    });
  },
});

export { expect };

// Signing in and out of the console, as a DBA would.
import { expect, test } from "../support/fixtures";

test.describe("sign in", () => {
  test("a page without a session goes to the sign-in form", async ({ page }) => {
    await page.goto("/jobs");
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fjobs$/);
    await expect(page.getByTestId("sign-in-form")).toBeVisible();
  });

  test("a wrong password is refused with a readable reason", async ({ page, stack }) => {
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(stack.adminEmail);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("sign-in-error")).toHaveText(/wrong email or password/i);
    await expect(page).toHaveURL(/\/sign-in/);
    // no session was handed out
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === "tl_session")).toBeUndefined();
  });

  test("the coordinator's field errors are shown beside the input", async ({ page }) => {
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill("not-an-email");
    await page.getByLabel("Password").fill("whatever");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByTestId("sign-in-email-error")).toHaveText(/email/i);
    await expect(page.getByTestId("sign-in-error")).toHaveCount(0);
  });

  test("the right password lands on the fleet page; sign out ends the session", async ({ page, stack }) => {
    await page.goto("/sign-in");
    // keyboard only: the form is reachable and submits with Enter
    await page.getByLabel("Email").fill(stack.adminEmail);
    await page.keyboard.press("Tab");
    await page.keyboard.type(stack.adminPassword);
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole("heading", { name: "Fleet" })).toBeVisible();
    await expect(page.getByTestId("user-email")).toHaveText(stack.adminEmail);
    await expect(page.getByTestId("user-role")).toHaveText("admin");

    // the session token lives in an httpOnly cookie that page scripts cannot read
    const cookie = (await page.context().cookies()).find((c) => c.name === "tl_session");
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe("Lax");
    expect(await page.evaluate(() => document.cookie)).not.toContain("tl_session");

    await page.getByTestId("sign-out").click();
    await expect(page).toHaveURL(/\/sign-in/);
    await page.goto("/agents");
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fagents$/);
    // the old token is revoked on the coordinator, not only forgotten by the browser
    const res = await page.request.get("/api/trpc/auth.me", {
      headers: { cookie: `tl_session=${cookie?.value}` },
    });
    expect(res.status()).toBe(401);
  });

  test("after signing in, the page asked for first is shown", async ({ page, stack }) => {
    await page.goto("/agents");
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fagents$/);
    await page.getByLabel("Email").fill(stack.adminEmail);
    await page.getByLabel("Password").fill(stack.adminPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/agents$/);
    await expect(page.getByRole("heading", { name: "Agents" })).toBeVisible();
  });
});

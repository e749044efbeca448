import { demo, expect, signIn, test } from "./fixtures";

test.describe("sign-in", () => {
  for (const [who, email, home] of [
    ["participant", demo.participant, "/me"],
    ["caseworker", demo.caseworker1, "/caseworker"],
    ["PMO", demo.pmo, "/pmo"],
  ] as const) {
    test(`the demo ${who} lands on ${home}`, async ({ page }) => {
      await signIn(page, email, demo.password);
      await expect(page).toHaveURL(new RegExp(`${home}$`));
    });
  }

  test("signs in by phone number, written the way people write it", async ({ page }) => {
    // pendamping1's seeded phone is +6281100000011.
    await signIn(page, "0811-0000-0011", demo.password);
    await expect(page).toHaveURL(/\/caseworker$/);
  });

  test("a wrong password and an unknown account get the same message", async ({ page }) => {
    const messages: string[] = [];
    for (const identifier of [demo.participant, "tidak-ada@pendamping.test"]) {
      await page.goto("/login");
      await page.locator('input[name="identifier"]').fill(identifier);
      await page.locator('input[name="password"]').fill("bukan-kata-sandinya");
      await page.getByRole("button", { name: "Masuk" }).last().click();
      const alert = page.locator("main").getByRole("alert");
      await expect(alert).toBeVisible();
      messages.push(await alert.innerText());
      await expect(page.locator('input[name="identifier"]')).toHaveValue(identifier);
    }
    expect(messages[0]).toBe(messages[1]);
    expect(messages[0]).toContain("salah");
  });

  test("signing out ends the session, and the old cookie no longer works", async ({ page, context }) => {
    await signIn(page, demo.participant, demo.password);
    const cookies = await context.cookies();
    await page.getByRole("button", { name: "Keluar" }).click();
    await page.waitForURL((url) => url.pathname === "/");
    // Replaying the old session cookie is refused: the session version moved on.
    await context.addCookies(cookies);
    await page.goto("/me");
    await expect(page).toHaveURL(/\/login$/);
  });

  test("the language switch is remembered", async ({ page }) => {
    await page.goto("/login");
    await page.getByRole("button", { name: "Switch to English" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign in");
    await page.goto("/register");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Register as a participant");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await page.getByRole("button", { name: "Ganti ke Bahasa Indonesia" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Daftar sebagai peserta");
  });
});

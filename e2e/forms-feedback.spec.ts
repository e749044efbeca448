// Issue 15, "What people tripped on": forms. After a refused submit the error summary at
// the top of the form has the focus and is on screen, with and without JavaScript, and its
// links move to the fields; a ticked consent stays ticked; a password field that comes back
// empty says so; the language switch keeps the page (path, query and, with JavaScript,
// what was typed); the assisted registration's hints speak to the caseworker.
import type { Page } from "@playwright/test";
import { demo, expect, signIn, test } from "./fixtures";
import { fillRegistration, registrationForm, submitRegistration } from "./pages";

test.use({ viewport: { width: 360, height: 740 } });

const summary = (page: Page) => page.locator("[data-error-summary]");

/** The summary after a refusal: focused, on screen, headed "Ada masalah". */
async function expectSummaryFocused(page: Page) {
  await expect(summary(page)).toBeFocused();
  await expect(summary(page)).toBeInViewport();
  await expect(summary(page).getByRole("heading", { name: "Ada masalah" })).toBeVisible();
}

async function switchLanguage(page: Page) {
  await page.locator("header button[lang]").click();
}

async function expectPageKeptAcrossSwitch(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator("html")).toHaveAttribute("lang", "id");
  await switchLanguage(page);
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(path);
  await switchLanguage(page);
  await expect(page.locator("html")).toHaveAttribute("lang", "id");
  expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(path);
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`forms at 360 px, JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("a refused registration: the summary takes the focus, links to the field, keeps the consent and asks for the password again", async ({ page }) => {
      await page.goto("/register");
      await fillRegistration(page, registrationForm({ nik: "123", birthDate: "1990-01-01" }));
      await submitRegistration(page);
      await expectSummaryFocused(page);
      const link = summary(page).getByRole("link", { name: /NIK harus 16 angka/ });
      await expect(link).toHaveAttribute("href", "#f-nik");
      // The field keeps its own message too.
      await expect(page.locator("#f-nik-error")).toHaveText(/NIK harus 16 angka/);
      await link.click();
      await expect(page.locator("#f-nik")).toBeFocused();
      await expect(page.locator('input[name="consent"]')).toBeChecked();
      await expect(page.locator('[name="password"]')).toHaveValue("");
      await expect(page.locator("#f-password-hint")).toContainText("ketik lagi kata sandi Anda");
    });

    test("the summary's link to a checkbox moves to the checkbox", async ({ page }) => {
      await page.goto("/register");
      await fillRegistration(page, registrationForm({ consent: "" }));
      await submitRegistration(page);
      await expectSummaryFocused(page);
      await summary(page).getByRole("link").first().click();
      await expect(page.locator("#f-consent")).toBeFocused();
    });

    test("a refused sign-in: the summary takes the focus and the password field says to type it again", async ({ page }) => {
      await page.goto("/login");
      await page.locator('[name="identifier"]').fill(`nobody-${Date.now()}@pendamping.test`);
      await page.locator('[name="password"]').fill("not-the-password");
      await page.locator("main form").getByRole("button").click();
      await expectSummaryFocused(page);
      await expect(summary(page)).toContainText(/salah|tidak cocok|gagal/i);
      await expect(page.locator("#f-password-hint")).toContainText("ketik lagi kata sandi Anda");
    });

    test("the language switch keeps the path and the query", async ({ page }) => {
      await signIn(page, demo.pmo, demo.password);
      await expectPageKeptAcrossSwitch(page, "/pmo?from=2021-06&to=2021-07");
      await expectPageKeptAcrossSwitch(page, "/pmo/participants?stage=training&page=2");
    });
  });
}

test.describe("forms at 360 px, JavaScript on", () => {
  test("the language switch keeps what was typed into a half-filled form, passwords left out", async ({ page }) => {
    await page.goto("/register");
    await page.locator('[name="fullName"]').fill("Setengah Isi");
    await page.locator('[name="nik"]').fill("3174015790");
    await page.locator('input[name="sex"][value="P"]').check();
    await page.locator('select[name="provinceCode"]').selectOption("31");
    await page.locator('select[name="regencyCode"]').selectOption("3174");
    await page.locator('[name="password"]').fill("rahasia-sekali-2021");
    await page.locator('input[name="consent"]').check();
    // What the page puts aside for the switch: the typing, never the password.
    await page.evaluate(() => {
      const setItem = Storage.prototype.setItem;
      const kept: string[] = ((window as unknown as { kept: string[] }).kept = []);
      Storage.prototype.setItem = function (key: string, value: string) {
        kept.push(value);
        return setItem.call(this, key, value);
      };
    });
    await switchLanguage(page);
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page).toHaveURL(/\/register$/);
    await expect(page.locator('[name="fullName"]')).toHaveValue("Setengah Isi");
    await expect(page.locator('[name="nik"]')).toHaveValue("3174015790");
    await expect(page.locator('input[name="sex"][value="P"]')).toBeChecked();
    await expect(page.locator('select[name="provinceCode"]')).toHaveValue("31");
    await expect(page.locator('select[name="regencyCode"]')).toHaveValue("3174");
    await expect(page.locator('input[name="consent"]')).toBeChecked();
    const kept = await page.evaluate(() => (window as unknown as { kept: string[] }).kept.join("\n"));
    expect(kept).toContain("Setengah Isi");
    expect(kept).not.toContain("rahasia-sekali-2021");
    // Read back once, then gone.
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  test("a refused assisted registration: the summary takes the focus; the hints speak to the caseworker", async ({ page }) => {
    await signIn(page, demo.caseworker1, demo.password);
    await page.goto("/caseworker/register");
    await expect(page.locator("#f-nik-hint")).toHaveText("16 angka di KTP pekerja");
    await expect(page.locator("main")).not.toContainText("KTP Anda");
    await expect(page.locator("#f-countryCode-hint")).toContainText("pekerja");
    await fillRegistration(page, registrationForm({ nik: "123", birthDate: "1990-01-01" }));
    await submitRegistration(page);
    await expectSummaryFocused(page);
    await expect(page.locator('input[name="consent"]')).toBeChecked();
    await switchLanguage(page);
    await expect(page.locator("#f-nik-hint")).toHaveText("The 16 digits on the worker's KTP");
  });
});

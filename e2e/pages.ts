// Page helpers: how a person fills in the app's forms.
import type { Browser, Page } from "@playwright/test";
import { registrationForm } from "../lib/testing/identity";

export { registrationForm };

/** Fills the registration form field by field, as a person would, from CONTRACT.md's names. */
export async function fillRegistration(page: Page, form: Record<string, string>): Promise<void> {
  const text = ["fullName", "nik", "kk", "birthDate", "phone", "email", "address", "sector"];
  for (const name of text) await page.locator(`[name="${name}"]`).fill(form[name] ?? "");
  await page.locator(`input[name="sex"][value="${form.sex}"]`).check();
  await page.locator(`input[name="migrantStatus"][value="${form.migrantStatus}"]`).check();
  await page.locator('select[name="provinceCode"]').selectOption(form.provinceCode);
  await page.locator('select[name="regencyCode"]').selectOption(form.regencyCode);
  await page.locator('select[name="countryCode"]').selectOption(form.countryCode);
  if (form.migrantStatus === "mantan") await page.locator('[name="returnDate"]').fill(form.returnDate ?? "");
  if (await page.locator('[name="password"]').count()) await page.locator('[name="password"]').fill(form.password ?? "");
  if (form.consent === "on") await page.locator('input[name="consent"]').check();
}

export async function submitRegistration(page: Page): Promise<void> {
  await page.locator("form").filter({ has: page.locator('[name="nik"]') }).locator('button[type="submit"]').click();
}

/** The error text shown beside a field (its aria-describedby error element). */
export function fieldError(page: Page, name: string) {
  return page.locator(`#f-${name}-error`);
}

/**
 * A new worker registered through /register in a browser context of their own (so the
 * demo accounts stay as they are), signed in and on /me.
 */
export async function registerNewWorker(browser: Browser, fullName: string, opts: { javaScriptEnabled?: boolean } = {}) {
  const context = await browser.newContext(opts);
  const page = await context.newPage();
  const form = registrationForm({ fullName });
  await page.goto("/register");
  await fillRegistration(page, form);
  await submitRegistration(page);
  await page.waitForURL("**/me");
  return { context, page, form };
}

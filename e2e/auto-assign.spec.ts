import type { Browser, Page } from "@playwright/test";
import { makeNik } from "../lib/testing/identity";
import { demo, expect, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";
import { fillRegistration, registrationForm, submitRegistration } from "./pages";

// The automatic assignment rule (issue 15, docs/decisions/020), on a 360 px phone: the
// PMO switches it on at /pmo/caseworkers (with and without JavaScript), a worker who
// registers themself sees their caseworker on /me at once, and the caseworker finds them
// in the caseload. Specs share one database: the rule is switched off again at the end.

test.use({ viewport: { width: 360, height: 780 } });

/** Letters only (names allow no digits), different on every run: the e2e database is reused. */
const token = () => Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join("");

const ruleSection = (page: Page) => page.locator("section#rule");
const accountOf = (page: Page, name: string) =>
  page.getByRole("list", { name: "Akun pendamping" }).locator(":scope > li", { has: page.getByRole("heading", { name }) });

async function pmoPage(browser: Browser, javaScriptEnabled: boolean) {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 360, height: 780 } });
  const page = await context.newPage();
  await signIn(page, demo.pmo, demo.password);
  await page.goto("/pmo/caseworkers");
  return { context, page };
}

/** Switches the rule to `on` through the form, and checks the answer and the new state. */
async function switchRule(page: Page, on: boolean): Promise<void> {
  const section = ruleSection(page);
  await section.getByRole("button", { name: on ? "Aktifkan penugasan otomatis" : "Matikan penugasan otomatis" }).click();
  await expect(section.getByRole("status")).toHaveText(on ? "Penugasan otomatis sekarang aktif." : "Penugasan otomatis sekarang nonaktif.");
  await expect(section.locator("#rule-state")).toHaveText(on ? "Saat ini: aktif" : "Saat ini: nonaktif");
  await expect(section.getByRole("button", { name: on ? "Matikan penugasan otomatis" : "Aktifkan penugasan otomatis" })).toBeVisible();
}

/** Sets a caseworker's province through their card's form. */
async function setProvince(page: Page, name: string, code: string): Promise<void> {
  const card = accountOf(page, name);
  const select = () => accountOf(page, name).getByRole("combobox", { name: new RegExp(`^Provinsi\\s*: ${name}$`) });
  await select().selectOption(code);
  await card.getByRole("button", { name: `Simpan provinsi: ${name}` }).click();
  // Saved, or (the seed's province already) unchanged: either way the answer names them.
  await expect(accountOf(page, name).getByRole("status")).toContainText(name);
  await expect(select()).toHaveValue(code);
}

test.describe("automatic assignment", () => {
  // Four sign-ins and a registration (its password hash) in one test.
  test.describe.configure({ timeout: 120_000 });

  // Whatever happens in a test, the next spec finds the rule off.
  test.afterAll(async ({ browser }) => {
    const { context, page } = await pmoPage(browser, true);
    const off = ruleSection(page).getByRole("button", { name: "Matikan penugasan otomatis" });
    if (await off.count()) await switchRule(page, false);
    await context.close();
  });

  test("with JavaScript: the PMO switches the rule on; a self-registered worker sees their caseworker on /me; the caseworker finds them", async ({ browser }) => {
    const { context, page } = await pmoPage(browser, true);
    await expect(ruleSection(page).getByRole("heading", { name: "Penugasan otomatis" })).toBeVisible();
    await expect(ruleSection(page).locator("#rule-state")).toHaveText("Saat ini: nonaktif");
    // Andi Prasetyo (pendamping1) is the only caseworker of Jawa Timur.
    await setProvince(page, "Andi Prasetyo", "35");
    await switchRule(page, true);
    await expectNoSeriousA11yViolations(page);

    // A worker of Surabaya registers themself and lands on /me with their caseworker.
    const fullName = `Wulan Otomatis ${token()}`;
    const worker = await browser.newContext({ viewport: { width: 360, height: 780 } });
    const me = await worker.newPage();
    const form = registrationForm({
      fullName,
      provinceCode: "35",
      regencyCode: "3578",
      nik: makeNik({ birthDate: "1990-05-17", sex: "P", regencyCode: "3578" }),
    });
    await me.goto("/register");
    await fillRegistration(me, form);
    await submitRegistration(me);
    await me.waitForURL("**/me");
    await expect(me.getByText("Pendamping Anda: Andi Prasetyo")).toBeVisible();
    await expect(me.getByText(/Belum ada petugas pendamping/)).toHaveCount(0);
    await expectNoSeriousA11yViolations(me);
    await worker.close();

    // The caseworker finds the new participant in their caseload.
    const cw = await browser.newContext({ viewport: { width: 360, height: 780 } });
    const cwPage = await cw.newPage();
    await signIn(cwPage, demo.caseworker1, demo.password);
    await cwPage.goto(`/caseworker?q=${encodeURIComponent(fullName)}`);
    await expect(cwPage.getByRole("link", { name: fullName })).toBeVisible();
    await cw.close();

    // Back to off: the other specs expect self-registrations to wait for the PMO.
    await page.goto("/pmo/caseworkers");
    await switchRule(page, false);
    await context.close();
  });

  test("without JavaScript: the switch and a caseworker's province are plain forms", async ({ browser }) => {
    const { context, page } = await pmoPage(browser, false);
    await expect(ruleSection(page).locator("#rule-state")).toHaveText("Saat ini: nonaktif");
    await setProvince(page, "Sri Mulyani Lestari", "33");
    await switchRule(page, true);
    await switchRule(page, false);
    await context.close();
  });
});

import type { Browser, Page } from "@playwright/test";
import { demo, expect, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";
import { fillRegistration, registrationForm, submitRegistration } from "./pages";

// The PMO's caseworker page: a new caseworker account with a one-time code, its
// activation, a bulk assignment, and disabling the account (which ends its sessions).

const CODE = /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}$/;

/** Letters only (names allow no digits), different on every run: the e2e database is reused. */
const token = () => Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join("");

/** A participant who registered themself, so nobody is assigned to them yet. */
async function selfRegistered(browser: Browser, fullName: string): Promise<void> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/register");
  await fillRegistration(page, registrationForm({ fullName }));
  await submitRegistration(page);
  await page.waitForURL("**/me");
  await context.close();
}

const accounts = (page: Page) => page.getByRole("list", { name: "Akun pendamping" });
const accountOf = (page: Page, name: string) => accounts(page).locator(":scope > li", { has: page.getByRole("heading", { name }) });
const createSection = (page: Page) => page.locator("section", { has: page.getByRole("heading", { name: "Tambah pendamping" }) });
const assignTable = (page: Page) => page.getByRole("table", { name: "Peserta yang bisa ditugaskan" });

async function createCaseworker(page: Page, name: string, email: string): Promise<string> {
  await page.goto("/pmo/caseworkers");
  const form = createSection(page);
  await form.locator('[name="name"]').fill(name);
  await form.locator('[name="email"]').fill(email);
  await form.getByRole("button", { name: "Buat akun pendamping" }).click();
  await expect(form.getByRole("heading", { name: `Akun ${name} sudah dibuat` })).toBeVisible();
  const code = (await form.locator("#activation-code").innerText()).trim();
  expect(code).toMatch(CODE);
  return code;
}

test.describe("caseworker accounts and assignment", () => {
  test("the PMO creates a caseworker who activates, receives two participants at once, and is disabled", async ({ page, browser }) => {
    // Two registrations, an activation, an assignment, axe and a disabling: over a minute on a busy machine.
    test.setTimeout(120_000);
    const run = token();
    const name = `Rina ${run}`;
    const email = `rina.${run}@bp2mi.test`;
    const workers = [`Wati Tugas ${run}`, `Budi Tugas ${run}`];
    for (const worker of workers) await selfRegistered(browser, worker);

    await signIn(page, demo.pmo, demo.password);
    const code = await createCaseworker(page, name, email);
    await expect(accountOf(page, name).getByText("Belum aktivasi")).toBeVisible();

    // The same email again is refused beside the field, with what was typed kept.
    await page.goto("/pmo/caseworkers");
    const form = createSection(page);
    await form.locator('[name="name"]').fill("Nama Lain");
    await form.locator('[name="email"]').fill(email.toUpperCase());
    await form.getByRole("button", { name: "Buat akun pendamping" }).click();
    await expect(form.locator("#f-email-error")).toHaveText(/sudah terdaftar/);
    await expect(form.locator('[name="name"]')).toHaveValue("Nama Lain");
    // The page no longer shows the code it showed once.
    await expect(page.getByText(code)).toHaveCount(0);

    // The caseworker sets a password at /activate and lands on their caseload.
    const cwContext = await browser.newContext();
    const cw = await cwContext.newPage();
    await cw.goto("/activate");
    await cw.locator('[name="identifier"]').fill(email);
    await cw.locator('[name="code"]').fill(code);
    await cw.locator('[name="password"]').fill("sandi-pendamping-baru");
    await cw.locator("form").filter({ has: cw.locator('[name="code"]') }).locator('button[type="submit"]').click();
    await cw.waitForURL("**/caseworker");
    await expect(cw.getByRole("heading", { level: 1 })).toHaveText("Peserta dampingan saya");
    for (const worker of workers) await expect(cw.getByRole("link", { name: worker })).toHaveCount(0);

    // The PMO finds the two among the unassigned (the default list) and assigns both at once.
    await page.goto(`/pmo/caseworkers?q=${run}`);
    await expect(page.getByRole("link", { name: /peserta belum punya pendamping/ })).toBeVisible();
    await expect(page.locator("#assigned")).toHaveValue("unassigned");
    const table = assignTable(page);
    await expect(table.locator("tbody tr")).toHaveCount(2);
    for (const worker of workers) await table.getByLabel(worker).check();
    await page.locator('select[name="caseworkerId"]').selectOption({ label: name });
    await page.getByRole("button", { name: "Simpan penugasan" }).click();
    await expect(page.locator("#assign").getByRole("status")).toHaveText(`2 peserta dipindahkan ke ${name}.`);
    // No longer among the unassigned; the account shows the caseload.
    await expect(page.getByText("Tidak ada peserta yang cocok dengan saringan ini.")).toBeVisible();
    await expect(accountOf(page, name).getByText("2 peserta")).toBeVisible();
    await expect(accountOf(page, name).getByText("Sudah membuat kata sandi")).toBeVisible();

    await cw.goto("/caseworker");
    for (const worker of workers) await expect(cw.getByRole("link", { name: worker })).toBeVisible();

    // Disabling ends the caseworker's open session: the next page load goes to /login.
    await expectNoSeriousA11yViolations(page);
    const account = accountOf(page, name);
    await account.getByRole("button", { name: `Nonaktifkan: ${name}` }).click();
    await expect(account.getByRole("status")).toHaveText(`Akun ${name} dinonaktifkan. Semua sesinya sudah diakhiri.`);
    await expect(account.getByText("Nonaktif", { exact: true })).toBeVisible();
    await expect(account.getByText(/masih punya peserta/)).toBeVisible();

    await cw.goto("/caseworker");
    await expect(cw).toHaveURL(/\/login$/);
    // …and signing in again is refused.
    await cw.locator('input[name="identifier"]').fill(email);
    await cw.locator('input[name="password"]').fill("sandi-pendamping-baru");
    await cw.locator("form").filter({ has: cw.locator('input[name="identifier"]') }).locator('button[type="submit"]').click();
    await expect(cw.getByRole("main").getByRole("alert")).toBeVisible();
    await expect(cw).toHaveURL(/\/login$/);
    await cwContext.close();

    // A disabled caseworker is no target for new assignments.
    await page.goto("/pmo/caseworkers");
    await expect(page.locator('select[name="caseworkerId"] option', { hasText: name })).toHaveCount(0);
    // Enabling again.
    await accountOf(page, name).getByRole("button", { name: `Aktifkan lagi: ${name}` }).click();
    await expect(accountOf(page, name).getByRole("status")).toHaveText(`Akun ${name} aktif lagi.`);
  });

  test("assignment works with JavaScript turned off", async ({ browser }) => {
    const run = token();
    const worker = `Tanpa Skrip ${run}`;
    await selfRegistered(browser, worker);
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, demo.pmo, demo.password);
    await page.goto("/pmo/caseworkers");
    // The filter form posts; the search comes back sealed in the link, never in clear.
    await page.locator("#q").fill(run);
    await page.getByRole("search", { name: "Saring peserta" }).getByRole("button", { name: "Tampilkan" }).click();
    await expect(page).toHaveURL(/[?&]s=/);
    expect(page.url()).not.toContain(run);
    const table = assignTable(page);
    await expect(table.locator("tbody tr")).toHaveCount(1);

    // Nothing ticked: refused, nothing moves.
    await page.locator('select[name="caseworkerId"]').selectOption({ label: "Sri Mulyani Lestari" });
    await page.getByRole("button", { name: "Simpan penugasan" }).click();
    await expect(page.locator("#participantIds-error")).toHaveText("Centang paling sedikit satu peserta.");

    await page.goto(`/pmo/caseworkers?q=${run}`);
    await assignTable(page).getByLabel(worker).check();
    await page.locator('select[name="caseworkerId"]').selectOption({ label: "Sri Mulyani Lestari" });
    await page.getByRole("button", { name: "Simpan penugasan" }).click();
    await expect(page.locator("#assign").getByRole("status")).toHaveText("1 peserta dipindahkan ke Sri Mulyani Lestari.");

    // Now in her caseload, found by the "current caseworker" filter.
    await page.goto(`/pmo/caseworkers?assigned=all&q=${run}`);
    await expect(assignTable(page).locator("tbody tr")).toHaveCount(1);
    await expect(assignTable(page).locator("tbody tr td").last()).toHaveText("Sri Mulyani Lestari");
    await context.close();
  });
});

test.describe("who may open /pmo/caseworkers", () => {
  test("a visitor without a session is sent to /login", async ({ page }) => {
    await page.goto("/pmo/caseworkers");
    await expect(page).toHaveURL(/\/login$/);
  });

  for (const who of [
    { role: "caseworker", email: demo.caseworker1 },
    { role: "participant", email: demo.participant },
  ] as const) {
    test(`a ${who.role} gets 403 and none of the data`, async ({ page }) => {
      await signIn(page, who.email, demo.password);
      const response = await page.goto("/pmo/caseworkers");
      expect(response?.status()).toBe(403);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Anda tidak punya akses ke halaman ini");
      const html = await page.content();
      expect(html).not.toContain(demo.caseworker2);
      expect(html).not.toMatch(/\d{4}••••••••\d{4}/);
      await expect(page.locator('[name="participantIds"]')).toHaveCount(0);
    });
  }
});

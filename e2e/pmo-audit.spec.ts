import type { Locator, Page } from "@playwright/test";
import { demo, expect, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";
import { fillRegistration, registrationForm, submitRegistration } from "./pages";

// The audit log: the PMO's own steps (a new caseworker, disabling it, an assignment) are
// found again by action, record and date, newest first, without JavaScript if need be.

const token = () => Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join("");
const jakartaToday = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Jakarta" }).format(new Date());

const logTable = (page: Page) => page.getByRole("list", { name: "Kejadian di log audit, terbaru dulu" });
// Each event is a sentence; its raw record (action, record, before, after) sits in a <details>.
const part = (row: Locator, name: string) => row.locator(`[data-part="${name}"]`).first();

async function filterBy(page: Page, fields: { action?: string; record?: string; from?: string; to?: string; actor?: string }) {
  await page.goto("/pmo/audit");
  if (fields.action) await page.locator("#action").selectOption(fields.action);
  if (fields.record) await page.locator("#record").fill(fields.record);
  // The actor is chosen by name from the staff list (the URL carries their id).
  if (fields.actor) await page.locator("#actorId").selectOption({ label: fields.actor });
  if (fields.from) await page.locator("#from").fill(fields.from);
  if (fields.to) await page.locator("#to").fill(fields.to);
  await page.getByRole("search", { name: "Saring log" }).getByRole("button", { name: "Tampilkan" }).click();
  await page.waitForURL(/\/pmo\/audit\?/);
}

test("the PMO finds its own steps in the audit log by action, record and date", async ({ page, browser }) => {
  const run = token();
  const name = `Audit ${run}`;
  const email = `audit.${run}@bp2mi.test`;
  const worker = `Peserta Audit ${run}`;

  // A participant who registered themself (unassigned).
  const other = await browser.newContext();
  const p = await other.newPage();
  await p.goto("/register");
  await fillRegistration(p, registrationForm({ fullName: worker }));
  await submitRegistration(p);
  await p.waitForURL("**/me");
  await other.close();

  await signIn(page, demo.pmo, demo.password);
  await page.goto("/pmo/caseworkers");
  const create = page.locator("section", { has: page.getByRole("heading", { name: "Tambah pendamping" }) });
  await create.locator('[name="name"]').fill(name);
  await create.locator('[name="email"]').fill(email);
  await create.getByRole("button", { name: "Buat akun pendamping" }).click();
  await expect(create.locator("#activation-code")).toBeVisible();

  await page.goto(`/pmo/caseworkers?q=${run}`);
  await page.getByRole("table", { name: "Peserta yang bisa ditugaskan" }).getByLabel(worker).check();
  await page.locator('select[name="caseworkerId"]').selectOption({ label: name });
  await page.getByRole("button", { name: "Simpan penugasan" }).click();
  await expect(page.locator("#assign").getByRole("status")).toHaveText(`1 peserta dipindahkan ke ${name}.`);
  await page.getByRole("button", { name: `Nonaktifkan: ${name}` }).click();
  await expect(page.getByText(`Akun ${name} dinonaktifkan.`, { exact: false })).toBeVisible();

  // By action: the new account, with who did it and the values after.
  await filterBy(page, { action: "caseworker.create" });
  await expect(page.locator("#action")).toHaveValue("caseworker.create");
  const created = logTable(page).locator("li[data-event-id]", { hasText: email });
  await expect(created).toHaveCount(1);
  await expect(created.locator("[data-sentence]")).toHaveText(`Ratna Kusumawati membuat akun pendamping untuk ${name}`);
  await expect(created).toContainText("PMO");
  await expect(part(created, "action")).toHaveText("caseworker.create");
  await expect(part(created, "after")).toContainText(`name:${name}`);
  await expect(part(created, "before")).toHaveText("—");
  const userId = (await part(created, "record").locator(".font-mono").textContent())!.trim();
  expect(userId).toMatch(/^[0-9a-f-]{36}$/);
  // Every row of the page is that action.
  const actions = await logTable(page).locator("li[data-event-id]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action")));
  expect(new Set(actions)).toEqual(new Set(["caseworker.create"]));

  // By record: the account's whole history, newest first.
  await filterBy(page, { record: userId });
  await expect(logTable(page).locator("li[data-event-id]")).toHaveCount(3);
  expect(await logTable(page).locator("li[data-event-id]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action")))).toEqual([
    "caseworker.disable",
    "activation_code.issue",
    "caseworker.create",
  ]);
  const disabled = logTable(page).locator("li[data-event-id]").first();
  await expect(part(disabled, "before")).toContainText("disabledAt:—");
  await expect(part(disabled, "after")).toContainText(/disabledAt:\d{4}-\d{2}-\d{2}T/);

  // By action, actor and today's date: the assignment, linking to the participant; the
  // actor travels in the URL as an id, no part of an email.
  await filterBy(page, { action: "participant.assign", actor: `Ratna Kusumawati (${demo.pmo})`, from: jakartaToday(), to: jakartaToday() });
  expect(new URL(page.url()).searchParams.get("actorId")).toMatch(/^[0-9a-f-]{36}$/);
  expect(decodeURIComponent(page.url())).not.toContain("@");
  const assigned = logTable(page).locator("li[data-event-id]", { hasText: name }).first();
  await expect(assigned.locator("[data-sentence]")).toHaveText(`Ratna Kusumawati menugaskan ${worker} kepada ${name}`);
  await expect(part(assigned, "before")).toContainText("caseworkerId:—");
  await expect(part(assigned, "after")).toContainText(`caseworkerName:${name}`);
  await assigned.locator("summary").click();
  await expect(part(assigned, "record").getByRole("link")).toHaveAttribute("href", /^\/pmo\/participants\/[0-9a-f-]{36}$/);
  await expectNoSeriousA11yViolations(page);

  // A day with nothing in it.
  await filterBy(page, { action: "caseworker.create", from: "2000-01-01", to: "2000-01-02" });
  await expect(page.getByText("Tidak ada kejadian yang cocok dengan saringan ini.")).toBeVisible();
});

test("the audit log filters without JavaScript, and pages", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, demo.pmo, demo.password);
  await filterBy(page, { action: "auth.sign_in" });
  await expect(page).toHaveURL(/action=auth\.sign_in/);
  const rows = logTable(page).locator("li[data-event-id]");
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeLessThanOrEqual(50);
  const next = page.getByRole("navigation", { name: "Halaman log audit" }).getByRole("link", { name: "Lebih lama" });
  if (await next.count()) {
    await next.click();
    await expect(page).toHaveURL(/page=2/);
    await expect(page.locator("#action")).toHaveValue("auth.sign_in");
  }
  await context.close();
});

test.describe("who may open /pmo/audit", () => {
  test("a visitor without a session is sent to /login", async ({ page }) => {
    await page.goto("/pmo/audit");
    await expect(page).toHaveURL(/\/login$/);
  });

  test("a caseworker gets 403 and none of the log", async ({ page }) => {
    await signIn(page, demo.caseworker1, demo.password);
    const response = await page.goto("/pmo/audit?action=auth.sign_in");
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Anda tidak punya akses ke halaman ini");
    const html = await page.content();
    expect(html).not.toContain("auth.sign_in</");
    expect(html).not.toContain(demo.pmo);
  });
});

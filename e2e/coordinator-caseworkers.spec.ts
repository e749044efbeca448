import type { Browser, Page } from "@playwright/test";
import { demo, expect, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";
import { fillRegistration, registrationForm, submitRegistration } from "./pages";

// Issue 19, the management side (docs/decisions/030): koordinator1 (East Java, province
// 35) sees only the caseworkers of East Java with their caseloads, creates one, disables
// and enables them, assigns and reassigns a participant of East Java among East Java's
// caseworkers, and answers the help queue of East Java's participants without a
// caseworker; Central Java's caseworker, participant and question stay out of sight.

/** Letters only (names allow no digits), different on every run: the e2e database is reused. */
const token = () => Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join("");

/** A worker registers themself in the province (nobody is assigned: the rule is off) and asks for help. */
async function waitingWithQuestion(browser: Browser, fullName: string, place: { provinceCode: string; regencyCode: string }, question: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/register");
  await fillRegistration(page, registrationForm({ fullName, ...place }));
  await submitRegistration(page);
  await page.waitForURL("**/me");
  await page.goto("/me/help");
  await page.locator('select[name="topic"]').selectOption("other");
  await page.locator('textarea[name="message"]').fill(question);
  await page.getByRole("button", { name: "Kirim pertanyaan" }).click();
  await expect(page.getByRole("status")).toContainText("Pertanyaan Anda terkirim");
  return { context, page };
}

const accounts = (page: Page) => page.getByRole("list", { name: "Akun pendamping" });
const accountOf = (page: Page, name: string) => accounts(page).locator(":scope > li", { has: page.getByRole("heading", { name }) });
const createSection = (page: Page) => page.locator("section", { has: page.getByRole("heading", { name: "Tambah pendamping" }) });
const assignTable = (page: Page) => page.getByRole("table", { name: "Peserta yang bisa ditugaskan" });

async function createCaseworker(page: Page, name: string, email: string): Promise<void> {
  await page.goto("/pmo/caseworkers");
  const form = createSection(page);
  // Only the coordinator's own province, and no "none".
  await expect(form.locator('select[name="provinceCode"] option')).toHaveText(["Jawa Timur"]);
  await form.locator('[name="name"]').fill(name);
  await form.locator('[name="email"]').fill(email);
  await form.getByRole("button", { name: "Buat akun pendamping" }).click();
  await expect(form.getByRole("heading", { name: `Akun ${name} sudah dibuat` })).toBeVisible();
  await expect(form.locator("#activation-code")).toBeVisible();
}

/** Ticks the participant in the assignment list (searched by name) and moves them to the caseworker. */
async function assign(page: Page, worker: string, to: string, assigned: "unassigned" | "all") {
  // A clear search is sealed into the link by a redirect (lib/crypto/search-seal.ts).
  await page.goto(`/pmo/caseworkers?assigned=${assigned}&q=${encodeURIComponent(worker)}`);
  await page.waitForLoadState("networkidle");
  const table = assignTable(page);
  await expect(table.locator("tbody tr")).toHaveCount(1);
  // Ticked once the page's script has taken over the box (a tick before that is lost).
  const box = table.getByLabel(worker);
  await expect(async () => {
    await box.check();
    await expect(box).toBeChecked({ timeout: 1_000 });
  }).toPass();
  await page.locator('select[name="caseworkerId"]').selectOption({ label: to });
  await page.getByRole("button", { name: "Simpan penugasan" }).click();
  await expect(page.locator("#assign").getByRole("status")).toHaveText(`1 peserta dipindahkan ke ${to}.`);
}

test("a regional coordinator manages the caseworkers, assignments and help queue of their region only", async ({ page, browser }) => {
  // Two registrations, two accounts, moves, axe and an answer: well over a minute on a busy machine.
  test.setTimeout(180_000);
  const run = token();
  const east = `Wati Timur ${run}`;
  const central = `Budi Tengah ${run}`;
  const eastWorker = await waitingWithQuestion(browser, east, { provinceCode: "35", regencyCode: "3578" }, `Kapan saya dihubungi ${run}?`);
  const centralWorker = await waitingWithQuestion(browser, central, { provinceCode: "33", regencyCode: "3374" }, `Siapa pendamping saya ${run}?`);
  await centralWorker.context.close();

  await signIn(page, demo.coordinator1, demo.password);
  // The menu offers the pages a coordinator now manages.
  const nav = page.getByRole("navigation", { name: "Menu PMO" });
  await expect(nav.getByRole("link", { name: "Pendamping", exact: true })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Pertanyaan peserta" })).toBeVisible();

  // Only East Java's caseworker (pendamping1), with a caseload; not Central Java's (pendamping2).
  await page.goto("/pmo/caseworkers");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Pendamping");
  await expect(accountOf(page, "Andi Prasetyo").getByText(/\d+ peserta/).first()).toBeVisible();
  await expect(accountOf(page, "Sri Mulyani Lestari")).toHaveCount(0);
  await expect(page.getByText("pendamping2@pendamping.test")).toHaveCount(0);
  // The automatic assignment rule stays the PMO's.
  await expect(page.getByRole("heading", { name: "Penugasan otomatis" })).toHaveCount(0);
  // The assignment list holds East Java's waiting worker, not Central Java's.
  await expect(assignTable(page).getByText(east)).toBeVisible();
  await expect(assignTable(page).getByText(central)).toHaveCount(0);

  // Two new caseworkers of East Java.
  const rina = `Rina ${run}`;
  const sari = `Sari ${run}`;
  await createCaseworker(page, rina, `rina.${run}@bp2mi.test`);
  await createCaseworker(page, sari, `sari.${run}@bp2mi.test`);
  await page.goto("/pmo/caseworkers");
  await expect(accountOf(page, rina).getByText("Belum aktivasi")).toBeVisible();

  // Disabled, then enabled again.
  const account = accountOf(page, rina);
  await account.getByRole("button", { name: `Nonaktifkan: ${rina}` }).click();
  await expect(account.getByRole("status")).toHaveText(`Akun ${rina} dinonaktifkan. Semua sesinya sudah diakhiri.`);
  await expect(account.getByText("Nonaktif", { exact: true })).toBeVisible();
  await accountOf(page, rina).getByRole("button", { name: `Aktifkan lagi: ${rina}` }).click();
  await expect(accountOf(page, rina).getByRole("status")).toHaveText(`Akun ${rina} aktif lagi.`);

  // The help queue: East Java's question only. The coordinator answers it.
  await page.goto("/pmo/help");
  const item = page.locator("li[data-request]", { hasText: east });
  await expect(item.getByText(`Kapan saya dihubungi ${run}?`)).toBeVisible();
  await expect(page.locator("li[data-request]", { hasText: central })).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);
  await item.locator("textarea").fill("Pendamping Jawa Timur akan menghubungi Anda minggu ini.");
  await item.getByRole("button", { name: "Kirim jawaban" }).click();
  await expect(page.getByRole("status")).toHaveText("Jawaban terkirim.");
  await expect(page.locator("li[data-request]", { hasText: east })).toHaveCount(0);
  await eastWorker.page.goto("/me/help");
  await expect(eastWorker.page.getByText("Pendamping Jawa Timur akan menghubungi Anda minggu ini.")).toBeVisible();
  await eastWorker.context.close();

  // Assigned to one East Java caseworker, then moved to another; the caseloads follow.
  await assign(page, east, rina, "unassigned");
  await expect(accountOf(page, rina).getByText("1 peserta")).toBeVisible();
  await assign(page, east, sari, "all");
  await expect(accountOf(page, sari).getByText("1 peserta")).toBeVisible();
  await expect(accountOf(page, rina).getByText("Belum ada peserta")).toBeVisible();
  // Central Java's caseworker is no target.
  await expect(page.locator('select[name="caseworkerId"] option', { hasText: "Sri Mulyani Lestari" })).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);
});

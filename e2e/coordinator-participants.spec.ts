import { readFile } from "node:fs/promises";
import type { Browser, Page } from "@playwright/test";
import { parse } from "csv-parse/sync";
import { demo, expect, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";

// Issue 19, a regional coordinator's reads (docs/decisions/029-coordinator-reads.md):
// koordinator1 works for East Java (province 35). They see that province's participants
// only, open a read-only case file with the NIK masked, download a masked export of their
// participants, find their reading in their audit log, and are refused (404, nothing
// written) a Central Java participant opened by URL.

const table = (page: Page) => page.locator("main table");

/** A page signed in as the PMO, in its own context. */
async function pmoPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, demo.pmo, demo.password);
  return page;
}

/** The newest audit event's id, as the PMO reads the whole log. */
async function newestAuditEvent(page: Page): Promise<string | null> {
  await page.goto("/pmo/audit");
  return page.locator("[data-event-id]").first().getAttribute("data-event-id");
}

/** The first participant of a province in the PMO's list: their file's path. */
async function participantOf(page: Page, provinceCode: string): Promise<string> {
  await page.goto(`/pmo/participants?provinceCode=${provinceCode}`);
  return (await table(page).locator("tbody tr a").first().getAttribute("href"))!;
}

test("a coordinator lists, opens and exports their region's participants only", async ({ page }) => {
  await signIn(page, demo.coordinator1, demo.password);
  await page.goto("/pmo");
  const nav = page.getByRole("navigation", { name: "Menu PMO" });
  await expect(nav.getByRole("link", { name: "Peserta", exact: true })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Log audit" })).toBeVisible();

  await page.goto("/pmo/participants");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Peserta wilayah Anda");
  // The province filter offers their region's province only.
  const choices = await page.getByLabel("Provinsi", { exact: true }).locator("option").allInnerTexts();
  expect(choices.map((c) => c.trim())).toEqual(["Semua provinsi wilayah Anda", "Jawa Timur"]);
  const rows = table(page).locator("tbody tr");
  expect(await rows.count()).toBeGreaterThan(0);
  for (const row of await rows.all()) {
    await expect(row.locator("td").nth(1)).toHaveText(/^•{12}\d{4}$/);
    await expect(row.locator("td").nth(4)).toHaveText("Jawa Timur");
  }
  await expectNoSeriousA11yViolations(page);

  // The masked export, read back: East Java's participants, as many as the list counts.
  const names = (await rows.locator("td:first-child").allInnerTexts()).map((n) => n.trim());
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Unduh CSV (NIK disamarkan)" }).click()]);
  const bytes = await readFile((await download.path())!);
  const records: Record<string, string>[] = parse(bytes.subarray(3).toString("utf8"), { columns: true });
  expect(records.length).toBeGreaterThanOrEqual(names.length);
  expect(records.map((r) => r.nama_lengkap)).toEqual(expect.arrayContaining(names));
  for (const r of records) {
    expect(r.kode_provinsi).toBe("35");
    expect(r.nik).toMatch(/^•{12}\d{4}$/);
  }

  // A read-only case file: NIK, KK and phone masked, no address, no form.
  const link = rows.first().getByRole("link");
  const name = (await link.innerText()).trim();
  await link.click();
  await page.waitForURL(/\/pmo\/participants\/[0-9a-f-]{36}$/);
  const id = page.url().split("/").pop()!;
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  const identity = page.locator("section", { has: page.getByRole("heading", { name: "Data diri" }) });
  await expect(identity.getByText("NIK, KK dan nomor HP disamarkan")).toBeVisible();
  await expect(identity.locator("dd").first()).toHaveText(/^•{12}\d{4}$/);
  expect(await page.locator("main").innerText()).not.toMatch(/\d{16}/);
  const contact = page.locator("section", { has: page.getByRole("heading", { name: "Kontak" }) });
  await expect(contact.getByText("Tidak ditampilkan")).toBeVisible();
  await expect(page.locator("main form")).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);

  // Their reading and their export are in their audit log.
  await page.goto("/pmo/audit");
  await expect(page.locator("[data-event-id]").first()).toHaveAttribute("data-action", "participant.view");
  await expect(page.locator("[data-event-id]").first()).toContainText(name);
  await expect(page.locator('[data-action="participant.export"]').first()).toBeVisible();
  await page.goto(`/pmo/audit?record=${id}`);
  await expect(page.locator("[data-event-id]").first()).toContainText(name);
  await expectNoSeriousA11yViolations(page);
});

test("a coordinator is refused another region's participant by URL (404) and nothing is written", async ({ page, browser }) => {
  const pmo = await pmoPage(browser);
  const central = await participantOf(pmo, "33");
  const jakarta = await participantOf(pmo, "31");
  // Signed in first: the sign-in is an audit event of its own.
  await signIn(page, demo.coordinator1, demo.password);
  const before = await newestAuditEvent(pmo);

  for (const path of [central, jakarta]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    expect(await page.content(), path).not.toMatch(/•{8}\d{4}|\d{16}/);
  }
  // Nor do the list, the export or the audit log hold them.
  await page.goto("/pmo/participants?provinceCode=33");
  await expect(table(page)).toHaveCount(0);
  const exported = await page.context().request.get("/pmo/participants/export?provinceCode=33");
  expect(exported.status()).toBe(200);
  const lines = (await exported.text()).trim().split(/\r\n/);
  expect(lines).toHaveLength(1);
  await page.goto(`/pmo/audit?record=${central.split("/").pop()}`);
  await expect(page.locator("[data-event-id]")).toHaveCount(0);

  // The export of province 33 asked for wrote its own event (an empty export); nothing else.
  await pmo.goto("/pmo/audit");
  const after = await pmo.locator("[data-event-id]").evaluateAll((items) => items.map((i) => [i.getAttribute("data-event-id"), i.getAttribute("data-action")]));
  const newer = after.slice(0, after.findIndex(([eventId]) => eventId === before));
  expect(newer.map(([, action]) => action)).toEqual(["participant.export"]);
  await pmo.context().close();
});

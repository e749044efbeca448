import type { Browser, Page } from "@playwright/test";
import ExcelJS from "exceljs";
import { readFile } from "node:fs/promises";
import { demo, expect, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";
import { registerNewWorker } from "./pages";

// Issue 15, "what people tripped on", on a phone's width (360 px): the audit log reads as
// sentences with the raw record one click away; the participant list downloads as Excel;
// /me/data's withdrawal and deletion look like what they are and ask first, and the data
// reads as a page; the demo's June and July sit near their targets. Forms with JavaScript
// on and off.

test.use({ viewport: { width: 360, height: 780 } });

const token = () => Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join("");

async function pmoPage(browser: Browser, javaScriptEnabled = true): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 360, height: 780 } });
  const page = await context.newPage();
  await signIn(page, demo.pmo, demo.password);
  return page;
}

async function workbookOf(path: string) {
  const workbook = new ExcelJS.Workbook();
  const bytes = await readFile(path);
  await workbook.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  const header = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
  const column = (label: string) => header.indexOf(label) + 1;
  return { sheet, header, column };
}

test("the audit log tells assignments as a sentence, the raw record one click away (JavaScript off)", async ({ browser }) => {
  const run = token();
  const caseworker = `Pendamping Kalimat ${run}`;
  // Two new workers, so that the demo's own participants stay as they are.
  const workers = [`Kalimat Satu ${run}`, `Kalimat Dua ${run}`];
  for (const name of workers) (await registerNewWorker(browser, name)).context.close();

  for (const javaScriptEnabled of [true, false]) {
    const page = await pmoPage(browser, javaScriptEnabled);
    if (javaScriptEnabled) {
      // A caseworker of this run, and both workers assigned to them in one go.
      await page.goto("/pmo/caseworkers");
      const create = page.locator("section", { has: page.getByRole("heading", { name: "Tambah pendamping" }) });
      await create.locator('[name="name"]').fill(caseworker);
      await create.locator('[name="email"]').fill(`kalimat.${run}@bp2mi.test`);
      await create.getByRole("button", { name: "Buat akun pendamping" }).click();
      await expect(create.locator("#activation-code")).toBeVisible();
      await page.goto(`/pmo/caseworkers?q=${run}`);
      const table = page.getByRole("table", { name: "Peserta yang bisa ditugaskan" });
      for (const name of workers) await table.getByLabel(name).check();
      await page.locator('select[name="caseworkerId"]').selectOption({ label: caseworker });
      await page.getByRole("button", { name: "Simpan penugasan" }).click();
      await expect(page.locator("#assign").getByRole("status")).toContainText(caseworker);
    }

    await page.goto("/pmo/audit?action=participant.assign");
    const row = page.locator("li[data-event-id]", { hasText: caseworker }).first();
    await expect(row.locator("[data-sentence]")).toHaveText(`Ratna Kusumawati menugaskan 2 peserta kepada ${caseworker}`);
    // No codes or raw keys in what one reads first.
    await expect(row.locator("[data-sentence]")).not.toContainText("participant.assign");
    const action = row.locator('[data-part="action"]').first();
    await expect(action).toBeHidden();
    await row.locator("summary").click();
    await expect(action).toBeVisible();
    await expect(action).toHaveText("participant.assign");
    await expect(row.locator('[data-part="after"]').first()).toContainText(`caseworkerName:${caseworker}`);
    await expect(row.locator("[data-raw-event]")).toHaveCount(2);

    // The demo's own events read as sentences too.
    await page.goto("/pmo/audit?action=demo.seed");
    await expect(page.locator("[data-sentence]").first()).toHaveText("Data demo dimuat");
    if (javaScriptEnabled) await expectNoSeriousA11yViolations(page);
    await page.context().close();
  }
});

test("the participant list downloads as Excel: labels, dates as dates, NIK and phone as text", async ({ browser }) => {
  const page = await pmoPage(browser);
  await page.goto("/pmo/participants?stage=training");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Unduh Excel (NIK disamarkan)" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^peserta-\d{8}\.xlsx$/);
  const { sheet, header, column } = await workbookOf((await download.path())!);
  expect(header.slice(0, 5)).toEqual(["Nama lengkap", "NIK", "Jenis kelamin", "Tanggal lahir", "Nomor HP"]);
  expect(sheet.rowCount).toBeGreaterThan(1);
  const first = sheet.getRow(2);
  expect(first.getCell(column("Tahap")).value).toBe("Pelatihan");
  expect(first.getCell(column("NIK")).type).toBe(ExcelJS.ValueType.String);
  expect(String(first.getCell(column("NIK")).value)).not.toMatch(/^\d{16}$/);
  expect(first.getCell(column("Nomor HP")).type).toBe(ExcelJS.ValueType.String);
  expect(first.getCell(column("Tanggal lahir")).value).toBeInstanceOf(Date);
  expect(first.getCell(column("Tanggal daftar")).value).toBeInstanceOf(Date);
  expect(["Daftar sendiri", "Didaftarkan pendamping", "Impor data karantina"]).toContain(first.getCell(column("Cara daftar")).value);
  await page.context().close();
});

test("the Excel download with whole NIKs posts a purpose, without JavaScript too", async ({ browser }) => {
  for (const javaScriptEnabled of [true, false]) {
    const page = await pmoPage(browser, javaScriptEnabled);
    await page.goto("/pmo/participants?stage=lms");
    await page.locator("#full-export").locator('[name="purpose"]').fill("Pencocokan dengan data BP2MI untuk laporan bulanan");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Unduh Excel dengan NIK lengkap" }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const { sheet, column } = await workbookOf((await download.path())!);
    const nik = sheet.getRow(2).getCell(column("NIK"));
    expect(nik.type).toBe(ExcelJS.ValueType.String);
    expect(String(nik.value)).toMatch(/^\d{16}$/);
    expect(sheet.getRow(2).getCell(column("Tahap")).value).toBe("Belajar di LMS");
    await page.context().close();
  }
});

test("/me/data: withdrawal and deletion are secondary and ask first; the data reads as a page", async ({ browser }) => {
  for (const javaScriptEnabled of [true, false]) {
    const { context, page, form } = await registerNewWorker(browser, `Data Terbaca ${token()}`, { javaScriptEnabled });
    await page.setViewportSize({ width: 360, height: 780 });
    await page.goto("/me/data");

    // The download is the filled, primary button; the other two are not.
    const download = page.getByRole("link", { name: /Unduh data saya/ });
    const primary = await download.evaluate((el) => getComputedStyle(el).backgroundColor);
    for (const name of ["Tarik persetujuan saya", "Kirim permintaan penghapusan"]) {
      const button = page.getByRole("button", { name });
      const background = await button.evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(background, name).not.toBe(primary);
      expect(background, name).toBe("rgb(255, 255, 255)");
    }

    // Asking first: without the tick nothing is sent, and the page says why.
    const withdrawal = page.locator('form[data-form="consent_withdrawal"]');
    await withdrawal.getByRole("button", { name: "Tarik persetujuan saya" }).click();
    await expect(withdrawal.locator("#withdraw-confirm-error")).toBeVisible();
    await expect(page.locator('[data-consent="withdrawn"]')).toHaveCount(0);
    const deletion = page.locator('form[data-form="deletion"]');
    await deletion.getByRole("button", { name: "Kirim permintaan penghapusan" }).click();
    await expect(deletion.locator("#delete-confirm-error")).toBeVisible();
    await expect(page.locator('[data-open="deletion"]')).toHaveCount(0);

    // The data as a page to read on the phone.
    await page.getByRole("link", { name: "Baca data saya di halaman ini" }).click();
    await page.waitForURL("**/me/data/view");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Data saya");
    await expect(page.locator('[data-section="person-h"]')).toContainText(form.fullName);
    await expect(page.locator('[data-field="nik"]')).toHaveText(form.nik);
    await expect(page.locator('[data-section="processing-h"]')).toContainText("mendaftarkan Anda");
    // Reading it is audited like the download, and shows in the list of who processed the data.
    await page.reload();
    await expect(page.locator('[data-section="processing-h"]')).toContainText("membuka semua data pribadinya");
    if (javaScriptEnabled) await expectNoSeriousA11yViolations(page);
    await context.close();
  }
});

test("the demo's June and July 2021 sit near their targets", async ({ browser }) => {
  const page = await pmoPage(browser);
  await page.goto("/pmo?from=2021-06&to=2021-07");
  for (const month of ["2021-06", "2021-07"]) {
    const percent = Number((await page.locator(`tr[data-month="${month}"] td`).nth(2).innerText()).replace(/[^\d]/g, ""));
    expect(percent, month).toBeGreaterThanOrEqual(90);
    expect(percent, month).toBeLessThanOrEqual(110);
  }
  await page.context().close();
});

import type { Browser, Page } from "@playwright/test";
import ExcelJS from "exceljs";
import { readFile } from "node:fs/promises";
import { extractText, getDocumentProxy } from "unpdf";
import { demo, expect, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";

// The monthly report (/pmo/reports): the PMO picks a month and filters, downloads the
// report as Excel and as PDF, and every figure read back from the files equals what the
// dashboard (/pmo) shows for the same month and filters; at 1280 and 360 px, and without
// JavaScript. A caseworker gets 403 on the page and both downloads.

const REPORT_HEADER_ROW = 6; // lib/reports/monthly-xlsx.ts

async function pmoPage(browser: Browser, width: number, javaScriptEnabled = true): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width, height: 900 } });
  const page = await context.newPage();
  await signIn(page, demo.pmo, demo.password);
  return page;
}

async function download(page: Page, name: string): Promise<{ fileName: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name }).click()]);
  return { fileName: file.suggestedFilename(), bytes: await readFile((await file.path())!) };
}

async function workbookOf(bytes: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  return workbook;
}

async function pdfTextOf(bytes: Buffer): Promise<{ pages: number; text: string }> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  const { totalPages, text } = await extractText(pdf, { mergePages: true });
  return { pages: totalPages, text };
}

/** What /pmo shows for one month under the same filters: the figures as displayed, and as numbers. */
async function dashboardFigures(page: Page, query: string) {
  await page.goto(`/pmo?${query}`);
  const shown = async (selector: string) => (await page.locator(selector).first().innerText()).trim();
  const count = (text: string) => Number(text.replace(/\D/g, ""));
  const registered = await shown('[data-figure="registered"]');
  const services = await shown('[data-figure="services"]');
  const funnel: Record<string, { reached: number; current: number }> = {};
  for (const stage of ["registration", "training", "lms", "completed"]) {
    const cells = page.locator(`tr[data-stage="${stage}"] td`);
    funnel[stage] = { reached: count(await cells.nth(0).innerText()), current: count(await cells.nth(1).innerText()) };
  }
  return { registered, services, registeredN: count(registered), servicesN: count(services), funnel };
}

for (const width of [1280, 360] as const) {
  test(`the PMO downloads the month's report as Excel and PDF, figures equal to the dashboard's (${width} px)`, async ({ browser }) => {
    const page = await pmoPage(browser, width);
    await page.goto("/pmo");
    await page.getByRole("navigation", { name: "Menu PMO" }).getByRole("link", { name: "Laporan bulanan" }).click();
    await expect(page).toHaveURL(/\/pmo\/reports$/);
    await expect(page.getByRole("heading", { level: 1, name: "Laporan bulanan" })).toBeVisible();

    await page.locator('select[name="monthMonth"]').selectOption("07");
    await page.locator('select[name="monthYear"]').selectOption("2021");
    if (width === 360) await page.locator('select[name="migrantStatus"]').selectOption("mantan");
    await page.getByRole("button", { name: "Tampilkan" }).click();
    const query = width === 360 ? "month=2021-07&migrantStatus=mantan" : "month=2021-07";
    await expect(page).toHaveURL(new RegExp(`/pmo/reports\\?${query}$`));
    await expect(page.getByRole("heading", { name: "Unduh laporan Juli 2021" })).toBeVisible();

    const xlsx = await download(page, "Unduh Excel (.xlsx)");
    expect(xlsx.fileName).toBe("laporan-bulanan-2021-07.xlsx");
    const pdf = await download(page, "Unduh PDF");
    expect(pdf.fileName).toBe("laporan-bulanan-2021-07.pdf");

    const dashboard = await dashboardFigures(page, `from=2021-07&to=2021-07${width === 360 ? "&migrantStatus=mantan" : ""}`);
    expect(dashboard.registeredN).toBeGreaterThan(0);

    const workbook = await workbookOf(xlsx.bytes);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(["Ringkasan", "Tahapan", "Kendala", "Provinsi", "Negara", "Pendamping", "Survei"]);
    const summary = workbook.getWorksheet("Ringkasan")!;
    expect(summary.getCell("A1").value).toBe("Laporan bulanan Pendamping PMI — Juli 2021");
    expect(String(summary.getCell("B3").value)).toBe(width === 360 ? "Status migran: Purna PMI" : "Tanpa saringan (seluruh program)");
    expect(String(summary.getCell("B4").value)).toMatch(/WIB$/);
    const value = (row: number) => summary.getRow(REPORT_HEADER_ROW + row).getCell(2).value;
    expect(value(1)).toBe(dashboard.registeredN);
    expect(value(4)).toBe(dashboard.servicesN);
    expect(value(5)).toBe(69);
    const stages = workbook.getWorksheet("Tahapan")!;
    for (const [i, stage] of ["registration", "training", "lms", "completed"].entries()) {
      const row = stages.getRow(REPORT_HEADER_ROW + 1 + i);
      expect([row.getCell(2).value, row.getCell(3).value], stage).toEqual([dashboard.funnel[stage].reached, dashboard.funnel[stage].current]);
    }
    // No participant's name, NIK or phone number anywhere in the workbook.
    for (const sheet of workbook.worksheets) {
      sheet.eachRow((row) =>
        row.eachCell((cell) => {
          if (typeof cell.value === "string") expect(cell.value).not.toMatch(/\b\d{16}\b|(\+62|\b0)8\d{7,11}\b/);
        }),
      );
    }

    const { pages, text } = await pdfTextOf(pdf.bytes);
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(3);
    expect(text).toContain("Laporan bulanan Pendamping PMI — Juli 2021");
    // The same figures as the dashboard shows them (Indonesian number format on both).
    const escape = (shown: string) => shown.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    expect(text).toMatch(new RegExp(`Peserta terdaftar\\s*${escape(dashboard.registered)}\\s`));
    expect(text).toMatch(new RegExp(`Layanan diberikan\\s*${escape(dashboard.services)}\\s`));
    expect(text).not.toMatch(/\b\d{16}\b/);
    await page.context().close();
  });
}

test("the report page works without JavaScript: a GET form and plain download links", async ({ browser }) => {
  const page = await pmoPage(browser, 360, false);
  await page.goto("/pmo/reports");
  await page.locator('select[name="monthMonth"]').selectOption("06");
  await page.locator('select[name="monthYear"]').selectOption("2021");
  await page.locator('select[name="provinceCode"]').selectOption("35");
  await page.getByRole("button", { name: "Tampilkan" }).click();
  await expect(page).toHaveURL(/\/pmo\/reports\?month=2021-06&provinceCode=35$/);
  await expect(page.getByRole("link", { name: "Unduh Excel (.xlsx)" })).toHaveAttribute("href", "/pmo/reports/xlsx?month=2021-06&provinceCode=35");
  await expect(page.getByRole("link", { name: "Unduh PDF" })).toHaveAttribute("href", "/pmo/reports/pdf?month=2021-06&provinceCode=35");
  const xlsx = await download(page, "Unduh Excel (.xlsx)");
  const workbook = await workbookOf(xlsx.bytes);
  expect(workbook.getWorksheet("Ringkasan")!.getCell("B3").value).toBe("Provinsi: Jawa Timur");
  expect(workbook.getWorksheet("Ringkasan")!.getRow(REPORT_HEADER_ROW + 5).getCell(2).value).toBe(23);
  await page.context().close();
});

test("a caseworker gets 403 on the report page and both downloads", async ({ page }) => {
  await signIn(page, demo.caseworker1, demo.password);
  for (const url of ["/pmo/reports", "/pmo/reports/xlsx?month=2021-07", "/pmo/reports/pdf?month=2021-07"]) {
    const response = await page.request.get(url, { maxRedirects: 0 });
    expect(response.status(), url).toBe(403);
    expect(response.headers()["content-disposition"], url).toBeUndefined();
  }
  const response = await page.goto("/pmo/reports");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("link", { name: "Unduh PDF" })).toHaveCount(0);
});

for (const width of [1280, 360] as const) {
  test(`the report page has no serious accessibility finding (${width} px)`, async ({ browser }) => {
    const page = await pmoPage(browser, width);
    await page.goto("/pmo/reports?month=2021-07");
    await expectNoSeriousA11yViolations(page);
    await page.context().close();
  });
}

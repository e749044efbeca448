import { readFile } from "node:fs/promises";
import type { Download, Page } from "@playwright/test";
import { parse } from "csv-parse/sync";
import { demo, expect, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";

const HEADER =
  "id,nama_lengkap,nik,jenis_kelamin,tanggal_lahir,no_hp,email,kode_provinsi,provinsi,kode_kabupaten,kabupaten," +
  "status_migran,negara_penempatan,sektor,tahap,sumber,pendamping,terdaftar,kontak_terakhir,tindak_lanjut";

/** The downloaded file: it starts with a UTF-8 byte-order mark; rows as objects by header. */
async function readCsv(download: Download) {
  const bytes = await readFile((await download.path())!);
  expect([...bytes.subarray(0, 3)], "UTF-8 byte-order mark").toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.subarray(3).toString("utf8");
  const records: Record<string, string>[] = parse(text, { columns: true });
  return { firstLine: text.split("\r\n")[0], records };
}

const table = (page: Page) => page.locator("main table");

async function filterTrainingInJawaTengah(page: Page) {
  await page.goto("/pmo/participants");
  await page.getByLabel("Tahap", { exact: true }).selectOption("training");
  await page.getByLabel("Provinsi", { exact: true }).selectOption({ label: "Jawa Tengah" });
  await page.getByRole("button", { name: "Tampilkan" }).click();
  await page.waitForURL(/stage=training/);
  expect(new URL(page.url()).searchParams.get("provinceCode")).toBe("33");
}

test.describe("PMO: all participants", () => {
  test("filters by stage and province, opens a participant and reads the timeline", async ({ page }) => {
    await signIn(page, demo.pmo, demo.password);
    await page.goto("/pmo/participants");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Semua peserta");
    await expectNoSeriousA11yViolations(page);

    await filterTrainingInJawaTengah(page);
    const rows = table(page).locator("tbody tr");
    expect(await rows.count()).toBeGreaterThan(0);
    for (const row of await rows.all()) {
      await expect(row.locator("td").nth(1)).toHaveText(/^•{12}\d{4}$/);
      await expect(row.locator("td").nth(3)).toHaveText("Pelatihan");
      await expect(row.locator("td").nth(4)).toHaveText("Jawa Tengah");
    }
    await expect(page.getByLabel("Tahap", { exact: true })).toHaveValue("training");

    const link = rows.first().getByRole("link");
    const name = (await link.innerText()).trim();
    await link.click();
    await page.waitForURL(/\/pmo\/participants\/[0-9a-f-]{36}$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
    await expect(page.locator("header strong").first()).toHaveText("Pelatihan");
    // The whole NIK, for the PMO (and the showing is in the audit log).
    const identity = page.locator("section", { has: page.getByRole("heading", { name: "Data diri" }) });
    await expect(identity.locator("dd").first()).toHaveText(/^\d{16}$/);
    const timeline = page.locator("section", { has: page.getByRole("heading", { name: "Riwayat" }) });
    await expect(timeline.locator("li").first()).toBeVisible();
    await expect(timeline.getByText("Tahap: Pendaftaran → Pelatihan")).toBeVisible();
    // Read-only: no form to log a service or change the stage.
    await expect(page.locator("main form")).toHaveCount(0);
    await expectNoSeriousA11yViolations(page);
  });

  test("downloads exactly the filtered list as CSV, NIKs masked", async ({ page }) => {
    await signIn(page, demo.pmo, demo.password);
    await filterTrainingInJawaTengah(page);
    const names = (await table(page).locator("tbody tr td:first-child").allInnerTexts()).map((n) => n.trim()).sort();

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Unduh CSV (NIK disamarkan)" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^peserta-\d{8}\.csv$/);
    const { firstLine, records } = await readCsv(download);
    expect(firstLine).toBe(HEADER);
    expect(records.map((r) => r.nama_lengkap).sort()).toEqual(names);
    for (const r of records) {
      expect(r.nik).toMatch(/^•{12}\d{4}$/);
      expect(r).toMatchObject({ tahap: "training", kode_provinsi: "33" });
    }
  });

  test("the export with whole NIKs asks for a purpose first", async ({ page }) => {
    await signIn(page, demo.pmo, demo.password);
    await filterTrainingInJawaTengah(page);
    const form = page.locator("#full-export form");
    const submit = form.getByRole("button", { name: "Unduh CSV dengan NIK lengkap" });

    let downloads = 0;
    page.on("download", () => downloads++);
    await submit.click();
    await expect(page.locator("#f-purpose-error")).toHaveText("Tuliskan tujuan penggunaan data.");
    await expect(form.getByLabel("Tujuan penggunaan data")).toHaveAttribute("aria-invalid", "true");
    await form.getByLabel("Tujuan penggunaan data").fill("laporan");
    await submit.click();
    await expect(page.locator("#f-purpose-error")).toContainText("paling sedikit 10 karakter");
    expect(downloads).toBe(0);

    await form.getByLabel("Tujuan penggunaan data").fill("Pencocokan dengan data BP2MI untuk laporan bulanan");
    const [download] = await Promise.all([page.waitForEvent("download"), submit.click()]);
    expect(download.suggestedFilename()).toMatch(/^peserta-\d{8}\.csv$/);
    const { firstLine, records } = await readCsv(download);
    expect(firstLine).toBe(HEADER);
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) expect(r.nik).toMatch(/^\d{16}$/);
    await expect(page.locator("#f-purpose-error")).toHaveCount(0);
  });

  test("without JavaScript the missing purpose comes back beside the field, the filter kept", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, demo.pmo, demo.password);
    await page.goto("/pmo/participants?stage=lms");
    await page.locator("#full-export form").getByRole("button", { name: "Unduh CSV dengan NIK lengkap" }).click();
    await page.waitForURL(/exportError=purposeRequired/);
    expect(new URL(page.url()).searchParams.get("stage")).toBe("lms");
    await expect(page.locator("#f-purpose-error")).toHaveText("Tuliskan tujuan penggunaan data.");
    await context.close();
  });

  test("a caseworker gets 403 on the list, a participant's page and the export", async ({ browser }) => {
    const pmoContext = await browser.newContext();
    const pmoPage = await pmoContext.newPage();
    await signIn(pmoPage, demo.pmo, demo.password);
    await pmoPage.goto("/pmo/participants");
    const href = (await table(pmoPage).locator("tbody tr a").first().getAttribute("href"))!;
    await pmoContext.close();

    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, demo.caseworker1, demo.password);
    for (const path of ["/pmo/participants", href, "/pmo/participants?stage=training"]) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(403);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Anda tidak punya akses ke halaman ini");
      const html = await page.content();
      expect(html).not.toMatch(/\d{4}••••••••\d{4}/);
      expect(html).not.toMatch(/\b\d{16}\b/);
    }
    for (const response of [
      await context.request.get("/pmo/participants/export"),
      await context.request.get("/pmo/participants/export?stage=lms"),
      await context.request.post("/pmo/participants/export", {
        form: { purpose: "Pencocokan dengan data BP2MI" },
        headers: { origin: new URL(page.url()).origin },
      }),
    ]) {
      expect(response.status()).toBe(403);
      expect(response.headers()["content-disposition"]).toBeUndefined();
      expect(await response.text()).not.toContain("nama_lengkap");
    }
    await context.close();
  });
});

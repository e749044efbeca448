import { readFile, writeFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import { makeNik, makePhone } from "../lib/testing/identity";
import { demo, expect, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";

const HEADER = "nik,nama_lengkap,tanggal_lahir,jenis_kelamin,no_hp,kode_provinsi,negara_penempatan,tanggal_kedatangan,lokasi_karantina";

/** Letters only (names allow no digits), different on each run. */
const runTag = () =>
  String(Date.now())
    .slice(-6)
    .split("")
    .map((d) => "ABCDEFGHIJ"[Number(d)])
    .join("");

/**
 * A quarantine list: four good rows (lines 2–5), a row with a bad phone number (line 6),
 * and a row repeating line 2's NIK (line 7). NIKs and phones are new on every run.
 */
function quarantineList(tag: string) {
  const workers = ["Ani", "Budi", "Citra", "Dedi"].map((first, i) => ({
    name: `${first} Impor ${tag}`,
    nik: makeNik({ birthDate: "1991-04-12", sex: i % 2 ? "L" : "P", regencyCode: "3174" }),
    sex: i % 2 ? "L" : "P",
    phone: makePhone().replace("+62", "0"),
  }));
  const line = (w: { name: string; nik: string; sex: string; phone: string }) =>
    `${w.nik},${w.name},12/04/1991,${w.sex},${w.phone},31,Hong Kong,2021-06-0${1 + (w.name.length % 8)},Wisma Atlet Kemayoran`;
  const bad = { ...workers[0], name: `Eko Salah ${tag}`, nik: makeNik({ birthDate: "1991-04-12", sex: "L" }), sex: "L", phone: "12345" };
  const repeat = { ...workers[0], phone: makePhone() };
  return { workers, csv: [HEADER, ...workers.map(line), line(bad), line(repeat)].join("\r\n") + "\r\n" };
}

test.describe("PMO: cohort import", () => {
  test("uploads a list, reads and downloads the report, imports it over two caseworkers, and finds the cohort", async ({ page, browser }, testInfo) => {
    test.setTimeout(120_000);
    const tag = runTag();
    const cohort = `Wisma Atlet Uji ${tag}`;
    const { workers, csv } = quarantineList(tag);
    const file = testInfo.outputPath("daftar-karantina.csv");
    await writeFile(file, csv);

    await signIn(page, demo.pmo, demo.password);
    await page.goto("/pmo");
    await page.getByRole("navigation", { name: "Menu PMO" }).getByRole("link", { name: "Impor" }).click();
    await expect(page).toHaveURL(/\/pmo\/imports$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Impor kohort");
    await expectNoSeriousA11yViolations(page);

    await page.getByLabel("Nama kohort").fill(cohort);
    await page.getByLabel("Berkas CSV").setInputFiles(file);
    await page.getByRole("button", { name: "Unggah dan periksa" }).click();
    await page.waitForURL(/\/pmo\/imports\/[0-9a-f-]{36}$/);
    const importUrl = page.url();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(cohort);
    // The check runs after the upload has been answered; the page refreshes itself.
    await expect(page.locator("[data-state]")).toHaveAttribute("data-state", "checked", { timeout: 30_000 });
    await expect(page.locator('[data-total="rows"]')).toHaveText("6");
    await expect(page.locator('[data-total="ready"]')).toHaveText("4");
    await expect(page.locator('[data-total="refused"]')).toHaveText("1");
    await expect(page.locator('[data-total="duplicate"]')).toHaveText("1");
    const report = page.locator("#report table");
    await expect(report.locator('tr[data-line="6"]')).toContainText("Ditolak");
    await expect(report.locator('tr[data-line="6"]')).toContainText("Nomor HP: nomor HP tidak benar");
    await expect(report.locator('tr[data-line="7"]')).toContainText("Ganda");
    await expect(report.locator('tr[data-line="7"]')).toContainText("NIK: NIK sama dengan baris 2");
    await expect(report.locator('tr[data-line="7"] td').nth(3)).toHaveText(/^•{12}\d{4}$/);
    await expectNoSeriousA11yViolations(page);

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Unduh laporan (CSV)" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^laporan-impor-wisma-atlet-uji-[a-j]+-\d{8}\.csv$/);
    const bytes = await readFile((await download.path())!);
    expect([...bytes.subarray(0, 3)], "UTF-8 byte-order mark").toEqual([0xef, 0xbb, 0xbf]);
    const rows: Record<string, string>[] = parse(bytes.subarray(3).toString("utf8"), { columns: true });
    expect(rows.map((r) => [r.baris, r.status])).toEqual([
      ["6", "Ditolak"],
      ["7", "Ganda"],
    ]);
    expect(rows[1].alasan).toBe("NIK: NIK sama dengan baris 2");

    // Import, spread over both demo caseworkers: lines 2 and 4 to the first, 3 and 5 to the second.
    const confirm = page.locator("section", { has: page.getByRole("heading", { name: "Setujui impor" }) });
    await confirm.getByLabel("Andi Prasetyo").check();
    await confirm.getByLabel("Sri Mulyani Lestari").check();
    await confirm.getByRole("button", { name: "Impor 4 peserta" }).click();
    await expect(page.locator("[data-state]")).toHaveAttribute("data-state", "imported", { timeout: 30_000 });
    await expect(page.locator('[data-notice="imported"]')).toContainText("4 peserta diimpor");
    await expect(page.getByText("Andi Prasetyo: 2 peserta")).toBeVisible();
    await expect(page.getByText("Sri Mulyani Lestari: 2 peserta")).toBeVisible();
    await expectNoSeriousA11yViolations(page);

    // The history names it, with who, the file and the counts.
    await page.goto("/pmo/imports");
    const entry = page.locator("tbody tr", { hasText: cohort });
    await expect(entry).toContainText("Ratna Kusumawati");
    await expect(entry).toContainText("daftar-karantina.csv");
    await expect(entry).toContainText("Sudah diimpor");
    await entry.getByRole("link", { name: /Buka laporan/ }).click();
    await expect(page).toHaveURL(importUrl);

    // The dashboard, filtered by the cohort through its select.
    await page.goto("/pmo");
    await page.locator('select[name="cohort"]').selectOption(cohort);
    await page.locator('select[name="source"]').selectOption("import");
    await page.getByRole("button", { name: "Tampilkan" }).click();
    await expect(page).toHaveURL(/cohort=/);
    await expect(page.locator('[data-figure="registered"]')).toHaveText("4");
    await expect(page.locator('[data-figure="mantan"]')).toHaveText("100%");
    await expectNoSeriousA11yViolations(page);

    // In pendamping1's caseload.
    const context = await browser.newContext();
    const caseworker = await context.newPage();
    await signIn(caseworker, demo.caseworker1, demo.password);
    await caseworker.goto(`/caseworker?q=${encodeURIComponent(workers[0].name)}`);
    await expect(caseworker.locator('ul[aria-label="Peserta dampingan saya"] > li', { hasText: workers[0].name })).toBeVisible();
    await caseworker.goto(`/caseworker?q=${encodeURIComponent(workers[1].name)}`);
    await expect(caseworker.locator('ul[aria-label="Peserta dampingan saya"] > li', { hasText: workers[1].name })).toHaveCount(0);
    await context.close();

    // The same file again: every NIK is now a duplicate, nothing new to import, and it says so.
    await page.goto("/pmo/imports");
    await page.getByLabel("Nama kohort").fill(cohort);
    await page.getByLabel("Berkas CSV").setInputFiles(file);
    await page.getByRole("button", { name: "Unggah dan periksa" }).click();
    await page.waitForURL(/\/pmo\/imports\/[0-9a-f-]{36}$/);
    await expect(page.locator("[data-state]")).toHaveAttribute("data-state", "checked", { timeout: 30_000 });
    await expect(page.locator('[data-total="ready"]')).toHaveText("0");
    await expect(page.locator('[data-notice="nothing-new"]')).toBeVisible();
    await expect(page.locator('[data-notice="same-file"]')).toBeVisible();
    await expect(page.getByRole("button", { name: /^Impor/ })).toHaveCount(0);
  });

  test("a bad file gets one clear message beside the field, the cohort kept, and nothing is written", async ({ page }, testInfo) => {
    const file = testInfo.outputPath("salah.csv");
    await writeFile(file, "nik;nama_lengkap;tanggal_lahir\n3174011705900001;Budi;1990-05-17\n");
    await signIn(page, demo.pmo, demo.password);
    await page.goto("/pmo/imports");
    const before = await page.locator("tbody tr").count();
    await page.getByLabel("Nama kohort").fill("Kohort Salah");
    await page.getByLabel("Berkas CSV").setInputFiles(file);
    await page.getByRole("button", { name: "Unggah dan periksa" }).click();
    await page.waitForURL(/\/pmo\/imports\?.*error=delimiter/);
    await expect(page.locator("#f-file-error")).toContainText("dipisah titik koma");
    await expect(page.getByLabel("Berkas CSV")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("Nama kohort")).toHaveValue("Kohort Salah");
    await expect(page.locator("tbody tr")).toHaveCount(before);
    await expectNoSeriousA11yViolations(page);
  });

  test("works without JavaScript: the upload, and the page refreshing itself until the check is done", async ({ browser }, testInfo) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const { csv } = quarantineList(runTag());
    const file = testInfo.outputPath("tanpa-js.csv");
    await writeFile(file, csv);
    await signIn(page, demo.pmo, demo.password);
    await page.goto("/pmo/imports");
    await page.getByLabel("Nama kohort").fill("Kohort Tanpa JS");
    await page.getByLabel("Berkas CSV").setInputFiles(file);
    await page.getByRole("button", { name: "Unggah dan periksa" }).click();
    await page.waitForURL(/\/pmo\/imports\/[0-9a-f-]{36}$/);
    await expect(page.locator("[data-state]")).toHaveAttribute("data-state", "checked", { timeout: 30_000 });
    await expect(page.locator('[data-total="ready"]')).toHaveText("4");
    await context.close();
  });

  test("a caseworker gets 403 on /pmo/imports and on the upload route", async ({ page }) => {
    await signIn(page, demo.caseworker1, demo.password);
    const response = await page.goto("/pmo/imports");
    expect(response?.status()).toBe(403);
    await expect(page.getByText("Nama kohort")).toHaveCount(0);
    const upload = await page.request.post("/pmo/imports/upload", {
      multipart: { cohort: "Tidak boleh", file: { name: "a.csv", mimeType: "text/csv", buffer: Buffer.from(`${HEADER}\n`) } },
      maxRedirects: 0,
    });
    expect(upload.status()).toBe(403);
  });
});

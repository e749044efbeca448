import { readFile } from "node:fs/promises";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { demo, expect, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";
import { registerNewWorker } from "./pages";

// UU PDP at /me/data and /pmo/data-requests. Each test registers its own participant, so
// the demo accounts stay as they are.

const registered = registerNewWorker;

async function signedIn(browser: Browser, email: string, opts: { javaScriptEnabled?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(opts);
  const page = await context.newPage();
  await signIn(page, email, demo.password);
  return { context, page };
}

test("a participant downloads their data and asks for deletion; the PMO erases it before the deadline", async ({ browser }) => {
  const { context, page, form } = await registered(browser, "Ratih Hak Data");

  await page.getByRole("link", { name: "Data pribadi saya" }).click();
  await page.waitForURL("**/me/data");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Data pribadi saya");
  await expect(page.getByText("paling lambat 3 × 24 jam").first()).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  // The download: the whole record, the NIK whole.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /Unduh data saya/ }).click()]);
  expect(download.suggestedFilename()).toMatch(/^data-saya-\d{8}\.json$/);
  const exported = JSON.parse(await readFile((await download.path())!, "utf8"));
  expect(exported.participant).toMatchObject({ fullName: "Ratih Hak Data", nik: form.nik, kk: form.kk, address: form.address });
  expect(exported.account).toMatchObject({ email: form.email, phone: form.phone });
  expect(exported.processing.map((e: { action: string }) => e.action)).toContain("participant.register");
  const participantId: string = exported.participant.id;
  const response = await context.request.get("/me/data/export");
  expect(response.headers()["cache-control"]).toContain("no-store");
  expect(response.headers()["content-disposition"]).toMatch(/^attachment; filename="data-saya-\d{8}\.json"$/);

  // The deletion request: refused without the tick, then sent.
  const deletion = page.locator('form[data-form="deletion"]');
  await deletion.locator('textarea[name="reason"]').fill("Saya sudah bekerja lagi di luar negeri.");
  await deletion.getByRole("button", { name: "Kirim permintaan penghapusan" }).click();
  await expect(page.locator("#delete-confirm-error")).toContainText("Centang");
  await expect(deletion.locator('textarea[name="reason"]')).toHaveValue("Saya sudah bekerja lagi di luar negeri.");
  await deletion.locator('input[name="confirm"]').check();
  await deletion.getByRole("button", { name: "Kirim permintaan penghapusan" }).click();
  await page.waitForURL(/\/me\/data\?sent=deletion$/);
  await expect(page.getByText("Permintaan Anda terkirim. Jawaban paling lambat")).toBeVisible();
  await expect(page.locator('[data-open="deletion"]')).toBeVisible();
  await expect(page.locator("li[data-request]")).toContainText(["Penghapusan data"]);

  // The PMO sees it with its deadline and completes it.
  const pmo = await signedIn(browser, demo.pmo);
  await pmo.page.getByRole("navigation", { name: "Menu PMO" }).getByRole("link", { name: "Permintaan data" }).click();
  await pmo.page.waitForURL("**/pmo/data-requests");
  const masked = `••••••••••••${form.nik.slice(12)}`;
  const item = pmo.page.locator("li[data-request]").filter({ hasText: "Ratih Hak Data" }).filter({ hasText: masked });
  await expect(item).toContainText("Penghapusan data");
  await expect(item).toContainText(/Sisa 7[12] jam/);
  await expect(item).toContainText("Tenggat");
  await expect(item).toContainText("Saya sudah bekerja lagi di luar negeri.");
  await expect(item).not.toContainText(form.nik);
  await expect(item.getByRole("progressbar")).toBeVisible();
  await expectNoSeriousA11yViolations(pmo.page);

  const complete = item.locator('form[data-form="complete"]');
  await complete.locator('textarea[name="note"]').fill("Data identitas sudah dihapus.");
  await complete.locator('input[name="confirm"]').check();
  await complete.getByRole("button", { name: "Selesaikan: hapus data identitas" }).click();
  await pmo.page.waitForURL(/\/pmo\/data-requests\?done=/);
  await expect(pmo.page.getByText("Permintaan sudah diputuskan.")).toBeVisible();
  await expect(pmo.page.locator("li[data-request]").filter({ hasText: masked })).toHaveCount(0);

  // The participant's session is over, and signing in again fails.
  await page.goto("/me");
  await expect(page).toHaveURL(/\/login$/);
  await page.locator('input[name="identifier"]').fill(form.email);
  await page.locator('input[name="password"]').fill(form.password);
  await page.locator("form").filter({ has: page.locator('input[name="identifier"]') }).locator('button[type="submit"]').click();
  await expect(page.locator("main").getByRole("alert")).toContainText("salah");
  await expect(page).toHaveURL(/\/login/);

  // The PMO's list: the row is erased, without NIK or phone; the old name and NIK find nothing.
  await pmo.page.goto(`/pmo/participants?q=${encodeURIComponent("Dihapus")}`);
  const row = pmo.page.locator("tr").filter({ has: pmo.page.locator(`a[href="/pmo/participants/${participantId}"]`) });
  await expect(row.locator("td").first()).toHaveText("Dihapus");
  await expect(row.locator("td").nth(1)).toHaveText("");
  await expect(row).not.toContainText(form.phone.slice(-4));
  for (const q of ["Ratih Hak Data", form.nik]) {
    await pmo.page.goto(`/pmo/participants?q=${encodeURIComponent(q)}`);
    await expect(pmo.page.locator(`a[href="/pmo/participants/${participantId}"]`)).toHaveCount(0);
  }
  // Decided requests stay listed, with the decision.
  await pmo.page.goto("/pmo/data-requests?status=decided");
  await expect(pmo.page.locator("li[data-request]").filter({ hasText: "Data identitas sudah dihapus." }).first()).toContainText("Selesai");

  await pmo.context.close();
  await context.close();
});

test("without JavaScript a participant withdraws consent; other roles cannot answer for the PMO; the PMO records the withdrawal", async ({ browser }) => {
  const { context, page, form } = await registered(browser, "Sekar Tanpa Skrip", { javaScriptEnabled: false });
  // The masked NIK tells this participant's request from those of earlier runs.
  const masked = `••••••••••••${form.nik.slice(12)}`;
  await page.goto("/me/data");
  const withdrawal = page.locator('form[data-form="consent_withdrawal"]');
  await withdrawal.locator('input[name="confirm"]').check();
  await withdrawal.getByRole("button", { name: "Tarik persetujuan saya" }).click();
  await page.waitForURL(/\/me\/data\?sent=consent_withdrawal$/);
  await expect(page.getByText("Persetujuan Anda sudah ditarik.")).toBeVisible();
  await expect(page.locator('[data-consent="withdrawn"]')).toBeVisible();
  await expect(page.locator('form[data-form="consent_withdrawal"]')).toHaveCount(0);

  // The PMO's form, posted directly by a participant and by a caseworker: refused.
  const pmo = await signedIn(browser, demo.pmo, { javaScriptEnabled: false });
  await pmo.page.goto("/pmo/data-requests");
  const item = pmo.page.locator("li[data-request]").filter({ hasText: "Sekar Tanpa Skrip" }).filter({ hasText: masked });
  await expect(item).toContainText("Penarikan persetujuan");
  await expect(item.locator('form[data-form="refuse"]')).toHaveCount(0);
  const fields = await item
    .locator('form[data-form="complete"]')
    .evaluate((f) => [...new FormData(f as HTMLFormElement).entries()].map(([k, v]) => [k, String(v)] as [string, string]));
  const post = (c: BrowserContext) =>
    c.request.post(pmo.page.url(), {
      multipart: Object.fromEntries(fields),
      headers: { origin: new URL(pmo.page.url()).origin },
      maxRedirects: 0,
    });
  for (const email of [demo.participant, demo.caseworker1]) {
    const intruder = await signedIn(browser, email, { javaScriptEnabled: false });
    expect([403, 404], email).toContain((await post(intruder.context)).status());
    await intruder.context.close();
  }
  await pmo.page.reload();
  await expect(item).toContainText("Terbuka");
  await expect(item).toContainText(/Sisa 7[12] jam/);

  // The very same post by the PMO completes it (so the refusals above were not a malformed post).
  const answered = await post(pmo.context);
  expect(answered.status()).toBe(303);
  expect(answered.headers()["location"]).toMatch(/\/pmo\/data-requests\?done=/);
  await pmo.page.goto("/pmo/data-requests?status=decided");
  await expect(pmo.page.locator("li[data-request]").filter({ hasText: masked })).toContainText("Selesai");

  // The participant keeps their account, now withdrawn from the programme.
  await page.goto("/me");
  await expect(page.getByText("Mengundurkan diri").first()).toBeVisible();
  await page.goto("/me/data");
  await expect(page.locator("li[data-request]").first()).toContainText("Selesai");

  await pmo.context.close();
  await context.close();
});

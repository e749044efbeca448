import type { Page } from "@playwright/test";
import { demo, expect, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";
import { fillRegistration, registrationForm, submitRegistration } from "./pages";

/** A caseworker registers a worker (assisted registration) and opens the new case file. */
async function registerAssisted(page: Page, overrides: Record<string, string> = {}) {
  const form = registrationForm(overrides);
  await page.goto("/caseworker/register");
  await fillRegistration(page, form);
  await submitRegistration(page);
  await expect(page.locator("#activation-code")).toBeVisible();
  const code = (await page.locator("#activation-code").innerText()).trim();
  const link = page.locator('a[href^="/caseworker/participants/"]').first();
  const href = (await link.getAttribute("href"))!;
  return { form, code, id: href.split("/").pop()!, href };
}

function logForm(page: Page) {
  return page.locator("#log form");
}

async function logService(
  page: Page,
  service: string,
  opts: { outcome?: string; blocker?: string; followUp?: string; notes?: string; on?: string } = {},
) {
  const form = logForm(page);
  const records = page.locator("section", { has: page.getByRole("heading", { name: "Riwayat" }) }).getByRole("link", { name: "Koreksi" });
  const before = await records.count();
  await form.locator('select[name="serviceCode"]').selectOption(service);
  if (opts.on) await form.locator('input[name="occurredOn"]').fill(opts.on);
  await form.locator('select[name="channel"]').selectOption("whatsapp");
  await form.locator('select[name="outcome"]').selectOption(opts.outcome ?? "done");
  if (opts.blocker) await form.locator('select[name="blockerCode"]').selectOption(opts.blocker);
  if (opts.notes) await form.locator('textarea[name="notes"]').fill(opts.notes);
  if (opts.followUp) await form.locator('input[name="nextFollowUpOn"]').fill(opts.followUp);
  await form.getByRole("button", { name: "Simpan catatan" }).click();
  // The previous answer may still read "Tersimpan.": wait for the new record itself.
  await expect(records).toHaveCount(before + 1);
  await expect(form.getByRole("status")).toHaveText("Tersimpan.");
}

const STAGE_NAMES: Record<string, string> = { training: "Pelatihan", lms: "Belajar di LMS", completed: "Selesai" };

async function moveTo(page: Page, stage: string, reason: string) {
  const section = page.locator("section", { has: page.getByRole("heading", { name: "Ubah tahap" }) });
  await section.locator('select[name="toStage"]').selectOption(stage);
  await section.locator('input[name="reason"]').fill(reason);
  await section.getByRole("button", { name: "Ubah tahap" }).click();
  await expect(section.getByRole("status")).toHaveText("Tersimpan.");
  // The page shows the new stage (and offers that stage's services first) before going on.
  await expect(page.locator("header strong")).toHaveText(STAGE_NAMES[stage]);
}

/** A person's name no earlier run has used (names allow letters only). */
const unique = (name: string) =>
  `${name} ${Array.from({ length: 6 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join("")}`;

const jakartaToday = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Jakarta" }).format(new Date());
const daysFromToday = (n: number) => {
  const d = new Date(`${jakartaToday()}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

test.describe("caseworker workspace", () => {
  test("a caseworker takes a worker through all three stages to completed", async ({ page }) => {
    const lestari = unique("Lestari Handayani");
    await signIn(page, demo.caseworker1, demo.password);
    const worker = await registerAssisted(page, { fullName: lestari });

    // Found in the caseload by name and by the NIK's last four digits.
    await page.goto(`/caseworker?q=${encodeURIComponent(lestari)}`);
    await page.getByRole("link", { name: lestari }).click();
    await expect(page).toHaveURL(new RegExp(`/caseworker/participants/${worker.id}$`));
    await expect(page.getByText(worker.form.nik, { exact: true })).toBeVisible();

    await logService(page, "prakerja_account");
    await logService(page, "phone_otp_verified", {
      outcome: "blocked",
      blocker: "otp_not_received",
      notes: "OTP tidak masuk, coba lagi besok",
    });
    await logService(page, "card_received");
    await moveTo(page, "training", "Kartu Prakerja diterima");
    await logService(page, "training_bought");
    await moveTo(page, "lms", "Pelatihan sudah dibeli");
    await logService(page, "certificate_issued");
    await logService(page, "incentive_received");
    await moveTo(page, "completed", "Insentif diterima");
    await expect(page.locator("header strong")).toHaveText("Selesai");

    const timeline = page.locator("section", { has: page.getByRole("heading", { name: "Riwayat" }) });
    await expect(timeline.getByText("Sertifikat terbit")).toBeVisible();
    await expect(timeline.getByText("OTP tidak diterima", { exact: false })).toBeVisible();
    await expect(timeline.getByText("Tahap: Belajar di LMS → Selesai")).toBeVisible();
    await expectNoSeriousA11yViolations(page);

    // The worker activates the account with the code and sees the services on /me,
    // without the caseworker's internal notes.
    await page.getByRole("button", { name: "Keluar" }).click();
    await page.waitForURL((url) => url.pathname === "/");
    await page.goto("/activate");
    await page.locator('input[name="identifier"]').fill(worker.form.phone);
    await page.locator('input[name="code"]').fill(worker.code);
    await page.locator('input[name="password"]').fill("sandi-baru-lestari");
    await page.locator("main form").getByRole("button").last().click();
    await page.waitForURL("**/me");
    await expect(page.getByText("Sertifikat terbit")).toBeVisible();
    await expect(page.getByText("Nomor HP diverifikasi dengan OTP")).toBeVisible();
    await expect(page.getByText("OTP tidak masuk, coba lagi besok")).toHaveCount(0);
    await expect(page.locator("main").getByText("Selesai").first()).toBeVisible();
  });

  test("follow-ups due come first in the caseload", async ({ page }) => {
    const lateName = unique("Yuni Terlambat");
    const aheadName = unique("Yuni Nanti");
    await signIn(page, demo.caseworker1, demo.password);
    const late = await registerAssisted(page, { fullName: lateName });
    await page.goto(late.href);
    // Registered today, so the earliest follow-up a record can set is today: due today.
    await logService(page, "prakerja_account", { followUp: jakartaToday() });
    const ahead = await registerAssisted(page, { fullName: aheadName });
    await page.goto(ahead.href);
    await logService(page, "prakerja_account", { followUp: daysFromToday(20) });

    await page.goto("/caseworker");
    const names = await page.locator('ul[aria-label="Peserta dampingan saya"] > li a').allInnerTexts();
    const lateAt = names.indexOf(lateName);
    expect(lateAt).toBeGreaterThanOrEqual(0);
    // Everyone above the overdue worker is also due; the one followed up later is below.
    const aheadAt = names.indexOf(aheadName);
    expect(aheadAt === -1 || aheadAt > lateAt).toBe(true);
    const item = page.locator('ul[aria-label="Peserta dampingan saya"] > li', { hasText: lateName });
    await expect(item.getByText("Hari ini", { exact: true })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
  });

  test("a correction keeps the old record, struck through", async ({ page }) => {
    const koreksi = unique("Koreksi Catatan");
    await signIn(page, demo.caseworker1, demo.password);
    const worker = await registerAssisted(page, { fullName: koreksi });
    await page.goto(worker.href);
    await logService(page, "email_verified");
    const timeline = page.locator("section", { has: page.getByRole("heading", { name: "Riwayat" }) });
    await timeline.getByRole("link", { name: "Koreksi" }).first().click();
    await expect(page.getByRole("heading", { name: /Koreksi catatan layanan/ })).toBeVisible();
    await logForm(page).locator('select[name="serviceCode"]').selectOption("dukcapil_matched");
    await logForm(page).getByRole("button", { name: "Simpan catatan" }).click();
    await expect(page.getByRole("heading", { name: "Catat layanan" })).toBeVisible();
    const old = timeline.locator("li", { hasText: "Email diverifikasi" });
    await expect(old.locator("p.line-through").first()).toBeVisible();
    await expect(old.getByText("Sudah dikoreksi")).toBeVisible();
    await expect(timeline.locator("li", { hasText: "NIK, KK dan tanggal lahir cocok" }).getByText("Koreksi dari catatan sebelumnya")).toBeVisible();
  });

  test("a stale edit of the contact data is refused and overwrites nothing", async ({ browser }) => {
    const dua = unique("Dua Jendela");
    const context = await browser.newContext();
    const first = await context.newPage();
    await signIn(first, demo.caseworker1, demo.password);
    const worker = await registerAssisted(first, { fullName: dua });
    await first.goto(worker.href);
    const second = await context.newPage();
    await second.goto(worker.href);

    const contact = (p: Page) => p.locator("section", { has: p.getByRole("heading", { name: "Ubah kontak" }) });
    await contact(first).locator('textarea[name="address"]').fill("Jl. Pertama No. 1, Malang");
    await contact(first).getByRole("button", { name: "Simpan kontak" }).click();
    await expect(contact(first).getByRole("status")).toHaveText("Tersimpan.");

    await contact(second).locator('textarea[name="address"]').fill("Jl. Kedua No. 2, Blitar");
    await contact(second).getByRole("button", { name: "Simpan kontak" }).click();
    await expect(contact(second).getByRole("alert")).toContainText("baru saja diubah oleh orang lain");

    await first.reload();
    await expect(first.getByText("Jl. Pertama No. 1, Malang").first()).toBeVisible();
    await context.close();
  });

  test("a second caseworker cannot open or post for the first one's participant", async ({ browser }) => {
    const milik = unique("Milik Pendamping Satu");
    const ownerContext = await browser.newContext();
    const owner = await ownerContext.newPage();
    await signIn(owner, demo.caseworker1, demo.password);
    const worker = await registerAssisted(owner, { fullName: milik });
    await ownerContext.close();

    // Without JavaScript the form is a plain HTML form, as a script posting it would see it.
    const context = await browser.newContext({ javaScriptEnabled: false });
    const other = await context.newPage();
    await signIn(other, demo.caseworker2, demo.password);
    const response = await other.goto(worker.href);
    expect(response?.status()).toBe(404);
    await expect(other.getByText(worker.form.nik)).toHaveCount(0);
    await expect(other.getByText(milik)).toHaveCount(0);

    // Posting the log form directly, with pendamping2's own session, is refused too.
    await other.goto("/caseworker");
    const mine = other.locator('ul[aria-label="Peserta dampingan saya"] a').first();
    await mine.click();
    const fields = await other.locator("#log form").evaluate((f) =>
      [...new FormData(f as HTMLFormElement).entries()].map(([k, v]) => [k, String(v)]),
    );
    const body = Object.fromEntries(fields);
    body.participantId = worker.id;
    body.serviceCode = "prakerja_account";
    const post = await context.request.post(other.url(), {
      multipart: body,
      headers: { origin: new URL(other.url()).origin },
      maxRedirects: 0,
    });
    expect(post.status()).toBe(404);
    await context.close();

    const backContext = await browser.newContext();
    const back = await backContext.newPage();
    await signIn(back, demo.caseworker1, demo.password);
    await back.goto(worker.href);
    const timeline = back.locator("section", { has: back.getByRole("heading", { name: "Riwayat" }) });
    await expect(timeline.getByText("Mulai di tahap Pendaftaran")).toBeVisible();
    await expect(timeline.getByText("Akun dibuat di situs Prakerja")).toHaveCount(0);
    await backContext.close();
  });
});

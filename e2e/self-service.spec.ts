// Participant self-service: the evaluation survey and the PMO's survey section, asking
// for help (to the caseworker, or the PMO's queue when there is none), reminders of the
// Prakerja purchase deadline, and the refusals when a participant reaches for another's
// requests or survey. Every new page is checked with axe; the participant pages against
// the JavaScript budget.
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { demo, expect, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";
import { JS_BUDGET_BYTES, measurePageJs } from "./js-size";
import { fillRegistration, registrationForm, submitRegistration } from "./pages";

/** A person's name no earlier run has used (names allow letters only). */
const unique = (name: string) =>
  `${name} ${Array.from({ length: 6 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join("")}`;

const STAGE_NAMES: Record<string, string> = { training: "Pelatihan", lms: "Belajar di LMS", completed: "Selesai" };

/** A caseworker registers a worker (assisted registration); returns the one-time code and the case file. */
async function registerAssisted(page: Page, overrides: Record<string, string> = {}) {
  const form = registrationForm(overrides);
  await page.goto("/caseworker/register");
  await fillRegistration(page, form);
  await submitRegistration(page);
  await expect(page.locator("#activation-code")).toBeVisible();
  const code = (await page.locator("#activation-code").innerText()).trim();
  const href = (await page.locator('a[href^="/caseworker/participants/"]').first().getAttribute("href"))!;
  return { form, code, id: href.split("/").pop()!, href };
}

async function moveTo(page: Page, stage: string, reason: string) {
  const section = page.locator("section", { has: page.getByRole("heading", { name: "Ubah tahap" }) });
  await section.locator('select[name="toStage"]').selectOption(stage);
  await section.locator('input[name="reason"]').fill(reason);
  await section.getByRole("button", { name: "Ubah tahap" }).click();
  await expect(section.getByRole("status")).toHaveText("Tersimpan.");
  await expect(page.locator("header strong")).toHaveText(STAGE_NAMES[stage]);
}

/** The worker sets a password with the code, in a context of their own, and lands on /me. */
async function activate(browser: Browser, identifier: string, code: string, opts: { javaScriptEnabled?: boolean } = {}) {
  const context = await browser.newContext(opts);
  const page = await context.newPage();
  await page.goto("/activate");
  await page.locator('input[name="identifier"]').fill(identifier);
  await page.locator('input[name="code"]').fill(code);
  await page.locator('input[name="password"]').fill("sandi-baru-pekerja");
  await page.locator("main form").getByRole("button").last().click();
  await page.waitForURL("**/me");
  return { context, page };
}

/** A new worker, registered by pendamping1, moved to completed and signed in. */
async function completedWorker(browser: Browser, name: string, opts: { javaScriptEnabled?: boolean } = {}) {
  const staff = await browser.newContext();
  const cw = await staff.newPage();
  await signIn(cw, demo.caseworker1, demo.password);
  const worker = await registerAssisted(cw, { fullName: name });
  await cw.goto(worker.href);
  await moveTo(cw, "completed", "Program selesai");
  await staff.close();
  const { context, page } = await activate(browser, worker.form.phone, worker.code, opts);
  return { ...worker, context, page };
}

async function figure(page: Page, name: string): Promise<number> {
  return Number((await page.locator(`[data-figure="${name}"]`).innerText()).replace(/\D/g, "") || "0");
}

/** The count on one bar of a survey bar table (0 when the table is empty). */
async function barCount(page: Page, table: string, label: string): Promise<number> {
  const row = page.locator(`[data-figure="${table}"] tbody tr`, { has: page.locator("th", { hasText: label }) });
  if ((await row.count()) === 0) return 0;
  return Number(/\d+/.exec(await row.locator("td span").first().innerText())?.[0] ?? "0");
}

/** The fields of a form as the browser would post them (hidden action fields included). */
async function formFieldsOf(page: Page, selector: string): Promise<Record<string, string>> {
  const entries = await page
    .locator(selector)
    .evaluate((f) => [...new FormData(f as HTMLFormElement).entries()].map(([k, v]) => [k, String(v)]));
  return Object.fromEntries(entries);
}

test.describe("evaluation survey", () => {
  test("opens once completed; the answer shows in the PMO's survey section", async ({ browser }) => {
    // Three people's journeys in one test (a caseworker registers and completes a worker,
    // who activates and answers; the PMO reads it): 50-58 s on a busy 2-core machine.
    test.slow();
    const name = unique("Survei Purna");
    const staff = await browser.newContext();
    const cw = await staff.newPage();
    await signIn(cw, demo.caseworker1, demo.password);
    const worker = await registerAssisted(cw, { fullName: name });
    const { context, page } = await activate(browser, worker.form.phone, worker.code);

    // Not yet: the worker is still in registration.
    await page.goto("/me/survey");
    await expect(page.getByRole("heading", { name: "Survei belum dibuka" })).toBeVisible();
    await expect(page.locator('input[name="employmentStatus"]')).toHaveCount(0);
    await expectNoSeriousA11yViolations(page);

    const pmoContext = await browser.newContext();
    const pmo = await pmoContext.newPage();
    await signIn(pmo, demo.pmo, demo.password);
    await pmo.goto("/pmo/survey");
    const before = {
      responses: await figure(pmo, "survey-responses"),
      eligible: await figure(pmo, "survey-eligible"),
      abroad: await barCount(pmo, "survey-employment", "Bekerja lagi di luar negeri"),
    };

    await cw.goto(worker.href);
    await moveTo(cw, "completed", "Insentif diterima");
    await staff.close();
    await pmo.reload();
    expect(await figure(pmo, "survey-eligible")).toBe(before.eligible + 1);
    expect(await figure(pmo, "survey-responses")).toBe(before.responses);

    // /me says to answer the survey, and links to it.
    await page.goto("/me");
    await expect(page.locator('[data-reminder="survey"]')).toContainText("Isi survei evaluasi");
    await page.locator('[data-reminder="survey"]').getByRole("link").click();
    await page.waitForURL("**/me/survey");

    // "Other" ticked without saying what: refused beside the field, choices kept.
    await page.getByLabel("Bekerja lagi di luar negeri").check();
    await page.getByLabel("Ya, membantu").check();
    await page.getByLabel("5 — Sangat puas").check();
    await page.getByLabel("Kode OTP tidak masuk ke HP").check();
    await page.getByLabel("Lainnya", { exact: true }).check();
    await page.getByLabel("Belum tahu").check();
    await page.getByRole("button", { name: "Kirim jawaban" }).click();
    await expect(page.locator("#f-hardestOther-error")).toBeVisible();
    await expect(page.getByLabel("Kode OTP tidak masuk ke HP")).toBeChecked();
    await expect(page.getByLabel("5 — Sangat puas")).toBeChecked();
    await expectNoSeriousA11yViolations(page);

    const hardest = unique("Jadwal kerja bentrok dengan sesi LMS");
    await page.locator("#f-hardestOther").fill(hardest);
    await page.getByRole("button", { name: "Kirim jawaban" }).click();
    await expect(page.getByRole("status")).toHaveText("Terima kasih! Jawaban Anda tersimpan.");
    await expect(page.getByText(/Anda bisa mengubah jawaban sampai/)).toBeVisible();
    // Changeable for 7 days: a second send changes the one answer.
    await page.getByLabel("4 — Puas").check();
    // The confirmation reads as before: wait for the action's own answer instead.
    const saved = page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith("/me/survey"));
    await page.getByRole("button", { name: "Simpan perubahan" }).click();
    expect((await saved).status()).toBe(200);
    await expect(page.getByRole("status")).toHaveText("Terima kasih! Jawaban Anda tersimpan.");
    await page.reload();
    await expect(page.getByLabel("4 — Puas")).toBeChecked();
    await expectNoSeriousA11yViolations(page);

    // The JavaScript budget, on the page with the form.
    const size = await measurePageJs(page, "/me/survey");
    console.log(JSON.stringify(size));
    expect(size.scripts).toBeGreaterThan(0);
    expect(size.gzipBytes).toBeLessThanOrEqual(JS_BUDGET_BYTES);
    await context.close();

    await pmo.reload();
    expect(await figure(pmo, "survey-responses")).toBe(before.responses + 1);
    expect(await barCount(pmo, "survey-employment", "Bekerja lagi di luar negeri")).toBe(before.abroad + 1);
    await expect(pmo.locator('[data-section="survey"]').getByText(hardest)).toBeVisible();
    await expectNoSeriousA11yViolations(pmo);
    // The same filters as the dashboard: a period before the programme holds nothing.
    await pmo.goto("/pmo/survey?from=2020-01&to=2020-02");
    expect(await figure(pmo, "survey-responses")).toBe(0);
    await pmoContext.close();
  });
});

test.describe("asking for help", () => {
  test("the caseworker answers with a logged service; the participant reads the answer", async ({ browser }) => {
    const question = `OTP tidak masuk sejak kemarin ${unique("kode")}`;
    const reply = `Sudah saya minta OTP dikirim ulang. Coba masuk lagi sekarang. ${unique("Salam")}`;
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, demo.participant, demo.password);
    await page.goto("/me/help");
    await expect(page.getByText("Pesan Anda dibaca oleh petugas pendamping Anda, Andi Prasetyo.")).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    await page.locator('select[name="topic"]').selectOption("otp_not_received");
    await page.locator('textarea[name="message"]').fill(question);
    await page.getByRole("button", { name: "Kirim pertanyaan" }).click();
    await expect(page.getByRole("status")).toContainText("Pertanyaan Anda terkirim");
    const item = page.locator("li[data-request]", { hasText: question });
    await expect(item.getByText("Menunggu jawaban")).toBeVisible();
    const requestId = (await item.getAttribute("data-request"))!;

    const size = await measurePageJs(page, "/me/help");
    console.log(JSON.stringify(size));
    expect(size.scripts).toBeGreaterThan(0);
    expect(size.gzipBytes).toBeLessThanOrEqual(JS_BUDGET_BYTES);

    // The caseworker: a badge, the participant first in the caseload, a link to answer.
    const staff = await browser.newContext();
    const cw = await staff.newPage();
    await signIn(cw, demo.caseworker1, demo.password);
    await cw.goto("/caseworker");
    await expect(cw.locator('[data-figure="open-requests"]')).toContainText("permintaan bantuan menunggu");
    const rows = cw.locator('ul[aria-label="Peserta dampingan saya"] > li');
    await expect(rows.first().getByText(/\d+ pertanyaan/)).toBeVisible();
    await expect(rows.filter({ hasText: "Siti Aminah" }).getByText(/\d+ pertanyaan/)).toBeVisible();
    await expectNoSeriousA11yViolations(cw);
    await cw.locator(`a[href*="answer=${requestId}"]`).first().click();
    await expect(cw.getByRole("heading", { name: "Jawab pertanyaan peserta" })).toBeVisible();
    await expect(cw.locator("#log blockquote")).toContainText(question);
    await expectNoSeriousA11yViolations(cw);

    const form = cw.locator("#log form");
    // Without the answer, nothing is closed.
    await form.locator('select[name="serviceCode"]').selectOption("phone_otp_verified");
    await form.getByRole("button", { name: "Kirim jawaban dan catat layanan" }).click();
    await expect(cw.locator("#f-answer-error")).toBeVisible();
    await form.locator('textarea[name="answer"]').fill(reply);
    await form.locator('select[name="channel"]').selectOption("whatsapp");
    await form.locator('select[name="outcome"]').selectOption("done");
    await form.getByRole("button", { name: "Kirim jawaban dan catat layanan" }).click();
    await expect(cw.getByText("Jawaban terkirim dan layanan tercatat.")).toBeVisible();
    await expect(cw.locator(`li[data-request="${requestId}"]`).getByText("Sudah dijawab")).toBeVisible();
    const timeline = cw.locator("section", { has: cw.getByRole("heading", { name: "Riwayat" }) });
    await expect(timeline.getByText("Nomor HP diverifikasi dengan OTP").first()).toBeVisible();
    await staff.close();

    // The participant reads the answer on /me and on the request's page.
    await page.goto("/me");
    await expect(page.getByText(reply)).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    await page.goto(`/me/help/${requestId}`);
    await expect(page.getByText("Sudah dijawab")).toBeVisible();
    await expect(page.getByText(/Dijawab .* oleh Andi Prasetyo/)).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    await context.close();

    // The message to the participant went to the outbox and, WhatsApp being their channel
    // (the suite's fake Cloud API), was handed over as a template by the worker.
    const pmoContext = await browser.newContext();
    const pmo = await pmoContext.newPage();
    await signIn(pmo, demo.pmo, demo.password);
    await expect(async () => {
      await pmo.goto("/pmo/outbox?state=sent");
      const row = pmo.locator('tr[data-outbox="help_answered"]').first();
      await expect(row).toContainText("WhatsApp");
      await expect(row).toContainText("diterima server WhatsApp");
    }).toPass({ timeout: 20_000 });
    await expectNoSeriousA11yViolations(pmo);
    await pmoContext.close();
  });

  test("a participant without a caseworker reaches the PMO's queue, and the PMO answers", async ({ browser }) => {
    const name = unique("Tanpa Pendamping");
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto("/register");
    await fillRegistration(page, registrationForm({ fullName: name }));
    await submitRegistration(page);
    await page.waitForURL("**/me");
    await page.goto("/me/help");
    await expect(page.getByText("Anda belum punya petugas pendamping.")).toBeVisible();
    await page.locator('select[name="topic"]').selectOption("other");
    await page.locator('textarea[name="message"]').fill("Kapan saya dihubungi petugas?");
    await page.getByRole("button", { name: "Kirim pertanyaan" }).click();
    await expect(page.getByRole("status")).toContainText("Pertanyaan Anda terkirim");

    const pmoContext = await browser.newContext();
    const pmo = await pmoContext.newPage();
    await signIn(pmo, demo.pmo, demo.password);
    await pmo.goto("/pmo/help");
    const item = pmo.locator("li[data-request]", { hasText: name });
    await expect(item.getByText("Kapan saya dihubungi petugas?")).toBeVisible();
    await expect(item.getByRole("link", { name: "Tugaskan pendamping" })).toHaveAttribute("href", /\/pmo\/caseworkers\?s=/);
    await expectNoSeriousA11yViolations(pmo);
    await item.locator("textarea").fill("Pendamping untuk provinsi Anda akan ditugaskan minggu ini.");
    await item.getByRole("button", { name: "Kirim jawaban" }).click();
    await expect(pmo.getByRole("status")).toHaveText("Jawaban terkirim.");
    await expect(pmo.locator("li[data-request]", { hasText: name })).toHaveCount(0);
    await pmoContext.close();

    await page.goto("/me/help");
    await expect(page.getByText("Pendamping untuk provinsi Anda akan ditugaskan minggu ini.")).toBeVisible();
    await expect(page.getByText(/Dijawab .* oleh kantor program \(PMO\)/)).toBeVisible();
    await context.close();
  });
});

test.describe("contact data", () => {
  test("a participant changes the address freely, and the phone only with the password", async ({ page }) => {
    const form = registrationForm({ fullName: unique("Ganti Kontak"), password: "sandi-kontak-lama" });
    await page.goto("/register");
    await fillRegistration(page, form);
    await submitRegistration(page);
    await page.waitForURL("**/me");
    const contact = page.locator("details", { hasText: "Ubah kontak" });
    await contact.locator("summary").click();
    await contact.locator('textarea[name="address"]').fill("Jl. Anggrek No. 12, RT 003/RW 004, Blitar");
    await contact.getByRole("button", { name: "Simpan kontak" }).click();
    await expect(contact.getByRole("status")).toHaveText("Tersimpan.");
    await expect(page.getByText("Jl. Anggrek No. 12, RT 003/RW 004, Blitar").first()).toBeVisible();

    const newPhone = `0813${String(Date.now()).slice(-8)}`;
    await contact.locator('input[name="phone"]').fill(newPhone);
    await contact.getByRole("button", { name: "Simpan kontak" }).click();
    await expect(page.locator("#f-currentPassword-error")).toHaveText(/Masukkan kata sandi/);
    await expect(contact.locator('input[name="phone"]')).toHaveValue(newPhone);
    await expectNoSeriousA11yViolations(page);
    await contact.locator('input[name="currentPassword"]').fill("sandi-kontak-lama");
    await contact.getByRole("button", { name: "Simpan kontak" }).click();
    await expect(contact.getByRole("status")).toHaveText("Tersimpan.");

    // The new number signs in.
    await page.getByRole("button", { name: "Keluar" }).click();
    await page.waitForURL((url) => url.pathname === "/");
    await signIn(page, newPhone, "sandi-kontak-lama");
    expect(new URL(page.url()).pathname).toBe("/me");
  });

  test("a participant moves province without JavaScript: a regency outside the province is refused beside the field", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const form = registrationForm({ fullName: unique("Pindah Provinsi"), password: "sandi-pindah-lama" });
    // Registered without JavaScript too: the form posts and lands on /me.
    await page.goto("/register");
    await fillRegistration(page, form);
    await submitRegistration(page);
    await page.waitForURL("**/me");
    const contact = page.locator("details", { hasText: "Ubah kontak" });
    await contact.locator("summary").click();
    await contact.locator('select[name="provinceCode"]').selectOption("33");
    await contact.locator('select[name="regencyCode"]').selectOption("3578");
    await contact.getByRole("button", { name: "Simpan kontak" }).click();
    await expect(page.locator("#f-regencyCode-error")).toHaveText(/tidak ada di provinsi yang Anda pilih/);
    await expect(page.locator('select[name="provinceCode"]')).toHaveValue("33");
    await page.locator('select[name="regencyCode"]').selectOption("3374");
    await page.getByRole("button", { name: "Simpan kontak" }).click();
    await expect(page.getByRole("status")).toHaveText("Tersimpan.");
    await expect(page.locator('select[name="provinceCode"]')).toHaveValue("33");
    await expect(page.locator('select[name="regencyCode"]')).toHaveValue("3374");
    await context.close();
  });
});

test.describe("reminders", () => {
  test("a purchase deadline within 3 days shows for the caseworker and for the participant", async ({ browser }) => {
    const staff = await browser.newContext();
    const cw = await staff.newPage();
    await signIn(cw, demo.caseworker1, demo.password);
    await cw.goto("/caseworker");
    const deadlines = cw.locator("section", { has: cw.getByRole("heading", { name: "Batas beli pelatihan dalam 3 hari" }) });
    // The demo worker whose card came 13 days ago.
    const entry = deadlines.locator("li[data-deadline]").first();
    await expect(entry).toBeVisible();
    const days = /(\d+ hari lagi|hari ini)/.exec(await entry.innerText())![1];
    await entry.getByRole("link").click();
    await expect(cw.getByRole("alert").filter({ hasText: "Pelatihan harus dibeli paling lambat" })).toBeVisible();
    // The whole phone is a tel: link (beside a WhatsApp link).
    const phone = (await cw.locator("dt", { hasText: "Nomor HP" }).locator("xpath=following-sibling::dd[1]").locator('a[href^="tel:"]').innerText()).trim();
    await cw.getByRole("button", { name: "Buat kode baru" }).click();
    await expect(cw.locator("#activation-code")).toBeVisible();
    const code = (await cw.locator("#activation-code").innerText()).trim();
    await staff.close();

    const { context, page } = await activate(browser, phone, code);
    const reminder = page.locator('[data-reminder="deadline"]');
    await expect(reminder).toContainText("Beli pelatihan Prakerja paling lambat");
    await expect(reminder).toContainText(days);
    await expectNoSeriousA11yViolations(page);
    await context.close();
  });
});

test.describe("one participant, not another's", () => {
  test("cannot read or post another participant's requests or survey, even posting the forms directly", async ({ browser }) => {
    // The victim: peserta1, with a question of their own.
    const secret = `Rahasia peserta satu ${unique("pesan")}`;
    const victimContext = await browser.newContext();
    const victim = await victimContext.newPage();
    await signIn(victim, demo.participant, demo.password);
    await victim.goto("/me/help");
    await victim.locator('select[name="topic"]').selectOption("no_device_or_data");
    await victim.locator('textarea[name="message"]').fill(secret);
    await victim.getByRole("button", { name: "Kirim pertanyaan" }).click();
    await expect(victim.getByRole("status")).toContainText("Pertanyaan Anda terkirim");
    const victimRequest = (await victim.locator("li[data-request]", { hasText: secret }).getAttribute("data-request"))!;
    const victimId = await victim.locator('main form input[name="participantId"]').inputValue();
    const victimCount = await victim.locator("li[data-request]").count();

    // The other: a completed worker, in a browser without JavaScript (plain HTML forms).
    const other = await completedWorker(browser, unique("Peserta Lain"), { javaScriptEnabled: false });
    const page = other.page;
    const origin = new URL(page.url()).origin;

    const response = await page.goto(`/me/help/${victimRequest}`);
    expect(response?.status()).toBe(404);
    await expect(page.getByText(secret)).toHaveCount(0);
    await page.goto("/me/help");
    await expect(page.getByText(secret)).toHaveCount(0);

    // The help form, posted with the victim's participant id: 404, nothing written.
    const help = await formFieldsOf(page, "main form");
    const postHelp = await other.context.request.post(page.url(), {
      multipart: { ...help, participantId: victimId, topic: "other", message: "Pesan palsu atas nama orang lain" },
      headers: { origin },
      maxRedirects: 0,
    });
    expect(postHelp.status()).toBe(404);

    // The survey form, posted with the victim's participant id: 404, nothing written.
    await page.goto("/me/survey");
    const survey = await formFieldsOf(page, "main form");
    const postSurvey = await other.context.request.post(page.url(), {
      multipart: {
        ...survey,
        participantId: victimId,
        employmentStatus: "looking",
        trainingHelped: "no",
        satisfaction: "1",
        plansAbroad: "no",
      },
      headers: { origin },
      maxRedirects: 0,
    });
    expect(postSurvey.status()).toBe(404);
    await page.goto("/me/survey");
    await expect(page.getByRole("button", { name: "Kirim jawaban" })).toBeVisible(); // still no answer of their own

    // The same forms work without JavaScript for one's own record.
    await page.goto("/me/help");
    await page.locator('select[name="topic"]').selectOption("card_revoked");
    await page.locator('textarea[name="message"]').fill("Dikirim tanpa JavaScript");
    await page.getByRole("button", { name: "Kirim pertanyaan" }).click();
    await expect(page.getByText("Dikirim tanpa JavaScript").last()).toBeVisible();
    await other.context.close();

    await victim.goto("/me/help");
    await expect(victim.locator("li[data-request]")).toHaveCount(victimCount);
    await expect(victim.getByText("Pesan palsu atas nama orang lain")).toHaveCount(0);
    await victim.goto("/me/survey");
    await expect(victim.getByRole("heading", { name: "Survei belum dibuka" })).toBeVisible();
    await victimContext.close();
  });

  test("staff cannot use the participant pages, nor participants the PMO's", async ({ browser }) => {
    const check = async (context: BrowserContext, paths: string[]) => {
      const page = await context.newPage();
      for (const path of paths) {
        const response = await page.goto(path);
        expect(response?.status(), path).toBe(403);
      }
    };
    const cwContext = await browser.newContext();
    await signIn(await cwContext.newPage(), demo.caseworker1, demo.password);
    await check(cwContext, ["/me/survey", "/me/help", "/pmo/help", "/pmo/outbox", "/pmo/survey"]);
    await cwContext.close();
    const participantContext = await browser.newContext();
    await signIn(await participantContext.newPage(), demo.participant, demo.password);
    await check(participantContext, ["/pmo/help", "/pmo/outbox", "/pmo/survey"]);
    await participantContext.close();
  });
});

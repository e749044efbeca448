// Issue 15, "What people tripped on": the case file's answers land where the eye is, the
// log form is one tap from the top, a phone number can be called or messaged, /login says
// what to do about a forgotten password, and / greets a signed-in user with their home.
// All at 360 px (a cheap phone), with JavaScript on and off where a form is involved.
import type { Browser, Locator, Page } from "@playwright/test";
import { demo, expect, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";
import { fillRegistration, registrationForm, submitRegistration } from "./pages";

const PHONE = { width: 360, height: 740 };
test.use({ viewport: PHONE });

/** A worker registered by pendamping1 (in a context of its own, with JavaScript): their case file. */
async function newWorker(browser: Browser) {
  const context = await browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  await signIn(page, demo.caseworker1, demo.password);
  const form = registrationForm({ fullName: `Umpan Balik ${Array.from({ length: 6 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join("")}` });
  await page.goto("/caseworker/register");
  await fillRegistration(page, form);
  await submitRegistration(page);
  await expect(page.locator("#activation-code")).toBeVisible();
  const href = (await page.locator('a[href^="/caseworker/participants/"]').first().getAttribute("href"))!;
  await context.close();
  return { form, href, id: href.split("/").pop()! };
}

/**
 * The answer is where the eye is: on screen, and the focus is on it (or inside it), so a
 * screen reader reads it out and the next Tab starts from there.
 */
async function expectAnswerHasFocus(message: Locator) {
  await expect(message).toBeVisible();
  await expect(message).toBeInViewport();
  await expect
    .poll(() =>
      message.evaluate((el) => {
        const active = document.activeElement;
        return Boolean(active && active !== document.body && (active === el || active.contains(el)));
      }),
    )
    .toBe(true);
}

const section = (page: Page, heading: string) => page.locator("section", { has: page.getByRole("heading", { name: heading, exact: true }) });

for (const javaScriptEnabled of [true, false]) {
  test.describe(`case file answers, JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("each form's confirmation or error takes the focus, in view", async ({ browser, page }) => {
      test.slow(); // a registration and eleven answers
      const worker = await newWorker(browser);
      await signIn(page, demo.caseworker1, demo.password);
      await page.goto(worker.href);

      // Log a service: an error first (no service chosen), then the confirmation.
      const log = page.locator("#log");
      await log.getByRole("button", { name: "Simpan catatan" }).click();
      await expectAnswerHasFocus(log.getByRole("alert"));
      await log.locator('select[name="serviceCode"]').selectOption("prakerja_account");
      await log.getByRole("button", { name: "Simpan catatan" }).click();
      await expectAnswerHasFocus(log.getByRole("status"));
      await expect(log.getByRole("status")).toHaveText("Tersimpan.");

      // Change stage, far down the page on a phone: an error, then the confirmation.
      await page.goto(worker.href);
      const stage = section(page, "Ubah tahap");
      await stage.getByRole("button", { name: "Ubah tahap" }).click();
      await expectAnswerHasFocus(stage.getByRole("alert"));
      await stage.locator('select[name="toStage"]').selectOption("training");
      await stage.locator('input[name="reason"]').fill("Kartu Prakerja diterima");
      await stage.getByRole("button", { name: "Ubah tahap" }).click();
      await expectAnswerHasFocus(stage.getByRole("status"));
      await expect(page.locator("header strong")).toHaveText("Pelatihan");

      // Contact data and milestones.
      await page.goto(worker.href);
      const contact = section(page, "Ubah kontak");
      await contact.locator('textarea[name="address"]').fill("Jl. Umpan Balik No. 15, Malang");
      await contact.getByRole("button", { name: "Simpan kontak" }).click();
      await expectAnswerHasFocus(contact.getByRole("status"));

      await page.goto(worker.href);
      const milestones = section(page, "Ubah tonggak Prakerja");
      await milestones.locator('input[name="wave"]').fill("15");
      await milestones.getByRole("button", { name: "Simpan tonggak" }).click();
      await expectAnswerHasFocus(milestones.getByRole("status"));

      // A new activation code: the code itself takes the focus.
      await page.goto(worker.href);
      const activation = page.locator("section", { has: page.locator("#activation-code-h") });
      await activation.getByRole("button").click();
      await expectAnswerHasFocus(page.locator("#activation-code"));

      // Correcting a record answers by a redirect: the confirmation is at the log form.
      await page.goto(worker.href);
      await section(page, "Riwayat").getByRole("link", { name: "Koreksi" }).first().click();
      await expect(page.getByRole("heading", { name: /Koreksi catatan layanan/ })).toBeVisible();
      await log.locator('select[name="serviceCode"]').selectOption("email_verified");
      await log.getByRole("button", { name: "Simpan catatan" }).click();
      await expect(page.getByRole("heading", { name: "Catat layanan", exact: true })).toBeVisible();
      const confirmation = log.getByRole("status");
      await expect(confirmation).toHaveText(/Koreksi tersimpan/);
      await expect(confirmation).toBeInViewport();
      // Without JavaScript the redirect's #log anchors the page; with it the focus moves too.
      if (javaScriptEnabled) await expectAnswerHasFocus(confirmation);

      if (javaScriptEnabled) await expectNoSeriousA11yViolations(page);
    });
  });
}

test.describe("case file on a phone", () => {
  test("'log a service' is one tap from the top", async ({ browser, page }) => {
    const worker = await newWorker(browser);
    await signIn(page, demo.caseworker1, demo.password);
    await page.goto(worker.href);
    const firstField = page.locator('#log select[name="serviceCode"]');
    await expect(firstField).not.toBeInViewport();
    const jump = page.getByRole("navigation", { name: "Langsung ke" }).getByRole("link", { name: /Catat layanan/ });
    await expect(jump).toBeInViewport();
    await jump.click();
    await expect(page).toHaveURL(/#log$/);
    await expect(page.getByRole("heading", { name: "Catat layanan", exact: true })).toBeInViewport();
    await expect(firstField).toBeInViewport();
  });

  test("the whole phone is a tel: link and a WhatsApp link; masked phones are not links", async ({ browser, page }) => {
    test.slow(); // a registration and two roles signed in
    const worker = await newWorker(browser);
    const digits = worker.form.phone.replace(/\D/g, "");
    await signIn(page, demo.caseworker1, demo.password);
    await page.goto(worker.href);
    const identity = section(page, "Data diri");
    await expect(identity.locator(`a[href="tel:+${digits}"]`)).toHaveText(worker.form.phone);
    await expect(identity.getByRole("link", { name: /WhatsApp/ })).toHaveAttribute("href", `https://wa.me/${digits}`);
    await expectNoSeriousA11yViolations(page);

    // The caseload shows phones masked: no links there.
    await page.goto("/caseworker");
    await expect(page.locator('main a[href^="tel:"], main a[href^="https://wa.me/"]')).toHaveCount(0);

    // The PMO's read-only case file shows the whole phone too.
    const pmoContext = await browser.newContext({ viewport: PHONE });
    const pmo = await pmoContext.newPage();
    await signIn(pmo, demo.pmo, demo.password);
    await pmo.goto(`/pmo/participants/${worker.id}`);
    await expect(pmo.locator(`main a[href="tel:+${digits}"]`)).toHaveText(worker.form.phone);
    await expect(pmo.locator("main").getByRole("link", { name: /WhatsApp/ })).toHaveAttribute("href", `https://wa.me/${digits}`);
    await expectNoSeriousA11yViolations(pmo);
    await pmoContext.close();
  });
});

for (const javaScriptEnabled of [true, false]) {
  test.describe(`sign-in and home, JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("/login says what to do when the password is forgotten", async ({ page }) => {
      await page.goto("/login");
      await page.getByRole("link", { name: "Lupa kata sandi?" }).click();
      await expect(page).toHaveURL(/\/login#lupa-sandi$/);
      const help = page.locator("#lupa-sandi");
      await expect(help.getByRole("heading", { name: "Lupa kata sandi?" })).toBeInViewport();
      await expect(help).toContainText("minta kode aktivasi baru kepada petugas pendamping");
      await expect(help).toContainText("minta kode aktivasi baru kepada PMO");
      await expect(help.getByRole("link", { name: "Buat kata sandi baru dengan kode aktivasi" })).toHaveAttribute("href", "/activate");
      if (javaScriptEnabled) await expectNoSeriousA11yViolations(page);
    });

    test("/ offers a signed-in participant their own page, not register / sign in", async ({ page, browser }) => {
      await page.goto("/");
      await expect(page.locator("main").getByRole("link", { name: "Daftar sekarang" })).toBeVisible();

      await signIn(page, demo.participant, demo.password);
      await page.goto("/");
      const main = page.locator("main");
      await expect(main.getByRole("link", { name: "Buka halaman saya" })).toHaveAttribute("href", "/me");
      await expect(main.getByRole("link", { name: "Daftar sekarang" })).toHaveCount(0);
      await expect(main.locator('a[href="/login"], a[href="/register"]')).toHaveCount(0);
      // axe runs in the page: only with JavaScript.
      if (javaScriptEnabled) await expectNoSeriousA11yViolations(page);
      await main.getByRole("link", { name: "Buka halaman saya" }).click();
      await expect(page).toHaveURL(/\/me$/);

      // Staff are offered their own home too.
      const staff = await browser.newContext({ viewport: PHONE, javaScriptEnabled });
      const caseworker = await staff.newPage();
      await signIn(caseworker, demo.caseworker1, demo.password);
      await caseworker.goto("/");
      await expect(caseworker.locator("main").getByRole("link", { name: "Buka halaman saya" })).toHaveAttribute("href", "/caseworker");
      await staff.close();
    });
  });
}

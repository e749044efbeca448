import type { Browser, Page } from "@playwright/test";
import { demo, expect, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";
import { fillRegistration, registerNewWorker, registrationForm, submitRegistration } from "./pages";

// A phone number proved with a code from WhatsApp, and a forgotten password reset by a
// code. The codes come from the fake WhatsApp Cloud API the suite runs beside the app
// (scripts/fake-whatsapp.mts, playwright.config.ts): the app's worker really hands the
// template message over, and the test reads it as the participant reads their phone.

const FAKE = `http://127.0.0.1:${Number(process.env.FAKE_WHATSAPP_PORT ?? Number(process.env.E2E_PORT ?? 3100) + 99)}`;
const NEW_PASSWORD = "sandi baru dari kode 42";

type Accepted = { to: string; template?: { name: string; components: { type: string; parameters: { text: string }[] }[] }; messageId: string };

/** The code in the newest template of that name that reached the phone (E.164), once it has. */
async function codeOnPhone(page: Page, phone: string, template: "pmi_kode_konfirmasi" | "pmi_kode_atur_sandi", after = 0): Promise<string> {
  let code = "";
  await expect(async () => {
    const accepted = (await (await page.request.get(`${FAKE}/__fake/accepted`)).json()) as Accepted[];
    const mine = accepted.slice(after).filter((m) => m.to === phone.slice(1) && m.template?.name === template);
    expect(mine.length, `a ${template} message to ${phone}`).toBeGreaterThan(0);
    code = mine.at(-1)!.template!.components.find((c) => c.type === "body")!.parameters[0].text;
  }).toPass({ timeout: 20_000 });
  expect(code).toMatch(/^\d{6}$/);
  return code;
}

async function acceptedCount(page: Page): Promise<number> {
  return ((await (await page.request.get(`${FAKE}/__fake/accepted`)).json()) as unknown[]).length;
}

/** On /me: sends a confirmation code, reads it from the phone, types it in. */
async function confirmOwnPhone(page: Page, phone: string): Promise<void> {
  await page.goto("/me");
  const section = page.locator("#phone");
  const before = await acceptedCount(page);
  await section.getByRole("button", { name: "Kirim kode lewat WhatsApp" }).click();
  await expect(page.getByText(/Kode dikirim ke WhatsApp \+62/)).toBeVisible();
  const code = await codeOnPhone(page, phone, "pmi_kode_konfirmasi", before);
  await page.locator('input[name="code"]').fill(code);
  await page.getByRole("button", { name: "Konfirmasi", exact: true }).click();
  await expect(page.locator('[data-phone="confirmed"]')).toBeVisible();
}

async function resetByCode(browser: Browser, phone: string, javaScriptEnabled: boolean): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByRole("link", { name: "Atur ulang kata sandi dengan kode" }).click();
  await expect(page.getByRole("heading", { name: "Lupa kata sandi", level: 1 })).toBeVisible();
  const before = await acceptedCount(page);
  await page.locator('input[name="identifier"]').fill(`0${phone.slice(3)}`);
  await page.getByRole("button", { name: "Kirim kode" }).click();
  await expect(page.getByText(/Jika ada akun dengan email atau nomor HP itu/)).toBeVisible();
  const code = await codeOnPhone(page, phone, "pmi_kode_atur_sandi", before);
  // A wrong code first: one answer, nothing changed.
  await page.locator('input[name="code"]').fill(code === "000000" ? "111111" : "000000");
  await page.locator('input[name="password"]').fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Simpan kata sandi baru" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("Kode salah atau sudah tidak berlaku");
  await page.locator('input[name="code"]').fill(code);
  await page.locator('input[name="password"]').fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Simpan kata sandi baru" }).click();
  await page.waitForURL("**/login?reset=done");
  await expect(page.getByText("Kata sandi baru sudah disimpan.")).toBeVisible();
  return page;
}

test.describe("a phone confirmed by a code, and a password reset by code", () => {
  test("with JavaScript: confirm the phone on /me, reset the password from /login; the old session is gone", async ({ browser }) => {
    const { context, page, form } = await registerNewWorker(browser, "Wulan Konfirmasi");
    await expect(page.locator('[data-phone="confirmed"]')).toHaveCount(0);
    await confirmOwnPhone(page, form.phone);
    await expectNoSeriousA11yViolations(page);

    // A new code may not be typed in twice: the form is gone once confirmed.
    await page.reload();
    await expect(page.locator("#phone")).toHaveCount(0);

    const other = await resetByCode(browser, form.phone, true);
    await expectNoSeriousA11yViolations(other);
    await signIn(other, form.phone, NEW_PASSWORD);
    await expect(other).toHaveURL(/\/me$/);

    // The session that was open before the reset has ended.
    await page.goto("/me");
    await expect(page).toHaveURL(/\/login/);
    await context.close();
    await other.context().close();
  });

  test("without JavaScript: the same, each step a plain form post", async ({ browser }) => {
    const { context, page, form } = await registerNewWorker(browser, "Sari Tanpa Skrip", { javaScriptEnabled: false });
    await confirmOwnPhone(page, form.phone);
    const other = await resetByCode(browser, form.phone, false);
    await signIn(other, form.phone, NEW_PASSWORD);
    await page.goto("/me");
    await expect(page).toHaveURL(/\/login/);
    await context.close();
    await other.context().close();
  });

  test("an unconfirmed phone gets no reset code, and the answer is the same as for an unknown number", async ({ browser }) => {
    const { context, form } = await registerNewWorker(browser, "Dina Belum Konfirmasi");
    await context.close();
    const fresh = await browser.newContext();
    const page = await fresh.newPage();
    const answers: string[] = [];
    for (const identifier of [`0${form.phone.slice(3)}`, "081299990000"]) {
      await page.goto("/reset-password");
      const before = await acceptedCount(page);
      await page.locator('input[name="identifier"]').fill(identifier);
      await page.getByRole("button", { name: "Kirim kode" }).click();
      const message = page.getByText(/Jika ada akun dengan email atau nomor HP itu/);
      await expect(message).toBeVisible();
      answers.push(await message.innerText());
      // Give the worker time to have sent anything it was going to send.
      await page.waitForTimeout(1500);
      expect(await acceptedCount(page)).toBe(before);
    }
    expect(answers[0]).toBe(answers[1]);
    await fresh.close();
  });

  test("the caseworker, sitting with the worker, confirms the phone on the case file", async ({ page, browser }) => {
    await signIn(page, demo.caseworker1, demo.password);
    const form = registrationForm({ fullName: "Rina Didampingi" });
    await page.goto("/caseworker/register");
    await fillRegistration(page, form);
    await submitRegistration(page);
    await page.getByRole("link", { name: "Buka halaman peserta" }).click();
    await expect(page.locator('[data-phone="unconfirmed"]')).toBeVisible();
    const section = page.locator("#phone");
    await expect(section.getByRole("heading", { name: "Konfirmasi nomor HP" })).toBeVisible();
    const before = await acceptedCount(page);
    await section.getByRole("button", { name: "Kirim kode lewat WhatsApp" }).click();
    await expect(page.getByText(/Kode dikirim ke WhatsApp/)).toBeVisible();
    // The worker reads the code out from their phone.
    const code = await codeOnPhone(page, form.phone, "pmi_kode_konfirmasi", before);
    await section.locator('input[name="code"]').fill(code);
    await section.getByRole("button", { name: "Konfirmasi", exact: true }).click();
    await expect(page.locator('[data-phone="confirmed"]')).toBeVisible();
    // The case file lists the messages to the worker with their last status: the
    // activation code and the confirmation code, both handed to WhatsApp.
    await expect(async () => {
      await page.reload();
      for (const kind of ["activation_code", "phone_confirmation"]) {
        await expect(page.locator(`#messages li[data-message="${kind}"]`).first()).toContainText("diterima server WhatsApp");
      }
    }).toPass({ timeout: 20_000 });
    await expectNoSeriousA11yViolations(page);

    // Another caseworker cannot even open the case file, let alone send a code.
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await signIn(otherPage, demo.caseworker2, demo.password);
    const response = await otherPage.goto(page.url());
    expect(response?.status()).toBe(404);
    await other.close();
  });
});

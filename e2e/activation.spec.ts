import type { Browser, Page } from "@playwright/test";
import { demo, expect, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";
import { JS_BUDGET_BYTES, measurePageJs } from "./js-size";
import { fillRegistration, registrationForm, submitRegistration } from "./pages";

// Assisted registration and activation: a caseworker registers a worker, who gets a
// one-time code, sets a password at /activate and lands on /me.

const CODE = /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}$/;
const PASSWORD = "kata-sandi-pekerja-1";

/** As the caseworker: registers the worker at /caseworker/register and returns the code shown. */
async function registerAssisted(page: Page, form: Record<string, string>): Promise<string> {
  await page.goto("/caseworker/register");
  await expect(page.locator('[name="password"]')).toHaveCount(0);
  await fillRegistration(page, form);
  await submitRegistration(page);
  const code = (await page.locator("#activation-code").innerText()).trim();
  expect(code).toMatch(CODE);
  return code;
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Keluar" }).click();
  await page.waitForURL((url) => url.pathname === "/");
}

async function activate(page: Page, identifier: string, code: string, password = PASSWORD): Promise<void> {
  await page.goto("/activate");
  await page.locator('[name="identifier"]').fill(identifier);
  await page.locator('[name="code"]').fill(code);
  await page.locator('[name="password"]').fill(password);
  await page.locator("form").filter({ has: page.locator('[name="code"]') }).locator('button[type="submit"]').click();
}

/** The form's own message (Next's route announcer is an alert too, outside <main>). */
const formAlert = (page: Page) => page.getByRole("main").getByRole("alert");

/** The worker's phone as they might type it at home: 0813… instead of +62813…. */
const localPhone = (e164: string) => `0${e164.slice(3)}`;

async function freshPage(browser: Browser, javaScriptEnabled = true) {
  const context = await browser.newContext({ javaScriptEnabled });
  return { context, page: await context.newPage() };
}

test.describe("assisted registration and activation", () => {
  test("a caseworker registers a worker, who activates the account with the code and lands on /me", async ({
    page,
    browser,
  }) => {
    const form = registrationForm({ fullName: "Yuliani Aktivasi" });
    await signIn(page, demo.caseworker1, demo.password);
    const code = await registerAssisted(page, form);

    await expect(page.getByRole("heading", { level: 2 })).toContainText("Yuliani Aktivasi sudah terdaftar");
    await expect(page.getByText(/Berlaku sampai .+ WIB/)).toBeVisible();
    await expect(page.getByText(/\/activate di HP/)).toBeVisible();
    await expect(page.getByRole("link", { name: "Buka halaman peserta" })).toHaveAttribute(
      "href",
      /^\/caseworker\/participants\/[0-9a-f-]{36}$/,
    );

    // Reloading the page does not show the code again.
    await page.goto("/caseworker/register");
    await expect(page.locator("#activation-code")).toHaveCount(0);
    await expect(page.getByText(code)).toHaveCount(0);

    await signOut(page);
    await activate(page, localPhone(form.phone), code.toLowerCase());
    await page.waitForURL("**/me");
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Yuliani Aktivasi");
    await expect(page.getByText("Pendaftaran").first()).toBeVisible();

    // The same code a second time (somewhere else, with another password) is refused.
    const other = await freshPage(browser);
    await activate(other.page, form.phone, code, "kata-sandi-lain-2");
    await expect(formAlert(other.page)).toContainText("sudah dipakai");
    await expect(other.page).toHaveURL(/\/activate$/);
    await expect(other.page.locator('[name="password"]')).toHaveValue("");
    await other.context.close();

    // …and the password the worker chose still signs them in.
    const again = await freshPage(browser);
    await signIn(again.page, form.phone, PASSWORD);
    await expect(again.page).toHaveURL(/\/me$/);
    await again.context.close();
  });

  test("a wrong code is refused with the same message as an unknown phone number", async ({ page }) => {
    await activate(page, "0813 0000 0001", "2345-6789");
    const unknown = await formAlert(page).innerText();
    expect(unknown).toContain("Periksa lagi");
    await activate(page, demo.participant, "2345-6789");
    // The error summary's heading and message, read as a person reads them.
    await expect.poll(() => formAlert(page).innerText()).toBe(unknown);
    await expect(page.locator('[name="identifier"]')).toHaveValue(demo.participant);
  });

  test("asks for the missing fields and the password rule beside each field", async ({ page }) => {
    await activate(page, "", "", "pendek");
    await expect(page.locator("#f-identifier-error")).toHaveText(/wajib diisi/);
    await expect(page.locator("#f-code-error")).toHaveText(/wajib diisi/);
    await activate(page, "081300000002", "2345-6789", "pendek");
    await expect(page.locator("#f-password-error")).toHaveText(/paling sedikit 8 karakter/);
  });

  test("works with JavaScript turned off, from registration to /me", async ({ browser }) => {
    const { context, page } = await freshPage(browser, false);
    const form = registrationForm({ fullName: "Tanpa Skrip Aktivasi", migrantStatus: "calon", returnDate: "" });
    await signIn(page, demo.caseworker1, demo.password);
    const code = await registerAssisted(page, form);
    await signOut(page);
    await activate(page, localPhone(form.phone), code);
    await page.waitForURL("**/me");
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Tanpa Skrip Aktivasi");
    await context.close();
  });
});

test.describe("assisted registration, submitted twice", () => {
  test("makes one participant and shows the code once", async ({ browser }) => {
    // Without JavaScript nothing disables the button, so two posts of the same form go out.
    const { context, page } = await freshPage(browser, false);
    await signIn(page, demo.caseworker1, demo.password);
    await page.goto("/caseworker/register");
    const form = registrationForm({ fullName: "Dua Kali Daftar" });
    await fillRegistration(page, form);
    const body = await page.locator("form").filter({ has: page.locator('[name="nik"]') }).evaluate((f) =>
      [...new FormData(f as HTMLFormElement).entries()].map(([k, v]) => [k, String(v)]),
    );
    const post = () => context.request.post("/caseworker/register", { multipart: Object.fromEntries(body), maxRedirects: 0 });
    const answers = await Promise.all([post(), post()]);
    expect(answers.map((a) => a.status())).toEqual([200, 200]);
    // The page's own content (the payload for the browser after it repeats much of it).
    const html = (await Promise.all(answers.map((a) => a.text()))).map((h) => /<main[\s\S]*?<\/main>/.exec(h)?.[0] ?? "");
    expect(html.filter((h) => /<p id="activation-code"[^>]*>[2-9A-Z]{4}-[2-9A-Z]{4}</.test(h))).toHaveLength(1);
    expect(html.filter((h) => h.includes("Pendaftaran ini sudah tersimpan"))).toHaveLength(1);

    // The NIK exists exactly once: registering it again is refused.
    await page.goto("/caseworker/register");
    await fillRegistration(page, registrationForm({ nik: form.nik, birthDate: form.birthDate, sex: form.sex }));
    await submitRegistration(page);
    await expect(page.locator("#f-nik-error")).toHaveText(/sudah terdaftar/);
    await context.close();
  });
});

test.describe("a new code from the participant's page", () => {
  test("replaces the old code, with and without JavaScript", async ({ page, browser }) => {
    const form = registrationForm({ fullName: "Kode Baru Sekali" });
    await signIn(page, demo.caseworker1, demo.password);
    const first = await registerAssisted(page, form);
    await page.getByRole("link", { name: "Buka halaman peserta" }).click();
    await page.waitForURL(/\/caseworker\/participants\/[0-9a-f-]{36}$/);
    const participantPage = page.url();

    await page.getByRole("button", { name: "Buat kode baru" }).click();
    const second = (await page.locator("#activation-code").innerText()).trim();
    expect(second).toMatch(CODE);
    expect(second).not.toBe(first);

    // Without JavaScript the form posts and the answer page shows the code.
    const noJs = await freshPage(browser, false);
    await signIn(noJs.page, demo.caseworker1, demo.password);
    await noJs.page.goto(participantPage);
    await expect(noJs.page.locator("#activation-code")).toHaveCount(0);
    await noJs.page.getByRole("button", { name: "Buat kode baru" }).click();
    const third = (await noJs.page.locator("#activation-code").innerText()).trim();
    expect(third).toMatch(CODE);
    await noJs.context.close();

    // Only the newest code works.
    const worker = await freshPage(browser);
    for (const old of [first, second]) {
      await activate(worker.page, form.phone, old);
      await expect(formAlert(worker.page)).toContainText("tidak berlaku");
    }
    await activate(worker.page, form.phone, third);
    await worker.page.waitForURL("**/me");
    await expect(worker.page.getByRole("heading", { level: 1 })).toContainText("Kode Baru Sekali");
    await worker.context.close();
  });
});

test.describe("who may register a worker", () => {
  test("a visitor without a session is sent to /login", async ({ page }) => {
    await page.goto("/caseworker/register");
    await expect(page).toHaveURL(/\/login$/);
  });

  for (const who of [
    { role: "participant", email: demo.participant },
    { role: "PMO", email: demo.pmo },
  ] as const) {
    test(`a ${who.role} gets 403 and no form at /caseworker/register`, async ({ page }) => {
      await signIn(page, who.email, demo.password);
      const response = await page.goto("/caseworker/register");
      expect(response?.status()).toBe(403);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Anda tidak punya akses ke halaman ini");
      await expect(page.locator('[name="nik"]')).toHaveCount(0);
    });
  }
});

test.describe("accessibility (axe: no serious or critical violations)", () => {
  // Two axe runs over the longest form plus a registration (argon2 twice): 25 s on a busy
  // 2-core machine, so the default 60 s leaves too little room.
  test.slow();

  test("/caseworker/register, before and after registering", async ({ page }) => {
    await signIn(page, demo.caseworker1, demo.password);
    await page.goto("/caseworker/register");
    await expectNoSeriousA11yViolations(page);
    await registerAssisted(page, registrationForm());
    await expectNoSeriousA11yViolations(page);
  });

  test("/activate, empty and showing errors", async ({ page }) => {
    await page.goto("/activate");
    await expectNoSeriousA11yViolations(page);
    await activate(page, "", "", "");
    await page.locator("#f-code-error").waitFor();
    await expectNoSeriousA11yViolations(page);
  });
});

test("/activate stays within the JavaScript budget (workers open it on cheap phones)", async ({ page }) => {
  const size = await measurePageJs(page, "/activate");
  console.log(JSON.stringify(size));
  expect(size.gzipBytes).toBeLessThanOrEqual(JS_BUDGET_BYTES);
});

import { expect, test } from "./fixtures";
import { fieldError, fillRegistration, registrationForm, submitRegistration } from "./pages";
import { makeNik } from "../lib/testing/identity";

test.describe("self-registration", () => {
  test("a worker registers, is signed in and lands on /me", async ({ page }) => {
    const form = registrationForm({ fullName: "Rina Marlina" });
    await page.goto("/register");
    await fillRegistration(page, form);
    await submitRegistration(page);
    await page.waitForURL("**/me");
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Rina Marlina");
    await expect(page.getByText("Pendaftaran").first()).toBeVisible();
    await expect(page.getByText("Belum ada petugas pendamping")).toBeVisible();
    await expect(page.getByText(`••••••••••••${form.nik.slice(12)}`)).toBeVisible();
  });

  const refusals: { name: string; field: string; message: RegExp; form: () => Record<string, string> }[] = [
    {
      name: "a NIK that is not 16 digits",
      field: "nik",
      message: /NIK harus 16 angka/,
      form: () => registrationForm({ nik: "31740157905" }),
    },
    {
      name: "a NIK whose birth date disagrees with the birth date given",
      field: "nik",
      message: /Tanggal lahir tidak sama dengan tanggal lahir di NIK/,
      form: () => {
        const f = registrationForm();
        return { ...f, nik: makeNik({ birthDate: "1991-05-17", sex: "P" }) };
      },
    },
    {
      name: "a worker under 18",
      field: "birthDate",
      message: /18 tahun/,
      form: () => {
        const y = new Date().getFullYear() - 17;
        const birthDate = `${y}-01-10`;
        return registrationForm({ birthDate, nik: makeNik({ birthDate, sex: "P" }) });
      },
    },
    {
      name: "no consent",
      field: "consent",
      message: /persetujuan|setuju/i,
      form: () => registrationForm({ consent: "" }),
    },
  ];

  for (const r of refusals) {
    test(`refuses ${r.name}, beside the field, keeping what was typed`, async ({ page }) => {
      const form = r.form();
      await page.goto("/register");
      await fillRegistration(page, form);
      await submitRegistration(page);
      await expect(fieldError(page, r.field)).toHaveText(r.message);
      await expect(page).toHaveURL(/\/register$/);
      await expect(page.locator('[name="fullName"]')).toHaveValue(form.fullName);
      await expect(page.locator('[name="phone"]')).toHaveValue(form.phone);
      await expect(page.locator('select[name="regencyCode"]')).toHaveValue(form.regencyCode);
      await expect(page.locator('[name="password"]')).toHaveValue("");
    });
  }

  test("refuses a NIK that is already registered", async ({ page, browser }) => {
    const first = registrationForm();
    const other = await browser.newContext();
    const p1 = await other.newPage();
    await p1.goto("/register");
    await fillRegistration(p1, first);
    await submitRegistration(p1);
    await p1.waitForURL("**/me");
    await other.close();

    const second = registrationForm({ nik: first.nik, birthDate: first.birthDate, sex: first.sex });
    await page.goto("/register");
    await fillRegistration(page, second);
    await submitRegistration(page);
    // One answer for a NIK, phone or email registered already, on the form, naming none of them.
    await expect(page.locator("main").getByRole("alert").filter({ hasText: /sudah terdaftar/ })).toContainText("kode aktivasi");
    await expect(fieldError(page, "nik")).toHaveCount(0);
  });

  test("refuses a third participant on one family card (KK)", async ({ browser, page }) => {
    const kk = registrationForm().kk;
    for (let i = 0; i < 2; i++) {
      const context = await browser.newContext();
      const p = await context.newPage();
      await p.goto("/register");
      await fillRegistration(p, registrationForm({ kk }));
      await submitRegistration(p);
      await p.waitForURL("**/me");
      await context.close();
    }
    await page.goto("/register");
    await fillRegistration(page, registrationForm({ kk }));
    await submitRegistration(page);
    await expect(fieldError(page, "kk")).toHaveText(/Sudah ada 2 peserta/);
  });

  test("works with JavaScript turned off, errors included", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto("/register");
    const bad = registrationForm({ nik: "123" });
    await fillRegistration(page, bad);
    await submitRegistration(page);
    await expect(fieldError(page, "nik")).toHaveText(/NIK harus 16 angka/);
    await expect(page.locator('[name="fullName"]')).toHaveValue(bad.fullName);

    const good = registrationForm({ fullName: "Tanpa Javascript" });
    await fillRegistration(page, good);
    await submitRegistration(page);
    await page.waitForURL("**/me");
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Tanpa Javascript");
    await context.close();
  });

  test("a double submit creates one participant", async ({ browser }) => {
    // Without JavaScript nothing disables the button, so two posts of the same form go out.
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto("/register");
    const form = registrationForm({ fullName: "Dua Kali Klik" });
    await fillRegistration(page, form);
    const body = await page.locator("form").filter({ has: page.locator('[name="nik"]') }).evaluate((f) =>
      [...new FormData(f as HTMLFormElement).entries()].map(([k, v]) => [k, String(v)]),
    );
    const post = () => context.request.post("/register", { multipart: Object.fromEntries(body), maxRedirects: 0, headers: { origin: new URL(page.url()).origin } });
    const [a, b] = await Promise.all([post(), post()]);
    expect([a.status(), b.status()].every((s) => s < 500)).toBe(true);
    // Either way the worker ends up signed in as the one participant.
    await page.goto("/me");
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Dua Kali Klik");

    // The second registration with the same NIK is refused: the first one exists exactly once.
    const again = await browser.newContext();
    const p2 = await again.newPage();
    await p2.goto("/register");
    await fillRegistration(p2, registrationForm({ nik: form.nik, birthDate: form.birthDate, sex: form.sex }));
    await submitRegistration(p2);
    await expect(p2.locator("main").getByRole("alert").filter({ hasText: /sudah terdaftar/ })).toBeVisible();
    await again.close();
    await context.close();
  });
});

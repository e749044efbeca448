import { expect, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";
import { registerNewWorker } from "./pages";

// /account/password: a fresh participant (so the demo accounts keep their passwords)
// changes the password on one device; that device stays signed in, the other is signed
// out, the old password no longer works and the new one does. With and without JavaScript.

const registered = registerNewWorker;

for (const javaScriptEnabled of [true, false]) {
  test(`changing the password ends the other sessions and keeps this one (JavaScript ${javaScriptEnabled ? "on" : "off"})`, async ({ browser }) => {
    test.slow();
    const first = await registered(browser, javaScriptEnabled ? "Wulan Sandi Baru" : "Wulan Tanpa Skrip");
    const otherDevice = await browser.newContext();
    const other = await otherDevice.newPage();
    await signIn(other, first.form.phone, first.form.password);
    await other.goto("/me");
    await expect(other).toHaveURL(/\/me$/);

    const device = javaScriptEnabled ? first.context : await browser.newContext({ javaScriptEnabled: false });
    const page = javaScriptEnabled ? first.page : await device.newPage();
    if (!javaScriptEnabled) await signIn(page, first.form.phone, first.form.password);

    await page.getByRole("link", { name: "Kata sandi", exact: true }).click();
    await page.waitForURL("**/account/password");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Ubah kata sandi");
    if (javaScriptEnabled) await expectNoSeriousA11yViolations(page);

    // Refusals beside the fields, nothing changed.
    await page.locator('input[name="currentPassword"]').fill("bukan-sandi-saya");
    await page.locator('input[name="newPassword"]').fill("kebun teh di puncak bogor");
    await page.getByRole("button", { name: "Ubah kata sandi" }).click();
    await expect(page.locator("#f-currentPassword-error")).toContainText("Kata sandi sekarang salah");
    await page.locator('input[name="currentPassword"]').fill(first.form.password);
    await page.locator('input[name="newPassword"]').fill("password123");
    await page.getByRole("button", { name: "Ubah kata sandi" }).click();
    await expect(page.locator("#f-newPassword-error")).toContainText("terlalu umum");

    const newPassword = `kebun teh ${javaScriptEnabled ? "pagi" : "sore"} di puncak`;
    await page.locator('input[name="currentPassword"]').fill(first.form.password);
    await page.locator('input[name="newPassword"]').fill(newPassword);
    await page.getByRole("button", { name: "Ubah kata sandi" }).click();
    await page.waitForURL(/\/account\/password\?changed=1$/);
    await expect(page.getByText("Kata sandi sudah diubah")).toBeVisible();
    // This device is still signed in.
    await page.goto("/me");
    await expect(page).toHaveURL(/\/me$/);

    // The other device is signed out.
    await other.goto("/me");
    await expect(other).toHaveURL(/\/login/);

    // The old password no longer signs in; the new one does.
    const fresh = await (await browser.newContext()).newPage();
    await fresh.goto("/login");
    await fresh.locator('input[name="identifier"]').fill(first.form.phone);
    await fresh.locator('input[name="password"]').fill(first.form.password);
    await fresh.getByRole("button", { name: "Masuk" }).click();
    await expect(fresh.getByText("Email/nomor HP atau kata sandi salah.")).toBeVisible();
    await expect(fresh).toHaveURL(/\/login/);
    await signIn(fresh, first.form.phone, newPassword);
    await fresh.goto("/me");
    await expect(fresh).toHaveURL(/\/me$/);
  });
}

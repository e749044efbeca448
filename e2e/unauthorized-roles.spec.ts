import { demo, expect, signIn, test } from "./fixtures";

// The wrong user sees nothing: each role's pages answer 403 to the other roles and send
// visitors without a session to /login.

test("a visitor without a session is sent to /login from every role's page", async ({ page }) => {
  for (const path of ["/me", "/caseworker", "/pmo"]) {
    await page.goto(path);
    await expect(page, path).toHaveURL(/\/login$/);
  }
});

const cases = [
  { who: "participant", email: demo.participant, refused: ["/caseworker", "/pmo"] },
  { who: "caseworker", email: demo.caseworker1, refused: ["/me", "/pmo"] },
  { who: "PMO", email: demo.pmo, refused: ["/me", "/caseworker"] },
  { who: "regional coordinator", email: demo.coordinator1, refused: ["/me", "/caseworker"] },
] as const;

for (const c of cases) {
  test(`a ${c.who} gets 403 and no data on ${c.refused.join(" and ")}`, async ({ page }) => {
    await signIn(page, c.email, demo.password);
    for (const path of c.refused) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(403);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Anda tidak punya akses ke halaman ini");
      const html = await page.content();
      // No caseload table, no programme figures, no masked NIKs of anybody.
      expect(html).not.toMatch(/\d{4}••••••••\d{4}/);
      expect(html).not.toContain("Peserta dampingan saya");
      expect(html).not.toContain("Ringkasan program");
    }
  });
}

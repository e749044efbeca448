import { demo, expect, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";

test.describe("PMO dashboard", () => {
  test("shows June and July 2021 against their targets of 23 and 69", async ({ page }) => {
    await signIn(page, demo.pmo, demo.password);
    await page.goto("/pmo?from=2021-06&to=2021-07");
    const june = page.locator('tr[data-month="2021-06"]');
    const july = page.locator('tr[data-month="2021-07"]');
    await expect(june.locator("td").nth(1)).toHaveText("23");
    await expect(july.locator("td").nth(1)).toHaveText("69");
    await expect(page.getByText("Total target periode ini: 92")).toBeVisible();
    await expect(page.getByRole("progressbar").first()).toBeVisible();
    for (const stage of ["registration", "training", "lms", "completed"]) {
      await expect(page.locator(`tr[data-stage="${stage}"]`)).toBeVisible();
    }
    await expectNoSeriousA11yViolations(page);
  });

  test("filters by province, status and source through the query string", async ({ page }) => {
    await signIn(page, demo.pmo, demo.password);
    await page.goto("/pmo?from=2021-06&to=2021-07");
    const all = Number((await page.locator('[data-figure="registered"]').innerText()).replace(/\D/g, ""));
    await page.locator('select[name="provinceCode"]').selectOption("35");
    await page.locator('select[name="migrantStatus"]').selectOption("mantan");
    await page.getByRole("button", { name: "Tampilkan" }).click();
    await expect(page).toHaveURL(/provinceCode=35/);
    const some = Number((await page.locator('[data-figure="registered"]').innerText()).replace(/\D/g, ""));
    expect(some).toBeLessThan(all);
    await expect(page.locator('select[name="provinceCode"]')).toHaveValue("35");
  });

  test("the PMO sets a monthly target, and a bad one is refused beside its field", async ({ page }) => {
    await signIn(page, demo.pmo, demo.password);
    await page.goto("/pmo?from=2021-06&to=2021-08");
    const section = page.locator("section", { has: page.getByRole("heading", { name: "Atur target bulanan" }) });
    await section.locator('input[name="month"]').fill("2021-08");
    await section.locator('input[name="count"]').fill("-5");
    await section.getByRole("button", { name: "Simpan target" }).click();
    await expect(section.locator("#f-count-error")).toHaveText(/bilangan bulat/);
    await section.locator('input[name="count"]').fill("120");
    await section.getByRole("button", { name: "Simpan target" }).click();
    await expect(page.locator('tr[data-month="2021-08"] td').nth(1)).toHaveText("120");
  });
});

import { expect, test } from "./fixtures";

// Country names in the reader's language come from CLDR (Intl.DisplayNames): the old list
// had English names and misspellings in its Indonesian ("Sweden", "Guatamala").
test.use({ viewport: { width: 360, height: 740 } });

test("the registration form names countries in Indonesian, and in English on the switch", async ({ page }) => {
  await page.goto("/register");
  const country = page.locator('select[name="countryCode"]');
  await expect(country.locator('option[value="SE"]')).toHaveText("Swedia");
  await expect(country.locator('option[value="AX"]')).toHaveText("Kepulauan Aland");
  await expect(country.locator('option[value="GT"]')).toHaveText("Guatemala");
  await expect(country.locator("option", { hasText: /^(Sweden|Guatamala)$/ })).toHaveCount(0);

  await page.getByRole("button", { name: /English/ }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.locator('select[name="countryCode"] option[value="SE"]')).toHaveText("Sweden");
});

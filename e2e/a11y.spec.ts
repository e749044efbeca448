import { demo, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";
import { fillRegistration, registrationForm, submitRegistration } from "./pages";

test.describe("accessibility (axe: no serious or critical violations)", () => {
  for (const path of ["/", "/register", "/login"]) {
    test(path, async ({ page }) => {
      await page.goto(path);
      await expectNoSeriousA11yViolations(page);
    });
  }

  test("/register showing errors", async ({ page }) => {
    await page.goto("/register");
    await fillRegistration(page, registrationForm({ nik: "1", consent: "" }));
    await submitRegistration(page);
    await page.locator("#f-nik-error").waitFor();
    await expectNoSeriousA11yViolations(page);
  });

  test("/me", async ({ page }) => {
    await signIn(page, demo.participant, demo.password);
    await page.goto("/me");
    await expectNoSeriousA11yViolations(page);
  });
});

// The JavaScript budget: a page must not make a phone download more than 170 KiB of
// gzipped JavaScript. Measured on a production build (see playwright.config.ts).
import { demo, expect, signIn, test } from "./fixtures";
import { JS_BUDGET_BYTES, measurePageJs } from "./js-size";

test.describe("JavaScript budget", () => {
  test("/register (anonymous) stays within the budget", async ({ page }) => {
    const size = await measurePageJs(page, "/register");
    console.log(JSON.stringify(size));
    expect(size.scripts, "the page loads at least one script").toBeGreaterThan(0);
    expect(size.gzipBytes).toBeLessThanOrEqual(JS_BUDGET_BYTES);
  });

  test("/me (participant) stays within the budget", async ({ page }) => {
    await signIn(page, demo.participant, demo.password);
    const size = await measurePageJs(page, "/me");
    expect(new URL(page.url()).pathname, "the participant stays on /me").toBe("/me");
    console.log(JSON.stringify(size));
    expect(size.scripts, "the page loads at least one script").toBeGreaterThan(0);
    expect(size.gzipBytes).toBeLessThanOrEqual(JS_BUDGET_BYTES);
  });
});

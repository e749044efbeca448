// The JavaScript budget: a page a participant opens must not make their phone download
// more than 150,000 bytes of gzipped JavaScript; a staff page, 170 KiB. Measured on a
// production build (see playwright.config.ts); each page's figures are printed.
import { appRoutes } from "./app-routes";
import { demo, expect, signIn, test } from "./fixtures";
import { BUDGET_PAGES, PARTICIPANT_JS_BUDGET_BYTES, measurePageJs, urlOfPage } from "./js-size";

test("every page a participant can open has the participant budget", () => {
  const participantPages = appRoutes(["page.tsx"])
    .filter((page) => !/^\/(caseworker|pmo)(\/|$)/.test(page))
    .sort();
  const budgeted = BUDGET_PAGES.filter((entry) => entry.budget === PARTICIPANT_JS_BUDGET_BYTES)
    .map((entry) => entry.path)
    .sort();
  expect(budgeted).toEqual(participantPages);
});

const accounts = { participant: demo.participant, caseworker: demo.caseworker1, pmo: demo.pmo } as const;

test.describe("JavaScript budget", () => {
  for (const entry of BUDGET_PAGES) {
    test(`${entry.path} (${entry.as}) stays within ${entry.budget.toLocaleString("en")} bytes`, async ({ page }) => {
      if (entry.as !== "anonymous") await signIn(page, accounts[entry.as], demo.password);
      const size = { ...(await measurePageJs(page, urlOfPage(entry.path), { files: true })), page: entry.path };
      const { files = [], ...figures } = size;
      console.log(JSON.stringify({ ...figures, budgetBytes: entry.budget }));
      if (entry.as !== "anonymous") {
        expect(new URL(page.url()).pathname, `the ${entry.as} stays on the page`).toBe(urlOfPage(entry.path));
      }
      expect(size.scripts, "the page loads at least one script").toBeGreaterThan(0);
      expect(
        size.gzipBytes,
        `${entry.path}: ${size.gzipBytes} bytes of gzipped JavaScript; largest files: ${files
          .slice(0, 5)
          .map((file) => `${file.path} ${file.gzipBytes}`)
          .join(", ")}`,
      ).toBeLessThanOrEqual(entry.budget);
    });
  }
});

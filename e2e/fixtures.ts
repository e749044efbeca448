// Shared helpers for the end-to-end tests. Import `test` and `expect` from here so
// that fixtures added later apply everywhere.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";

export { expect, test };

/** Demo accounts seeded by `npm run db:seed` (see /work/shared/CONTRACT.md). */
export const demo = {
  pmo: "pmo@pendamping.test",
  caseworker1: "pendamping1@pendamping.test",
  caseworker2: "pendamping2@pendamping.test",
  participant: "peserta1@pendamping.test",
  // Regional coordinators (issue 19): East Java; Central Java and DIY.
  coordinator1: "koordinator1@pendamping.test",
  coordinator2: "koordinator2@pendamping.test",
  password: "demo-pendamping-2021",
} as const;

function isLoginPath(pathname: string): boolean {
  return pathname === "/login" || pathname.endsWith("/login");
}

/**
 * Signs in through the real form at /login and waits until the app navigates away
 * from it (each role lands on its own home page).
 */
export async function signIn(page: Page, identifier: string, password: string): Promise<void> {
  await page.goto("/login");
  const identifierInput = page.locator('input[name="identifier"]');
  await identifierInput.fill(identifier);
  await page.locator('input[name="password"]').fill(password);
  const form = page.locator("form").filter({ has: identifierInput });
  await form.locator('button[type="submit"]').click();
  try {
    await page.waitForURL((url) => !isLoginPath(url.pathname), { timeout: 15_000 });
  } catch (error) {
    const alerts = await page
      .locator('[role="alert"]')
      .allInnerTexts()
      .catch(() => [] as string[]);
    const shown = alerts.map((text) => text.trim()).filter(Boolean).join(" | ");
    throw new Error(
      `Sign-in as ${identifier} did not leave /login (still at ${page.url()})` +
        (shown ? `; the page says: ${shown}` : "") +
        `\n${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * Runs axe-core on the current page and fails on any violation of impact "serious" or
 * "critical", listing each one (rule id, help text and the offending nodes).
 */
export async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  // The page must have settled first: Next streams a dynamic page's metadata apart from
  // its body, and a server action's answer renders it again, so for a moment there can be
  // no <title> (axe's document-title, seen once in CI right after an assisted registration).
  await expect(page).toHaveTitle(/\S/);
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter(
    (violation) => violation.impact === "serious" || violation.impact === "critical",
  );
  if (serious.length > 0) {
    const report = serious
      .map((violation) => {
        const nodes = violation.nodes
          .map((node) => `    - ${node.target.map(String).join(" ")}`)
          .join("\n");
        return `[${violation.impact}] ${violation.id}: ${violation.help}\n  ${violation.helpUrl}\n${nodes}`;
      })
      .join("\n");
    console.log(`Accessibility violations on ${page.url()}:\n${report}`);
  }
  expect(
    serious.map((violation) => `${violation.id} (${violation.nodes.length} node(s))`),
    `serious or critical accessibility violations on ${page.url()}`,
  ).toEqual([]);
}

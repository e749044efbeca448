import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { appRoutes } from "./app-routes";
import { demo, expect, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";
import { fillRegistration, registrationForm, submitRegistration } from "./pages";

// Every page, as the user it serves, at a phone's 360 px and a desktop's 1280 px: no axe
// finding of impact serious or critical. The table below is checked against the pages
// under app/ (e2e/app-routes.ts), so a new page cannot escape it. A page with an id in its
// path is opened through a link on the page that lists such records; when the data holds
// none yet (an import, the demo participant's question), the test notes it as not checked.

type Role = "anonymous" | "participant" | "caseworker" | "pmo";
type Entry = { as: Role; listedOn?: string; link?: RegExp };

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const PAGES: Record<string, Entry> = {
  "/": { as: "anonymous" },
  "/register": { as: "anonymous" },
  "/login": { as: "anonymous" },
  "/activate": { as: "anonymous" },
  "/reset-password": { as: "anonymous" },
  "/me": { as: "participant" },
  "/me/data": { as: "participant" },
  "/me/data/view": { as: "participant" },
  "/me/help": { as: "participant" },
  "/me/help/[id]": { as: "participant", listedOn: "/me", link: new RegExp(`^/me/help/${UUID}$`) },
  "/me/survey": { as: "participant" },
  "/account/password": { as: "participant" },
  "/caseworker": { as: "caseworker" },
  "/caseworker/register": { as: "caseworker" },
  "/caseworker/participants/[id]": { as: "caseworker", listedOn: "/caseworker", link: new RegExp(`^/caseworker/participants/${UUID}$`) },
  "/pmo": { as: "pmo" },
  "/pmo/participants": { as: "pmo" },
  "/pmo/participants/[id]": { as: "pmo", listedOn: "/pmo/participants", link: new RegExp(`^/pmo/participants/${UUID}$`) },
  "/pmo/caseworkers": { as: "pmo" },
  "/pmo/imports": { as: "pmo" },
  "/pmo/imports/[id]": { as: "pmo", listedOn: "/pmo/imports", link: new RegExp(`^/pmo/imports/${UUID}$`) },
  "/pmo/regions": { as: "pmo" },
  "/pmo/api-clients": { as: "pmo" },
  "/pmo/api-docs": { as: "pmo" },
  "/pmo/reports": { as: "pmo" },
  "/pmo/survey": { as: "pmo" },
  "/pmo/help": { as: "pmo" },
  "/pmo/outbox": { as: "pmo" },
  "/pmo/jobs": { as: "pmo" },
  "/pmo/data-requests": { as: "pmo" },
  "/pmo/audit": { as: "pmo" },
};

const ACCOUNT: Record<Exclude<Role, "anonymous">, string> = {
  participant: demo.participant,
  caseworker: demo.caseworker1,
  pmo: demo.pmo,
};

const WIDTHS = [360, 1280] as const;

test("every page is in the accessibility table", () => {
  expect(appRoutes(["page.tsx"]).sort()).toEqual(Object.keys(PAGES).sort());
});

/** The first link on `listedOn` whose path matches, without its query or fragment. */
async function firstRecord(page: Page, listedOn: string, link: RegExp): Promise<string | null> {
  await page.goto(listedOn);
  for (const href of await page.locator("a[href]").evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""))) {
    const path = href.split(/[?#]/)[0];
    if (link.test(path)) return path;
  }
  return null;
}

/** Axe's serious and critical findings on the page as it is now, one line each. */
async function seriousFindings(page: Page): Promise<string[]> {
  await expect(page).toHaveTitle(/\S/);
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${new URL(page.url()).pathname}: [${v.impact}] ${v.id} — ${v.nodes.map((n) => n.target.map(String).join(" ")).join(", ")}`);
}

for (const width of WIDTHS) {
  for (const role of ["anonymous", "participant", "caseworker", "pmo"] as const) {
    test(`every ${role} page at ${width} px`, async ({ page }) => {
      test.setTimeout(480_000);
      await page.setViewportSize({ width, height: 800 });
      if (role !== "anonymous") await signIn(page, ACCOUNT[role], demo.password);
      const findings: string[] = [];
      const skipped: string[] = [];
      for (const [path, entry] of Object.entries(PAGES)) {
        if (entry.as !== role) continue;
        let url: string | null = path;
        if (entry.listedOn && entry.link) url = await firstRecord(page, entry.listedOn, entry.link);
        if (url === null) {
          skipped.push(path);
          continue;
        }
        await page.goto(url);
        findings.push(...(await seriousFindings(page)));
      }
      if (skipped.length) test.info().annotations.push({ type: "not checked (no record in the data)", description: skipped.join(", ") });
      if (findings.length) console.log(`axe at ${width} px:\n${findings.join("\n")}`);
      expect(findings, `serious or critical axe findings at ${width} px`).toEqual([]);
    });
  }
}

test.describe("accessibility (axe: no serious or critical violations)", () => {
  test("/register showing errors", async ({ page }) => {
    await page.goto("/register");
    await fillRegistration(page, registrationForm({ nik: "1", consent: "" }));
    await submitRegistration(page);
    await page.locator("#f-nik-error").waitFor();
    await expectNoSeriousA11yViolations(page);
  });

  test("/register showing errors at 360 px", async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 800 });
    await page.goto("/register");
    await fillRegistration(page, registrationForm({ nik: "1", consent: "" }));
    await submitRegistration(page);
    await page.locator("#f-nik-error").waitFor();
    await expectNoSeriousA11yViolations(page);
  });
});

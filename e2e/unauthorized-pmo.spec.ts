import type { Browser, BrowserContext, Page } from "@playwright/test";
import { demo, expect, signIn, test } from "./fixtures";

// The PMO console, door by door: every /pmo page answers 403 to participants and
// caseworkers and sends visitors to /login; every server action on those pages, posted
// directly with another role's session, is refused and writes nothing.

const PAGES = ["/pmo", "/pmo/participants", "/pmo/caseworkers", "/pmo/regions", "/pmo/audit", "/pmo/help", "/pmo/outbox", "/pmo/data-requests", "/pmo/jobs", "/pmo/reports", "/pmo/survey"];
// The pages a regional coordinator reads too, scoped to their regions (issue 19).
const SHARED_WITH_COORDINATORS = new Set(["/pmo", "/pmo/reports", "/pmo/survey", "/pmo/participants", "/pmo/audit"]);

/** The participant list's search form: a coordinator may post it (it seals their search and redirects; their list is scoped). */
const isParticipantSearch = (form: CapturedForm) => new URL(form.url).pathname === "/pmo/participants" && form.fields.some(([k]) => k === "q");

async function noJsContext(browser: Browser, email: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, email, demo.password);
  return { context, page };
}

type CapturedForm = { url: string; fields: [string, string][] };

/**
 * Every form in the page's content that posts a server action, with the fields it would
 * send (the header's language switch and sign-out are everyone's, not the PMO's).
 */
async function actionForms(page: Page): Promise<CapturedForm[]> {
  const forms = await page.locator("main form").evaluateAll((elements) =>
    elements.map((f) => [...new FormData(f as HTMLFormElement).entries()].map(([k, v]) => [k, String(v)] as [string, string])),
  );
  return forms.filter((fields) => fields.some(([k]) => k.startsWith("$ACTION"))).map((fields) => ({ url: page.url(), fields }));
}

async function newestAuditEvent(page: Page): Promise<string | null> {
  await page.goto("/pmo/audit");
  return page.locator("[data-event-id]").first().getAttribute("data-event-id");
}

test("participants and caseworkers get 403 and no data on every PMO page; visitors go to /login", async ({ browser, page }) => {
  for (const path of PAGES) {
    await page.goto(path);
    await expect(page, path).toHaveURL(/\/login$/);
  }
  for (const email of [demo.participant, demo.caseworker1]) {
    const { context, page: p } = await noJsContext(browser, email);
    for (const path of PAGES) {
      const response = await p.goto(path);
      expect(response?.status(), `${email} ${path}`).toBe(403);
      expect(await p.content(), `${email} ${path}`).not.toMatch(/•{8}\d{4}/);
    }
    await context.close();
  }
  const { context, page: coordinator } = await noJsContext(browser, demo.coordinator1);
  for (const path of PAGES.filter((p) => !SHARED_WITH_COORDINATORS.has(p))) {
    const response = await coordinator.goto(path);
    expect(response?.status(), `coordinator ${path}`).toBe(403);
    expect(await coordinator.content(), `coordinator ${path}`).not.toMatch(/•{8}\d{4}/);
  }
  await context.close();
});

test("every PMO action posted by a participant, a caseworker or a regional coordinator is refused and writes nothing", async ({ browser }) => {
  const pmo = await noJsContext(browser, demo.pmo);
  const participant = await noJsContext(browser, demo.participant);
  const caseworker = await noJsContext(browser, demo.caseworker2);
  const coordinator = await noJsContext(browser, demo.coordinator2);

  const forms: CapturedForm[] = [];
  for (const path of PAGES) {
    await pmo.page.goto(path);
    forms.push(...(await actionForms(pmo.page)));
  }
  // The dashboard's target form, the caseworker forms (create, disable/enable, new code),
  // the assignment form, the full export… at least a handful must have been found.
  expect(forms.length).toBeGreaterThanOrEqual(3);

  const before = await newestAuditEvent(pmo.page);
  for (const intruder of [participant, caseworker, coordinator]) {
    for (const form of forms) {
      const multipart: Record<string, string> = {};
      for (const [k, v] of form.fields) multipart[k] = k === "count" ? "999" : v;
      const response = await intruder.context.request.post(form.url, {
        multipart,
        headers: { origin: new URL(form.url).origin },
        maxRedirects: 0,
      });
      const allowed = intruder === coordinator && isParticipantSearch(form) ? [303] : [403, 404];
      expect(allowed, `${form.url} ${form.fields.map(([k]) => k).join(",")}`).toContain(response.status());
    }
  }
  expect(await newestAuditEvent(pmo.page)).toBe(before);
  for (const c of [pmo, participant, caseworker, coordinator]) await c.context.close();
});

test("a coordinator of another region opening a participant by URL gets 404, and the newest audit event is unchanged", async ({ browser }) => {
  const pmo = await noJsContext(browser, demo.pmo);
  // A Central Java participant (region of koordinator2), and one of a province in no region.
  const ids: string[] = [];
  for (const province of ["33", "31"]) {
    await pmo.page.goto(`/pmo/participants?provinceCode=${province}`);
    ids.push((await pmo.page.locator("main table tbody tr a").first().getAttribute("href"))!.split("/").pop()!);
  }
  // Signed in first: the sign-in is an audit event of its own.
  const coordinator = await noJsContext(browser, demo.coordinator1);
  const before = await newestAuditEvent(pmo.page);
  for (const id of ids) {
    const response = await coordinator.page.goto(`/pmo/participants/${id}`);
    expect(response?.status(), id).toBe(404);
    expect(await coordinator.page.content(), id).not.toMatch(/•{8}\d{4}|\d{16}/);
    await coordinator.page.goto(`/pmo/audit?record=${id}`);
    await expect(coordinator.page.locator("[data-event-id]")).toHaveCount(0);
  }
  expect(await newestAuditEvent(pmo.page)).toBe(before);
  for (const c of [pmo, coordinator]) await c.context.close();
});

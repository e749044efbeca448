import type { Browser, BrowserContext, Page } from "@playwright/test";
import { demo, expect, signIn, test } from "./fixtures";
import { fillRegistration, registrationForm, submitRegistration } from "./pages";

// The PMO console, door by door: every /pmo page answers 403 to participants and
// caseworkers and sends visitors to /login; every server action on those pages, posted
// directly with another role's session, is refused and writes nothing.

const PAGES = ["/pmo", "/pmo/participants", "/pmo/caseworkers", "/pmo/regions", "/pmo/audit", "/pmo/help", "/pmo/outbox", "/pmo/data-requests", "/pmo/jobs", "/pmo/reports", "/pmo/survey"];
// The pages a regional coordinator reads too, scoped to their regions (issue 19).
const SHARED_WITH_COORDINATORS = new Set(["/pmo", "/pmo/reports", "/pmo/survey", "/pmo/participants", "/pmo/audit", "/pmo/caseworkers", "/pmo/help"]);

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
 * send (the header's language switch and sign-out are everyone's, not the PMO's). With
 * `ticked`, every checkbox of a list is sent ticked (the assignment form names all the
 * participants it lists).
 */
async function actionForms(page: Page, opts: { ticked?: boolean } = {}): Promise<CapturedForm[]> {
  const forms = await page.locator("main form").evaluateAll(
    (elements, ticked) =>
      elements.map((f) => {
        const data = new FormData(f as HTMLFormElement);
        if (ticked) {
          const boxes = (f as HTMLFormElement).querySelectorAll<HTMLInputElement>('input[type="checkbox"]');
          for (const box of boxes) {
            if (!box.checked && box.name) data.append(box.name, box.value);
          }
          // …and the list's target chosen: the first caseworker offered.
          for (const select of boxes.length > 0 ? (f as HTMLFormElement).querySelectorAll("select") : []) {
            const option = [...select.options].find((o) => /^[0-9a-f-]{36}$/.test(o.value));
            if (!select.value && option) data.set(select.name, option.value);
          }
        }
        return [...data.entries()].map(([k, v]) => [k, String(v)] as [string, string]);
      }),
    Boolean(opts.ticked),
  );
  return forms.filter((fields) => fields.some(([k]) => k.startsWith("$ACTION"))).map((fields) => ({ url: page.url(), fields }));
}

/** A worker of East Java (koordinator1's region) registers themself and asks for help: a request in that region's queue. */
async function eastJavaQuestion(browser: Browser): Promise<void> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const letters = Array.from({ length: 6 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join("");
  await page.goto("/register");
  await fillRegistration(page, registrationForm({ fullName: `Tanya Timur ${letters}`, provinceCode: "35", regencyCode: "3578" }));
  await submitRegistration(page);
  await page.waitForURL("**/me");
  await page.goto("/me/help");
  await page.locator('select[name="topic"]').selectOption("other");
  await page.locator('textarea[name="message"]').fill("Kapan saya dihubungi petugas?");
  await page.getByRole("button", { name: "Kirim pertanyaan" }).click();
  await expect(page.getByRole("status")).toContainText("Pertanyaan Anda terkirim");
  await context.close();
}

/** The form filled as its own user would fill it, so that only the caller decides the answer. */
function filledIn(form: CapturedForm): FormData {
  const data = new FormData();
  for (const [k, v] of form.fields) {
    data.append(k, k === "answer" ? "Jawaban dari wilayah lain." : k === "name" ? "Nama Penyusup" : k === "email" ? `penyusup.${Date.now()}@bp2mi.test` : v);
  }
  return data;
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
    // The caseworkers page and the help queue are a coordinator's too (in their regions):
    // their forms, by another region's coordinator, are the next test's.
    const replayed = intruder === coordinator ? forms.filter((f) => !SHARED_WITH_COORDINATORS.has(new URL(f.url).pathname)) : forms;
    for (const form of replayed) {
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

// Issue 19: the caseworkers page and the help queue are a coordinator's too, scoped to their
// regions. Every form koordinator1 (East Java) gets there, posted by koordinator2 (Central
// Java and DIY) against East Java's caseworker, participants and question, is refused and
// writes nothing: 404 for a record named by id, the refusal beside the form for a new
// caseworker in a province not theirs and for an assignment of participants not theirs.
test("every caseworker and help-queue action of one region, posted by another region's coordinator, is refused and writes nothing", async ({ browser }) => {
  test.setTimeout(120_000);
  await eastJavaQuestion(browser);
  const pmo = await noJsContext(browser, demo.pmo);
  const east = await noJsContext(browser, demo.coordinator1);
  const central = await noJsContext(browser, demo.coordinator2);

  const forms: CapturedForm[] = [];
  for (const path of ["/pmo/caseworkers", "/pmo/help"]) {
    await east.page.goto(path);
    forms.push(...(await actionForms(east.page, { ticked: true })));
  }
  // Disable, new code and province for pendamping1; a new caseworker; the assignment; the answer.
  expect(forms.length).toBeGreaterThanOrEqual(6);

  const before = await newestAuditEvent(pmo.page);
  for (const form of forms) {
    const response = await central.context.request.post(form.url, {
      multipart: filledIn(form),
      headers: { origin: new URL(form.url).origin },
      maxRedirects: 0,
    });
    const names = new Set(form.fields.map(([k]) => k));
    const what = `${form.url} ${[...names].join(",")}`;
    if (names.has("assigned")) {
      // The assignment list's filter: a search sealed into a link, which writes nothing.
      expect(response.status(), what).toBe(303);
    } else if (names.has("email")) {
      // A new caseworker in East Java: not a province of theirs.
      expect(response.status(), what).toBe(200);
      expect(await response.text(), what).toMatch(/Pilih salah satu provinsi wilayah Anda/);
    } else if (names.has("participantIds")) {
      // East Java's participants to East Java's caseworker: unknown to them, nobody moved.
      expect(response.status(), what).toBe(200);
      expect(await response.text(), what).toMatch(/Ada peserta yang tidak ditemukan|Pendamping ini tidak aktif atau tidak ada/);
    } else {
      expect([403, 404], what).toContain(response.status());
    }
  }
  expect(await newestAuditEvent(pmo.page)).toBe(before);
  for (const c of [pmo, east, central]) await c.context.close();
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

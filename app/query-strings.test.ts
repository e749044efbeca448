import { readdirSync, readFileSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import fc from "fast-check";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/db";
import { imports, users } from "@/db/schema";
import { createTestUser, freshDatabase } from "@/db/test-utils";
import { auth } from "@/lib/auth";
import { credentialsSignIn } from "@/lib/auth/credentials";
import { sealSearch } from "@/lib/crypto/search-seal";
import { uploadImport } from "@/lib/data/imports";
import { createCoordinator, createRegion } from "@/lib/data/regions";
import { newCoordinatorSchema, newRegionSchema } from "@/lib/validation/regions";
import type { SessionUser } from "@/lib/data/permissions";
import { FORBIDDEN_STORED, hostileQuery, hostileString, withControlCharacter } from "@/lib/testing/hostile";
import { makeNik, makePhone } from "@/lib/testing/identity";
import { createTestParticipant } from "@/lib/testing/participants";
import { IMPORT_COLUMNS } from "@/lib/validation/import";
import { FILTER_KEYS } from "@/lib/validation/pmo-participants";

// Every page that reads its query string, and every route handler, found by this test
// itself: each page.tsx under app/ whose code reads searchParams must be in PAGES below,
// and each route.ts in ROUTES, so a new one without an entry fails the first tests. Each
// that reads a query string must read it through queryFields (lib/validation/query.ts).
//
// Then each is opened by the user it serves with hostile input: control characters (NUL
// first: PostgreSQL refuses it in text, which answered `/pmo?cohort=a%00b` with a server
// error), overlong values, SQL and HTML fragments, lone surrogates, repeated parameters,
// on its own parameter names and on others. A page runs as Next runs it, its parse and
// its data-layer calls against this file's database (the components it renders are not
// run): it must render, or redirect where a search comes in clear, never throw or answer
// 404, and no text in its elements' props or its redirect may hold a control character.
// A route handler must answer below 500 (or 404 for an id that names nothing), its body
// read to the end. The session and next-intl are stubbed, as in app/server-actions.test.ts.

vi.mock("@/lib/auth", () => ({
  auth: vi.fn(async () => null),
  signIn: vi.fn(),
  signOut: vi.fn(),
  handlers: { GET: vi.fn(), POST: vi.fn() },
}));
vi.mock("next-auth", () => ({ AuthError: class AuthError extends Error {} }));
vi.mock("next-intl/server", () => ({
  getTranslations: async () => echo(),
  getFormatter: async () => echo(),
  getLocale: async () => "id",
  getMessages: async () => ({}),
}));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ host: "pendamping.test" }),
  cookies: async () => ({ get: () => undefined, set: () => {}, delete: () => {} }),
}));
// The upload hands the row check to after(): not run here.
vi.mock("next/server", async (original) => ({ ...(await original<typeof import("next/server")>()), after: vi.fn() }));

/** next-intl's translator and formatter: every call answers its first argument as text. */
function echo(): unknown {
  const text = (key?: unknown) => String(key ?? "");
  return new Proxy(text, {
    get: (_target, prop) => (typeof prop !== "string" || prop === "then" ? undefined : prop === "has" ? () => true : text),
  });
}

const ROOT = process.cwd();
const APP = path.join(ROOT, "app");
const ORIGIN = "http://pendamping.test";
const RUNS = Number(process.env.HOSTILE_RUNS ?? 10);

// ---------------------------------------------------------------------------
// Who opens what
// ---------------------------------------------------------------------------

type Caller = "anonymous" | "participant" | "caseworker" | "pmo" | "coordinator";
/** Anonymous: the public pages (/login, /reset-password) read their query before anyone signs in. */
const callers = { anonymous: null } as Record<Caller, SessionUser | null>;
/** Records the dynamic segments name: a participant of the caseworker, an import. */
const records = {} as { participantId: string; importId: string };

async function signedIn(user: SessionUser | null): Promise<void> {
  if (!user) {
    vi.mocked(auth).mockResolvedValue(null as never);
    return;
  }
  const [row] = await db.select({ sv: users.sessionVersion }).from(users).where(eq(users.id, user.id));
  vi.mocked(auth).mockResolvedValue({ user: { id: user.id }, sv: row.sv, at: Date.now(), expires: "" } as never);
}

/** A good import file of one row (a new NIK and phone each time). */
function goodCsv(): Buffer {
  const row = `${makeNik({ birthDate: "1990-05-17", sex: "L" })},Budi Santoso,1990-05-17,L,${makePhone()},31,MY,2021-06-10,Wisma Atlet`;
  return Buffer.from(`${IMPORT_COLUMNS.join(",")}\n${row}\n`);
}

beforeAll(async () => {
  process.env.IMPORT_SPOOL_DIR = await mkdtemp(path.join(tmpdir(), "query-strings-"));
  await freshDatabase();
  callers.pmo = await createTestUser("pmo");
  callers.caseworker = await createTestUser("caseworker");
  callers.participant = (await createTestParticipant()).user;
  // A regional coordinator of Jakarta, whose pages are the PMO's scoped (issue 19).
  const region = await createRegion(callers.pmo, newRegionSchema.parse({ name: "Wilayah Jakarta", provinceCodes: ["31"] }));
  if (!region.ok) throw new Error(JSON.stringify(region));
  const coordinator = await createCoordinator(callers.pmo, newCoordinatorSchema.parse({ name: "Koordinator Jakarta", email: "koordinator.jakarta@bp2mi.go.id", regionIds: [region.regionId] }));
  if (!coordinator.ok) throw new Error(JSON.stringify(coordinator));
  callers.coordinator = { id: coordinator.userId, role: "coordinator", name: "Koordinator Jakarta", locale: "id" };
  records.participantId = (await createTestParticipant({ caseworkerId: callers.caseworker.id })).participantId;
  const upload = await uploadImport(callers.pmo, { cohort: "Wisma Atlet", fileName: "kohort.csv", body: [goodCsv()] });
  if (!upload.ok) throw new Error(JSON.stringify(upload));
  records.importId = upload.importId;
});
afterAll(() => rm(process.env.IMPORT_SPOOL_DIR!, { recursive: true, force: true }));

// ---------------------------------------------------------------------------
// The tables
// ---------------------------------------------------------------------------

type PageSpec = {
  caller: Caller;
  /** Other callers who open the page too (a regional coordinator, on a page scoped to their regions). */
  also?: readonly Caller[];
  /** The parameters the page reads (hostile values go to these first). */
  params: readonly string[];
  /** The record its [id] names, one the caller may open. */
  id?: keyof typeof records;
};

const DASHBOARD = ["from", "to", "fromMonth", "fromYear", "toMonth", "toYear", "provinceCode", "migrantStatus", "source", "cohort"];

/** The monthly report's month (and its picker's selects) with the dashboard's other filters. */
const REPORT = ["month", "monthMonth", "monthYear", "provinceCode", "migrantStatus", "source", "cohort"];

const PAGES: Record<string, PageSpec> = {
  "app/account/password/page.tsx": { caller: "pmo", params: ["changed"] },
  "app/caseworker/page.tsx": { caller: "caseworker", params: ["q", "s", "stage", "page"] },
  "app/login/page.tsx": { caller: "anonymous", params: ["reset"] },
  "app/reset-password/page.tsx": { caller: "anonymous", params: ["step"] },
  "app/caseworker/participants/[id]/page.tsx": { caller: "caseworker", params: ["correct", "answer", "answered", "corrected"], id: "participantId" },
  "app/me/data/page.tsx": { caller: "participant", params: ["sent"] },
  // `actor` (part of an email) is no filter any more; an old link may still carry it.
  "app/pmo/audit/page.tsx": { caller: "pmo", also: ["coordinator"], params: ["actorId", "actor", "action", "record", "from", "to", "page"] },
  "app/pmo/caseworkers/page.tsx": { caller: "pmo", also: ["coordinator"], params: ["assigned", "stage", "province", "q", "s", "page"] },
  "app/pmo/data-requests/page.tsx": { caller: "pmo", params: ["status", "kind", "done"] },
  "app/pmo/help/page.tsx": { caller: "pmo", also: ["coordinator"], params: ["answered"] },
  "app/pmo/imports/[id]/page.tsx": { caller: "pmo", params: ["page"], id: "importId" },
  "app/pmo/imports/page.tsx": {
    caller: "pmo",
    params: ["page", "error", "cohort", "line", "count", "expected", "max", "missing", "unknown", "repeated"],
  },
  "app/pmo/jobs/page.tsx": { caller: "pmo", params: ["page"] },
  "app/pmo/outbox/page.tsx": { caller: "pmo", params: ["state", "page"] },
  "app/pmo/page.tsx": { caller: "pmo", params: [...DASHBOARD, "mapBy", "cwSort", "cwDir"] },
  "app/pmo/participants/page.tsx": { caller: "pmo", also: ["coordinator"], params: [...FILTER_KEYS, "s", "page", "exportError"] },
  "app/pmo/reports/page.tsx": { caller: "pmo", params: REPORT },
  "app/pmo/survey/page.tsx": { caller: "pmo", params: DASHBOARD },
};

type RouteModule = Record<string, (...args: never[]) => Promise<Response>>;
type RouteSpec = {
  /** What the handler reads from the request. */
  reads: string;
  /** Hostile requests; none for a handler that reads nothing (its functions then take no argument). */
  hostile?: (route: RouteModule) => Promise<void>;
};

/** Hostile text, often a good value with a control character in it. */
const hostileText = fc.oneof(hostileString, withControlCharacter);

/** The issue's case first, then fast-check's. */
async function withHostile(issueCase: string, check: (value: string) => Promise<void>): Promise<void> {
  await check(issueCase);
  await fc.assert(fc.asyncProperty(hostileText, check), { numRuns: RUNS });
}

/** A partner API route with hostile query values, key and body: a problem-details refusal, never a 500. */
const hostileApi = async (route: RouteModule, method: "GET" | "POST", path: string) => {
  await withHostile("\u0000", async (value) => {
    const params = new URLSearchParams({ cursor: value, from: value, limit: value });
    const request = new NextRequest(`${ORIGIN}${path}?${params}`, {
      method,
      headers: { authorization: `Bearer ${value.replace(/[^\x21-\x7e]/g, "")}`, "content-type": "application/json" },
      ...(method === "POST" ? { body: JSON.stringify({ events: [{ nik: value }] }) } : {}),
    });
    const answer = await expectCleanRoute(() => route[method](request as never, { params: Promise.resolve({ id: value }) } as never));
    expect([400, 401]).toContain(answer?.status);
  });
};

const hostileImportId = async (route: RouteModule) => {
  await signedIn(callers.pmo);
  await withHostile("\u0000", async (id) => {
    const context = { params: Promise.resolve({ id }) };
    await expectCleanRoute(() => route.GET(new NextRequest(`${ORIGIN}/pmo/imports/x`) as never, context as never));
  });
};

type Query = Record<string, string | string[] | undefined>;

function exportUrl(query: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) for (const v of [value ?? []].flat()) params.append(name, v);
  return `${ORIGIN}/pmo/participants/export?${params}`;
}

function formPost(url: string, fields: Record<string, string | File>): NextRequest {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.set(name, value);
  return new NextRequest(url, { method: "POST", body, headers: { host: "pendamping.test", origin: ORIGIN } });
}

/** The monthly report's downloads (app/pmo/reports/download.ts): hostile month and filters. */
const hostileReport = (format: "xlsx" | "pdf") => async (route: RouteModule) => {
  await signedIn(callers.pmo);
  const get = (query: Query) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) for (const v of [value ?? []].flat()) params.append(name, v);
    return route.GET(new NextRequest(`${ORIGIN}/pmo/reports/${format}?${params}`) as never);
  };
  for (const query of nulQueries(REPORT, callers.pmo)) await expectCleanRoute(() => get(query), JSON.stringify(query));
  await fc.assert(
    fc.asyncProperty(hostileQuery(REPORT), async (query) => {
      await expectCleanRoute(() => get(query));
    }),
    { numRuns: RUNS },
  );
};

const ROUTES: Record<string, RouteSpec> = {
  "app/api/auth/[...nextauth]/route.ts": {
    reads: "Auth.js's own requests; the sign-in it hands on (lib/auth/credentials.ts) is posted here with hostile fields",
    hostile: async () => {
      const known = await createTestUser("caseworker", { password: "benar-sekali-123" });
      const refused = async (fields: Record<string, string>) => {
        const outcome = await credentialsSignIn(fields, new Headers({ "x-forwarded-for": "192.0.2.80" }));
        const clean = outcome === null || outcome.status === "failed" || outcome.status === "locked";
        expect(clean, JSON.stringify(fields).slice(0, 200)).toBe(true);
      };
      // The account's right password, or a ticket, with a NUL in its email.
      for (const identifier of [`${known.email}\u0000`, `${known.email.slice(0, 2)}\u0000${known.email.slice(2)}`]) {
        await refused({ identifier, password: "benar-sekali-123" });
        await refused({ identifier, ticket: "bukan-tiket" });
      }
      await fc.assert(
        fc.asyncProperty(
          hostileText,
          fc.option(fc.oneof(hostileString, fc.constant("benar-sekali-123"))),
          fc.option(hostileString),
          async (identifier, password, ticket) => {
            await refused({ identifier, ...(password !== null && { password }), ...(ticket !== null && { ticket }) });
          },
        ),
        { numRuns: RUNS },
      );
    },
  },
  "app/api/health/route.ts": { reads: "nothing" },
  // The partner API (lib/api/handler.ts): without a key every request is refused before
  // anything else is read; with a key, hostile queries and bodies: app/api/v1/api-v1.test.ts.
  "app/api/v1/openapi.json/route.ts": { reads: "nothing" },
  "app/api/v1/participants/route.ts": { reads: "cursor, limit, updated_since (strict), the Authorization header", hostile: (route) => hostileApi(route, "GET", "/api/v1/participants") },
  "app/api/v1/progress/route.ts": { reads: "from, to, provinceCode, migrantStatus, source, cohort (strict), the Authorization header", hostile: (route) => hostileApi(route, "GET", "/api/v1/progress") },
  "app/api/v1/prakerja-status/route.ts": { reads: "a JSON body of status events, Idempotency-Key, the Authorization header", hostile: (route) => hostileApi(route, "POST", "/api/v1/prakerja-status") },
  "app/api/v1/prakerja-status/batches/[id]/route.ts": { reads: "the batch id, the Authorization header", hostile: (route) => hostileApi(route, "GET", "/api/v1/prakerja-status/batches/x") },
  "app/api/webhooks/whatsapp/route.ts": {
    reads: "Meta's handshake (hub.mode, hub.verify_token, hub.challenge); a signed JSON body (lib/data/outbox-whatsapp.test.ts)",
    hostile: async (route) => {
      process.env.WHATSAPP_VERIFY_TOKEN = "verify-me";
      process.env.WHATSAPP_APP_SECRET = "app-secret";
      try {
        await withHostile("subscribe\u0000", async (value) => {
          const params = new URLSearchParams({ "hub.mode": value, "hub.verify_token": value, "hub.challenge": value });
          const answer = await expectCleanRoute(() => route.GET(new NextRequest(`${ORIGIN}/api/webhooks/whatsapp?${params}`) as never));
          expect(answer?.status).toBe(403);
        });
        await withHostile("{\"object\":\u0000}", async (body) => {
          const answer = await expectCleanRoute(() =>
            route.POST(new NextRequest(`${ORIGIN}/api/webhooks/whatsapp`, { method: "POST", body, headers: { "x-hub-signature-256": `sha256=${"0".repeat(64)}` } }) as never),
          );
          expect(answer?.status).toBe(401);
        });
      } finally {
        delete process.env.WHATSAPP_VERIFY_TOKEN;
        delete process.env.WHATSAPP_APP_SECRET;
      }
    },
  },
  "app/me/data/export/route.ts": { reads: "nothing (the signed-in participant's own data)" },
  "app/pmo/imports/[id]/progress/route.ts": { reads: "the import's id", hostile: hostileImportId },
  "app/pmo/imports/[id]/report/route.ts": { reads: "the import's id", hostile: hostileImportId },
  "app/pmo/imports/upload/route.ts": {
    reads: "a multipart form: the cohort's name and the file",
    hostile: async (route) => {
      await signedIn(callers.pmo);
      await withHostile("Wisma\u0000Atlet", async (cohort) => {
        const file = new File([new Uint8Array(goodCsv())], "kohort.csv", { type: "text/csv" });
        const response = await expectCleanRoute(() => route.POST(formPost(`${ORIGIN}/pmo/imports/upload`, { cohort, file }) as never));
        const id = /^\/pmo\/imports\/([0-9a-f-]{36})$/.exec(response?.headers.get("location") ?? "")?.[1];
        if (id) {
          const [row] = await db.select({ cohort: imports.cohort }).from(imports).where(eq(imports.id, id));
          expect(row.cohort).not.toMatch(FORBIDDEN_STORED);
        }
      });
    },
  },
  "app/pmo/participants/export/route.ts": {
    reads: "the list's filter and the format in the query string (GET and POST), and a purpose and a format (POST)",
    hostile: async (route) => {
      // The PMO's export and a coordinator's (scoped to their regions).
      for (const viewer of [callers.pmo, callers.coordinator]) {
        await signedIn(viewer);
        const names = [...FILTER_KEYS, "s", "page", "format"];
        const get = (query: Query) => route.GET(new NextRequest(exportUrl(query)) as never);
        const post = (query: Query, purpose: string) => route.POST(formPost(exportUrl(query), { purpose }) as never);
        for (const query of nulQueries(names, viewer)) {
          await expectCleanRoute(() => get(query), JSON.stringify(query));
          await expectCleanRoute(() => post(query, "Laporan bulanan\u0000 untuk BP2MI"), JSON.stringify(query));
        }
        await fc.assert(
          fc.asyncProperty(hostileQuery(names), hostileText, async (query, purpose) => {
            await expectCleanRoute(() => get(query));
            await expectCleanRoute(() => post(query, purpose));
          }),
          { numRuns: RUNS },
        );
      }
    },
  },
  "app/pmo/reports/pdf/route.ts": { reads: "the report's month and the dashboard's filters (GET)", hostile: hostileReport("pdf") },
  "app/pmo/reports/xlsx/route.ts": { reads: "the report's month and the dashboard's filters (GET)", hostile: hostileReport("xlsx") },
};

// ---------------------------------------------------------------------------
// Discovery
// ---------------------------------------------------------------------------

function files(dir: string, name: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...files(full, name));
    else if (entry === name) out.push(path.relative(ROOT, full).split(path.sep).join("/"));
  }
  return out;
}

const source = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
const readsQuery = (file: string) => /searchParams/.test(source(file));

describe("the tables of pages and route handlers", () => {
  it("list every page that reads its query string, and nothing else", () => {
    expect(files(APP, "page.tsx").filter(readsQuery).sort()).toEqual(Object.keys(PAGES).sort());
  });

  it("list every route handler, and nothing else", () => {
    expect(files(APP, "route.ts").sort()).toEqual(Object.keys(ROUTES).sort());
  });

  it("read each query string through queryFields", () => {
    const readers = [...files(APP, "page.tsx"), ...files(APP, "route.ts")].filter(readsQuery);
    const unread = readers.filter((file) => !/\bqueryFields\(/.test(source(file)));
    expect(unread, "pages and route handlers that read searchParams without queryFields (lib/validation/query.ts)").toEqual([]);
  });

  it("have route handlers that read nothing take no argument", async () => {
    for (const [file, spec] of Object.entries(ROUTES)) {
      if (spec.hostile) continue;
      const route = (await import(path.join(ROOT, file))) as RouteModule;
      for (const [name, handler] of Object.entries(route)) {
        if (typeof handler === "function") expect(handler.length, `${file} ${name}`).toBe(0);
      }
    }
  });
});

// ---------------------------------------------------------------------------
// Opening
// ---------------------------------------------------------------------------

type Answer =
  | { kind: "rendered"; element: unknown }
  | { kind: "redirect"; location: string }
  | { kind: 404 }
  | { kind: "threw"; error: unknown };

function answerOf(error: unknown): Answer {
  const digest = String((error as { digest?: unknown })?.digest ?? "");
  if (digest.startsWith("NEXT_REDIRECT;")) return { kind: "redirect", location: digest.split(";")[2] ?? "" };
  if (digest === "NEXT_HTTP_ERROR_FALLBACK;404") return { kind: 404 };
  return { kind: "threw", error };
}

/** Every string a rendered page holds (its elements' props, nested), with a control character. */
function controlCharacters(node: unknown, where = "page", seen = new Set<object>(), out: string[] = []): string[] {
  if (typeof node === "string") {
    if (FORBIDDEN_STORED.test(node)) out.push(`${where}: ${JSON.stringify(node.slice(0, 80))}`);
    return out;
  }
  if (!node || typeof node !== "object" || seen.has(node) || node instanceof Date) return out;
  seen.add(node);
  const element = "$$typeof" in node ? (node as { key?: unknown; props?: unknown; type?: unknown }) : null;
  if (element) {
    const name = typeof element.type === "string" ? element.type : ((element.type as { name?: string })?.name ?? "?");
    controlCharacters(element.key, `${where}>${name}[key]`, seen, out);
    controlCharacters(element.props, `${where}>${name}`, seen, out);
  } else {
    for (const [key, value] of Object.entries(node)) controlCharacters(value, `${where}.${key}`, seen, out);
  }
  return out;
}

/** A location as the browser reads it, its query string decoded. */
const decoded = (location: string) => location.replace(/[^?&=#]+/g, (part) => decodeURIComponent(part.replace(/\+/g, " ")));

async function openPage(file: string, spec: PageSpec, query: Query, caller = spec.caller): Promise<Answer> {
  const page = (await import(path.join(ROOT, file))) as { default: (props: unknown) => Promise<unknown> };
  await signedIn(callers[caller]);
  try {
    const element = await page.default({
      params: Promise.resolve(spec.id ? { id: records[spec.id] } : {}),
      searchParams: Promise.resolve(query),
    });
    return { kind: "rendered", element };
  } catch (error) {
    return answerOf(error);
  }
}

function expectCleanPage(answer: Answer, report: string): void {
  if (answer.kind === "threw") throw new Error(`${report}\nthrew: ${String((answer.error as Error)?.stack ?? answer.error).slice(0, 1500)}`);
  expect(answer.kind, report).not.toBe(404);
  if (answer.kind === "redirect") {
    expect(answer.location, report).not.toMatch(/^\/login/);
    expect(decoded(answer.location), report).not.toMatch(FORBIDDEN_STORED);
  }
  if (answer.kind === "rendered") expect(controlCharacters(answer.element), report).toEqual([]);
}

/** A route handler's answer: a response (its body read to the end) or 404; never a thrown error. */
async function expectCleanRoute(call: () => Promise<Response>, report = ""): Promise<Response | null> {
  let response: Response;
  try {
    response = await call();
  } catch (error) {
    const answer = answerOf(error);
    if (answer.kind === 404) return null;
    throw new Error(`${report}\nthrew: ${String((error as Error)?.stack ?? error).slice(0, 1500)}`);
  }
  expect(response.status, report).toBeLessThan(500);
  // Read to the end: a streamed CSV would fail there, after its headers went out.
  await response.arrayBuffer();
  const location = response.headers.get("location");
  if (location) expect(decoded(location), report).not.toMatch(FORBIDDEN_STORED);
  return response;
}

/**
 * The issue's cases, for every parameter of a page: NUL alone and inside a value, one
 * parameter at a time and all at once, and a search sealed with a NUL in it (as a link
 * made before searches were cleaned could carry).
 */
function nulQueries(names: readonly string[], viewer: SessionUser | null): Record<string, string>[] {
  const queries: Record<string, string>[] = [];
  for (const name of names) queries.push({ [name]: "\u0000" }, { [name]: "a\u0000b" });
  queries.push(Object.fromEntries(names.map((name) => [name, "\u0000"])));
  if (names.includes("s") && viewer) queries.push({ s: sealSearch("Siti\u0000Aminah", viewer.id) });
  return queries;
}

describe("hostile query strings get a clean page", () => {
  for (const [file, page] of Object.entries(PAGES)) {
    for (const spec of [page, ...(page.also ?? []).map((caller) => ({ ...page, caller }))]) {
      it(`${file} › ${spec.caller}`, async () => {
        for (const query of nulQueries(spec.params, callers[spec.caller])) {
          expectCleanPage(await openPage(file, spec, query), `${file}?${JSON.stringify(query)}`);
        }
        await fc.assert(
          fc.asyncProperty(hostileQuery(spec.params), async (query) => {
            expectCleanPage(await openPage(file, spec, query), `${file}?${JSON.stringify(query).slice(0, 400)}`);
          }),
          { numRuns: RUNS },
        );
      }, 180_000);
    }
  }
});

describe("hostile requests get a clean answer from each route handler", () => {
  for (const [file, spec] of Object.entries(ROUTES)) {
    if (!spec.hostile) continue;
    it(`${file} (${spec.reads})`, async () => {
      await spec.hostile!((await import(path.join(ROOT, file))) as RouteModule);
    }, 180_000);
  }
});

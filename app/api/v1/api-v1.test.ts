import { eq, sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Validator } from "@seriousme/openapi-schema-validator";
import { db, executeRows } from "@/db";
import { apiClients, auditEvents, participants } from "@/db/schema";
import { openNik } from "@/lib/crypto/identity";
import { createTestUser, freshDatabase } from "@/db/test-utils";
import { API_MAX_BODY_BYTES, apiRoute } from "@/lib/api/handler";
import { openApiDocument } from "@/lib/api/openapi";
import { createApiClient, revokeApiClient } from "@/lib/data/api-clients";
import { getDashboard } from "@/lib/data/programme";
import { createRegion } from "@/lib/data/regions";
import { hostileQueryValue, hostileString } from "@/lib/testing/hostile";
import { makeNik } from "@/lib/testing/identity";
import { expectDocumented } from "@/lib/testing/openapi-contract";
import { createTestParticipant } from "@/lib/testing/participants";
import { newApiClientSchema } from "@/lib/validation/api-clients";
import { newRegionSchema } from "@/lib/validation/regions";
import { GET as openApiGET } from "./openapi.json/route";
import { GET as participantsGET } from "./participants/route";
import { GET as progressGET } from "./progress/route";
import { POST as prakerjaPOST } from "./prakerja-status/route";
import { GET as batchGET } from "./prakerja-status/batches/[id]/route";

// The partner API over HTTP: the exported route handlers called with a Request, on the
// test database. Every response is validated against the OpenAPI document (the path, the
// status, the content type and the body's schema), and every refusal is problem details
// with nothing written but the call's audit event.

beforeAll(freshDatabase);

let pmo: Awaited<ReturnType<typeof createTestUser>>;
let everything: string;
let progressOnly: string;
let bali: string;
let insideBali: string;
let outsideBali: string;

async function key(over: Record<string, unknown> = {}): Promise<{ key: string; id: string }> {
  const made = await createApiClient(pmo, newApiClientSchema.parse({ name: "Mitra Uji", organisation: "Prakerja", scopes: ["participants:read", "progress:read"], ...over }));
  if (!made.ok) throw new Error(JSON.stringify(made));
  return { key: made.key, id: made.clientId };
}

beforeAll(async () => {
  pmo = await createTestUser("pmo");
  everything = (await key()).key;
  progressOnly = (await key({ scopes: ["progress:read"] })).key;
  const region = await createRegion(pmo, newRegionSchema.parse({ name: "Wilayah Bali", provinceCodes: ["51"] }));
  if (!region.ok) throw new Error("region");
  bali = (await key({ regionId: region.regionId })).key;
  insideBali = (await createTestParticipant({ form: { provinceCode: "51", regencyCode: "5171" } })).participantId;
  outsideBali = (await createTestParticipant({ form: { provinceCode: "52", regencyCode: "5271" } })).participantId;
  for (let i = 0; i < 3; i++) await createTestParticipant({ stage: "training" });
});

type Handler = (request: Request) => Promise<Response> | Response;
const ROUTES: Record<string, Handler> = {
  "/api/v1/participants": participantsGET,
  "/api/v1/progress": progressGET,
  "/api/v1/openapi.json": openApiGET,
};

let documented = 0;

/** Calls the route, validates the answer against the document, and returns it parsed. */
async function call(path: string, opts: { key?: string | null; headers?: Record<string, string>; method?: string } = {}) {
  const url = `http://localhost${path}`;
  const headers = new Headers(opts.headers);
  if (opts.key) headers.set("authorization", `Bearer ${opts.key}`);
  const handler = ROUTES[new URL(url).pathname];
  const response = await handler(new Request(url, { method: opts.method ?? "GET", headers }));
  const copy = response.clone();
  const body = path.startsWith("/api/v1/openapi.json") ? await copy.json() : await expectDocumented(opts.method ?? "GET", url, copy);
  documented += 1;
  return { status: response.status, headers: response.headers, body: body as Record<string, unknown> & { data?: { id: string }[] } };
}

/** Business rows (not the call's own audit events or the key's last use): must not move on a refusal. */
async function written() {
  const [row] = await executeRows<Record<string, number>>(sql`select
    (select count(*) from participants)::int as participants, (select count(*) from service_logs)::int as logs,
    (select count(*) from stage_changes)::int as stages, (select count(*) from api_clients)::int as clients,
    (select max(updated_at)::text from participants) as touched,
    (select count(*) from audit_events where action <> 'api.call')::int as events`);
  return row;
}

function expectProblem(r: Awaited<ReturnType<typeof call>>, status: number) {
  expect(r.status).toBe(status);
  expect(r.headers.get("content-type")).toBe("application/problem+json");
  expect(r.body).toMatchObject({ status, type: expect.stringMatching(/^https:\/\/pendamping-pmi\.id\/problems\//), title: expect.any(String) });
  expect(JSON.stringify(r.body)).not.toMatch(/\bat \w+ \(|select |insert |update |\.ts:\d+/i);
}

describe("the OpenAPI document", () => {
  it("is served publicly and passes the OpenAPI 3.1 schema validator", async () => {
    const r = await call("/api/v1/openapi.json");
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe("3.1.0");
    const result = await new Validator().validate(JSON.parse(JSON.stringify(openApiDocument())) as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(Object.keys(openApiDocument().paths ?? {})).toEqual(expect.arrayContaining(["/participants", "/progress"]));
  });

  it("describes each operation's refusals as problem details, each with its scope and the bearer key", () => {
    for (const [path, item] of Object.entries(openApiDocument().paths ?? {})) {
      for (const [method, op] of Object.entries(item as Record<string, { responses: Record<string, { content?: object }>; security?: unknown; "x-scope"?: string }>)) {
        expect(op.security, `${method} ${path}`).toEqual([{ apiKey: [] }]);
        expect(op["x-scope"], `${method} ${path}`).toMatch(/:/);
        for (const status of ["400", "401", "403", "429", "500"]) expect(Object.keys(op.responses[status].content ?? {})).toEqual(["application/problem+json"]);
      }
    }
  });
});

describe("GET /api/v1/participants", () => {
  it("pages through every participant with a key, masked, and audits each call with the client's id", async () => {
    const first = await call("/api/v1/participants?limit=2", { key: everything });
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(2);
    const ids = first.body.data!.map((p) => p.id);
    let cursor = first.body.nextCursor as string | null;
    while (cursor) {
      const next = await call(`/api/v1/participants?limit=2&cursor=${cursor}`, { key: everything });
      ids.push(...next.body.data!.map((p) => p.id));
      cursor = next.body.nextCursor as string | null;
    }
    expect(new Set(ids).size).toBe(5);
    expect(JSON.stringify(first.body)).not.toMatch(/\d{16}|fullName|address|phone/);
    const [client] = await db.select().from(apiClients).where(sql`${apiClients.keyPrefix} = ${everything.split("_")[1]}`);
    const events = await db.select().from(auditEvents).where(eq(auditEvents.apiClientId, client.id));
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events[0]).toMatchObject({ action: "api.call", actorRole: "api_client", actorId: null, after: { route: "GET /api/v1/participants", status: 200, count: 2 } });
    expect(client.lastUsedAt).not.toBeNull();
  });

  it("a region's key sees its region only", async () => {
    const r = await call("/api/v1/participants?limit=1000", { key: bali });
    expect(r.body.data!.map((p) => p.id)).toEqual([insideBali]);
    expect(r.body.data!.map((p) => p.id)).not.toContain(outsideBali);
  });

  it("updated_since gives the changes since a moment", async () => {
    const all = await call("/api/v1/participants?limit=1000", { key: everything });
    const last = all.body.data!.at(-1) as unknown as { updatedAt: string };
    const r = await call(`/api/v1/participants?updated_since=${encodeURIComponent(last.updatedAt)}`, { key: everything });
    expect(r.body.data!.length).toBeGreaterThanOrEqual(1);
    const later = await call(`/api/v1/participants?updated_since=2999-01-01T00:00:00Z`, { key: everything });
    expect(later.body).toEqual({ data: [], nextCursor: null });
  });
});

describe("GET /api/v1/progress", () => {
  it("answers the dashboard's figures for the period", async () => {
    const r = await call("/api/v1/progress?from=2021-01&to=2030-12", { key: progressOnly });
    expect(r.status).toBe(200);
    const dashboard = await getDashboard(pmo, { from: "2021-01", to: "2030-12" });
    expect(r.body.headline).toEqual(dashboard.headline);
    expect(r.body.funnel).toEqual(dashboard.funnel);
    expect(r.body.perMonth).toEqual(dashboard.perMonth);
  });
});

describe("refusals: problem details, and nothing written", () => {
  it("no key, a malformed key, an unknown key: 401 with WWW-Authenticate", async () => {
    const before = await written();
    for (const k of [null, "ppmi_nope", `ppmi_abcdefghijkl_${"x".repeat(43)}`]) {
      const r = await call("/api/v1/participants", { key: k });
      expectProblem(r, 401);
      expect(r.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
    const basic = await call("/api/v1/participants", { headers: { authorization: `Basic ${Buffer.from("a:b").toString("base64")}` } });
    expectProblem(basic, 401);
    expect(await written()).toEqual(before);
  });

  it("a revoked key and an expired key: 401, at once", async () => {
    const revoked = await key();
    expect((await call("/api/v1/participants", { key: revoked.key })).status).toBe(200);
    await revokeApiClient(pmo, revoked.id);
    const before = await written();
    expectProblem(await call("/api/v1/participants", { key: revoked.key }), 401);
    const expired = await key();
    await db.update(apiClients).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiClients.id, expired.id));
    expectProblem(await call("/api/v1/progress", { key: expired.key }), 401);
    expect(await written()).toEqual({ ...before, clients: before.clients + 1, events: before.events + 1 });
  });

  it("a missing scope: 403, audited as a refused call", async () => {
    const before = await written();
    const r = await call("/api/v1/participants", { key: progressOnly });
    expectProblem(r, 403);
    expect(r.body.detail).toContain("participants:read");
    expect(await written()).toEqual(before);
    const [last] = await db.select().from(auditEvents).where(eq(auditEvents.action, "api.call")).orderBy(sql`id desc`).limit(1);
    expect(last.after).toMatchObject({ status: 403, route: "GET /api/v1/participants" });
  });

  it("a NIK in the query string: 400 before the key is even read", async () => {
    const nik = makeNik({ birthDate: "1990-05-17", sex: "P" });
    const before = await written();
    for (const q of [`?nik=${nik}`, `?cursor=${nik}`, `?q=${nik.slice(0, 8)}%20${nik.slice(8)}`.replace("%20", ""), `?${nik}=1`, `?x=${nik.replace(/(\d{4})/g, "$1-").slice(0, -1)}`]) {
      const r = await call(`/api/v1/participants${q}`, { key: everything });
      expectProblem(r, 400);
      expect(r.body.type).toMatch(/nik-in-query$/);
      expect(JSON.stringify(r.body)).not.toContain(nik);
    }
    expectProblem(await call(`/api/v1/participants?nik=${nik}`), 400);
    expect(await written()).toEqual(before);
  });

  it("unknown or malformed parameters: 400 naming each, never echoing the value", async () => {
    const before = await written();
    const r = await call("/api/v1/participants?limit=5000&updated_since=yesterday&colour=red", { key: everything });
    expectProblem(r, 400);
    const fields = (r.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(["(root)", "limit", "updated_since"]);
    expectProblem(await call("/api/v1/participants?cursor=bm90LWEtY3Vyc29y", { key: everything }), 400);
    expectProblem(await call("/api/v1/progress?from=2021-13", { key: everything }), 400);
    expectProblem(await call("/api/v1/progress?from=2021-07&to=2021-06", { key: everything }), 400);
    expectProblem(await call("/api/v1/progress?limit=1&limit=2", { key: everything }), 400);
    // A control character (NUL, which PostgreSQL refuses in text, a line break) in any value
    // or name: 400 naming it, before the route's schema or a query sees it.
    for (const q of ["/api/v1/progress?cohort=Wisma%00Atlet", "/api/v1/participants?updated_since=2021-06-01%0A", "/api/v1/progress?co%01hort=x"]) {
      const r = await call(q, { key: everything });
      expectProblem(r, 400);
      expect(r.body.errors).toEqual([{ field: expect.stringMatching(/^(cohort|updated_since|\(a name with a control character\))$/), message: "must not hold a control character" }]);
    }
    expect(await written()).toEqual(before);
  });

  it("hostile query values (fast-check): a documented 200 or problem details, never a 500, nothing written", async () => {
    const before = await written();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("/api/v1/participants", "/api/v1/progress"),
        fc.constantFrom("cursor", "limit", "updated_since", "from", "to", "provinceCode", "migrantStatus", "source", "cohort", "x"),
        hostileQueryValue,
        async (path, name, value) => {
          const params = new URLSearchParams();
          for (const v of value === undefined ? [] : Array.isArray(value) ? value : [value]) params.append(name, v);
          const r = await call(`${path}?${params}`, { key: everything });
          expect([200, 400]).toContain(r.status);
          if (r.status === 400) expectProblem(r, 400);
        },
      ),
      { numRuns: 60 },
    );
    const keys = fc.asyncProperty(hostileString, async (k) => {
      // A value no HTTP client can send (not a ByteString, a line break) cannot reach us.
      try {
        new Headers({ authorization: `Bearer ${k}` });
      } catch {
        return;
      }
      const r = await call("/api/v1/participants", { headers: { authorization: `Bearer ${k}` } });
      expect([400, 401]).toContain(r.status);
    });
    await fc.assert(keys, { numRuns: 40 });
    expect(await written()).toEqual(before);
  });

  it("past the rate limit: 429 with Retry-After, documented", async () => {
    const previous = process.env.API_RATE_LIMIT_PER_MINUTE;
    process.env.API_RATE_LIMIT_PER_MINUTE = "2";
    try {
      const k = (await key()).key;
      expect((await call("/api/v1/progress", { key: k })).status).toBe(200);
      expect((await call("/api/v1/progress", { key: k })).status).toBe(200);
      const r = await call("/api/v1/progress", { key: k });
      expectProblem(r, 429);
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    } finally {
      if (previous === undefined) delete process.env.API_RATE_LIMIT_PER_MINUTE;
      else process.env.API_RATE_LIMIT_PER_MINUTE = previous;
    }
  });

  it("an error inside: 500 with an error id, no stack or SQL", async () => {
    const failing = apiRoute({ route: "GET /api/v1/progress", scope: "progress:read" }, async () => {
      await db.execute(sql`select * from no_such_table_for_the_test`);
      return { status: 200, body: {} };
    });
    const url = "http://localhost/api/v1/progress";
    const response = await failing(new Request(url, { headers: { authorization: `Bearer ${everything}` } }));
    const body = (await expectDocumented("GET", url, response.clone())) as { errorId: string };
    expect(response.status).toBe(500);
    expect(body.errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(body)).not.toMatch(/no_such_table|select/);
  });
});

describe("POST /api/v1/prakerja-status and its batches", () => {
  let writer: string;
  let writerElsewhere: string;
  beforeAll(async () => {
    writer = (await key({ scopes: ["prakerja-status:write"] })).key;
    writerElsewhere = (await key({ scopes: ["prakerja-status:write"] })).key;
  });

  const postUrl = "http://localhost/api/v1/prakerja-status";
  async function post(body: BodyInit | null, opts: { key?: string; headers?: Record<string, string> } = {}) {
    const response = await prakerjaPOST(
      new Request(postUrl, {
        method: "POST",
        body,
        headers: { authorization: `Bearer ${opts.key ?? writer}`, "content-type": "application/json", ...opts.headers },
        duplex: "half",
      } as RequestInit),
    );
    const parsed = await expectDocumented("POST", postUrl, response.clone());
    documented += 1;
    return { status: response.status, headers: response.headers, body: parsed as Record<string, unknown> };
  }
  async function batch(id: string, k = writer) {
    const url = `http://localhost/api/v1/prakerja-status/batches/${id}`;
    const response = await batchGET(new Request(url, { headers: { authorization: `Bearer ${k}` } }), { params: Promise.resolve({ id }) });
    const parsed = await expectDocumented("GET", url, response.clone());
    documented += 1;
    return { status: response.status, body: parsed as Record<string, unknown> };
  }
  async function personNik(): Promise<{ id: string; nik: string }> {
    const p = await createTestParticipant();
    await db.update(participants).set({ createdAt: new Date("2021-06-01T03:00:00Z") }).where(eq(participants.id, p.participantId));
    const [row] = await db.select().from(participants).where(eq(participants.id, p.participantId));
    return { id: row.id, nik: openNik(row)! };
  }

  it("applies a batch and answers each event's result; one failing event does not stop the others", async () => {
    const p = await personNik();
    const unknown = makeNik({ birthDate: "1991-02-03", sex: "L", serial: 9876 });
    const r = await post(
      JSON.stringify({
        events: [
          { nik: p.nik, event: "card_received", occurred_on: "2021-06-10" },
          { nik: unknown, event: "card_received", occurred_on: "2021-06-10" },
          { nik: p.nik, event: "training_bought", occurred_on: "2021-06-14", provider: "Pijar Mahir" },
        ],
      }),
    );
    expect(r.status).toBe(200);
    expect(r.body.results).toEqual([
      { index: 0, result: "applied" },
      { index: 1, result: "unknown_nik" },
      { index: 2, result: "applied" },
    ]);
    const [row] = await db.select().from(participants).where(eq(participants.id, p.id));
    expect(row).toMatchObject({ cardReceivedOn: "2021-06-10", trainingBoughtOn: "2021-06-14", stage: "training" });
    expect(JSON.stringify(r.body)).not.toContain(p.nik);
  });

  it("the same Idempotency-Key applies once; with another body it is 409", async () => {
    const p = await personNik();
    const body = JSON.stringify({ events: [{ nik: p.nik, event: "card_received", occurred_on: "2021-06-11" }] });
    const first = await post(body, { headers: { "idempotency-key": "batch-2021-06-11" } });
    const before = await written();
    const again = await post(body, { headers: { "idempotency-key": "batch-2021-06-11" } });
    expect(again.body).toEqual(first.body);
    expect(await written()).toEqual(before);
    const other = await post(JSON.stringify({ events: [{ nik: p.nik, event: "training_bought", occurred_on: "2021-06-12" }] }), { headers: { "idempotency-key": "batch-2021-06-11" } });
    expect(other.status).toBe(409);
    expect(await written()).toEqual(before);
    expect((await post(body, { headers: { "idempotency-key": "bad key with spaces" } })).status).toBe(400);
  });

  it("a batch over 1,000 events is queued (202 with Location); its status is the client's own (another's: 404)", async () => {
    const p = await personNik();
    const events = Array.from({ length: 1001 }, () => ({ nik: p.nik, event: "card_received", occurred_on: "2021-06-10" }));
    const r = await post(JSON.stringify({ events }));
    expect(r.status).toBe(202);
    expect(r.headers.get("location")).toBe(r.body.status_url);
    const id = String(r.body.id);
    expect((await batch(id)).body).toMatchObject({ id, state: "queued", received: 1001, counts: null });
    expect((await batch(id, writerElsewhere)).status).toBe(404);
    expect((await batch("not-a-uuid")).status).toBe(404);
    expect((await batch(id, everything)).status).toBe(403);
  });

  it("refusals of the body: invalid events (400, each named), malformed JSON (400), not JSON (415), too large (413), over 10,000 events (400); nothing written", async () => {
    const p = await personNik();
    const before = await written();
    const invalid = await post(JSON.stringify({ events: [{ nik: "123", event: "card_received", occurred_on: "2021-06-10" }, { nik: "3174015708900001", event: "hired", occurred_on: "2099-01-01" }] }));
    expect(invalid.status).toBe(400);
    expect((invalid.body.errors as { field: string }[]).map((e) => e.field)).toEqual(expect.arrayContaining(["body.events.0.nik", "body.events.1.event"]));
    expect(JSON.stringify(invalid.body)).not.toContain("3174015708900001");
    // A control character in a known participant's event (a NUL in the provider): 400 naming
    // the field, and nothing applied.
    const nul = await post(JSON.stringify({ events: [{ nik: p.nik, event: "card_received", occurred_on: "2021-06-10", provider: "Mitra\u0000" }] }));
    expect(nul.status).toBe(400);
    expect(nul.body.errors).toEqual([{ field: "body.events.0.provider", message: "must not hold a control character" }]);
    const malformed = await post('{"events": [');
    expect(malformed.status).toBe(400);
    expect(malformed.body.type).toMatch(/malformed-json$/);
    expect((await post("events=1", { headers: { "content-type": "text/plain" } })).status).toBe(415);
    expect((await post("{}", { headers: { "content-length": String(API_MAX_BODY_BYTES + 1) } })).status).toBe(413);
    let pulled = 0;
    const chunk = new Uint8Array(1024 * 1024).fill(32);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        if (pulled > 100) controller.close();
        else controller.enqueue(chunk);
      },
    });
    expect((await post(stream)).status).toBe(413);
    expect(pulled).toBeLessThan(10);
    const tooMany = Array.from({ length: 10_001 }, () => ({ nik: "3174015708900001", event: "card_received", occurred_on: "2021-06-10" }));
    expect((await post(JSON.stringify({ events: tooMany }))).status).toBe(400);
    expect((await post(JSON.stringify({ events: [] }), { key: progressOnly })).status).toBe(403);
    expect(await written()).toEqual(before);
  });

  it("hostile bodies (fast-check): a documented answer, never a 500", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hostileString,
          hostileString.map((v) => JSON.stringify({ events: [{ nik: v, event: "card_received", occurred_on: "2021-06-10" }] })),
          hostileString.map((v) => JSON.stringify({ events: [{ nik: "3174015708900001", event: "card_received", occurred_on: v, provider: v }] })),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        async (body) => {
          const r = await post(body);
          expect([200, 400]).toContain(r.status);
        },
      ),
      { numRuns: 60 },
    );
  });
});

afterAll(() => {
  // Every response above went through expectDocumented.
  expect(documented).toBeGreaterThan(0);
});

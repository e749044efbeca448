import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db, executeRows } from "@/db";
import { apiClients, auditEvents, participants } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { createTestParticipant } from "@/lib/testing/participants";
import { todayInJakarta } from "@/lib/validation";
import { newApiClientSchema } from "@/lib/validation/api-clients";
import { newRegionSchema } from "@/lib/validation/regions";
import { milestonesSchema, serviceLogSchema, stageChangeSchema } from "@/lib/validation/caseworker";
import type { ApiClientActor } from "./api-actor";
import { takeApiRequest } from "./api-calls";
import { apiClientState, authenticateApiKey, createApiClient, listApiClients, revokeApiClient } from "./api-clients";
import { decodeCursor, listParticipantsForApi } from "./api-participants";
import { changeStage, updateMilestones } from "./casework";
import { getDashboard, getProgressForApi } from "./programme";
import { createCoordinator, createRegion } from "./regions";
import { recordService } from "./service-logs";
import { newCoordinatorSchema } from "@/lib/validation/regions";

beforeAll(freshDatabase);

let pmo: Awaited<ReturnType<typeof createTestUser>>;
beforeAll(async () => {
  pmo = await createTestUser("pmo");
});

const input = (over: Record<string, unknown> = {}) =>
  newApiClientSchema.parse({ name: "Prakerja PMO", organisation: "Manajemen Pelaksana Prakerja", scopes: ["participants:read", "progress:read"], ...over });

async function newClient(over: Record<string, unknown> = {}) {
  const result = await createApiClient(pmo, input(over));
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result;
}

const eventsOf = (entityId: string) => db.select().from(auditEvents).where(eq(auditEvents.entityId, entityId));

describe("newApiClientSchema", () => {
  it("trims, keeps known scopes once in their order, and reads empty region and expiry as none", () => {
    expect(newApiClientSchema.parse({ name: "  BP2MI  pusat ", organisation: "BP2MI", scopes: ["progress:read", "participants:read", "progress:read"], regionId: "", expiresOn: "" })).toEqual({
      name: "BP2MI pusat",
      organisation: "BP2MI",
      scopes: ["progress:read", "participants:read"],
      regionId: null,
      expiresOn: null,
    });
    const refused = (v: unknown) => newApiClientSchema.safeParse(v).error?.issues.map((i) => `${String(i.path[0])}:${i.message}`);
    expect(refused({ name: "B", organisation: "BP2MI", scopes: ["progress:read"] })).toEqual(["name:apiClient.nameRequired"]);
    expect(refused({ name: "BP2MI", organisation: "BP2MI", scopes: [] })).toEqual(["scopes:apiClient.noScopes"]);
    expect(refused({ name: "BP2MI", organisation: "BP2MI", scopes: ["admin"] })).toEqual(["scopes:apiClient.scopeUnknown"]);
    expect(refused({ name: "BP2MI", organisation: "BP2MI", scopes: ["progress:read"], expiresOn: "besok" })).toEqual(["expiresOn:apiClient.expiryInvalid"]);
  });
});

describe("API clients", () => {
  it("the PMO creates a client: the key is returned once, only its hash is stored, and the creation is audited without it", async () => {
    const created = await newClient();
    expect(created.key).toMatch(/^ppmi_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(`ppmi_${created.keyPrefix}_`)).toBe(true);
    const [row] = await db.select().from(apiClients).where(eq(apiClients.id, created.clientId));
    expect(row.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(created.key.split("_").at(-1)!.slice(0, 20));
    const [event] = await eventsOf(created.clientId);
    expect(event).toMatchObject({ action: "api_client.create", actorId: pmo.id, actorRole: "pmo", entityType: "api_client" });
    expect(JSON.stringify(event)).not.toContain(created.key);
    const listed = (await listApiClients(pmo)).find((c) => c.id === created.clientId)!;
    expect(listed).toMatchObject({ name: "Prakerja PMO", state: "active", keyPrefix: created.keyPrefix, lastUsedAt: null, createdByName: pmo.name });
    expect(Object.keys(listed)).not.toContain("secretHash");
  });

  it("an expiry in the past is refused beside the field; an unknown region too; nothing is written", async () => {
    const before = (await db.select().from(apiClients)).length;
    expect(await createApiClient(pmo, input({ expiresOn: "2020-01-01" }))).toEqual({ ok: false, fieldErrors: { expiresOn: ["apiClient.expiryPast"] } });
    expect(await createApiClient(pmo, input({ regionId: crypto.randomUUID() }))).toEqual({ ok: false, fieldErrors: { regionId: ["apiClient.regionUnknown"] } });
    expect((await db.select().from(apiClients)).length).toBe(before);
  });

  it("only the PMO manages clients: a caseworker, a participant and a coordinator get 403", async () => {
    const created = await newClient();
    for (const role of ["caseworker", "participant", "coordinator"] as const) {
      const user = await createTestUser(role);
      expect(await statusOf(() => createApiClient(user, input()))).toBe(403);
      expect(await statusOf(() => listApiClients(user))).toBe(403);
      expect(await statusOf(() => revokeApiClient(user, created.clientId))).toBe(403);
    }
    expect(await authenticateApiKey(created.key)).not.toBeNull();
    expect(await statusOf(() => revokeApiClient(pmo, crypto.randomUUID()))).toBe(404);
    expect(await statusOf(() => revokeApiClient(pmo, "not-a-uuid"))).toBe(404);
  });

  it("authenticates a good key as the client, with its scopes; an unknown, wrong, malformed, revoked or expired key is null", async () => {
    const created = await newClient({ scopes: ["progress:read"] });
    expect(await authenticateApiKey(created.key)).toEqual({ kind: "api_client", id: created.clientId, name: "Prakerja PMO", scopes: ["progress:read"], provinces: null });
    const wrongSecret = created.key.slice(0, -4) + (created.key.endsWith("AAAA") ? "BBBB" : "AAAA");
    expect(await authenticateApiKey(wrongSecret)).toBeNull();
    expect(await authenticateApiKey(`ppmi_zzzzzzzzzzzz_${"A".repeat(43)}`)).toBeNull();
    expect(await authenticateApiKey("")).toBeNull();
    expect(await authenticateApiKey(created.key + "x")).toBeNull();
    expect(await authenticateApiKey("' or 1=1 --")).toBeNull();

    expect(await revokeApiClient(pmo, created.clientId)).toEqual({ changed: true, name: "Prakerja PMO" });
    expect(await authenticateApiKey(created.key)).toBeNull();
    expect(await revokeApiClient(pmo, created.clientId)).toEqual({ changed: false, name: "Prakerja PMO" });
    const events = await eventsOf(created.clientId);
    expect(events.filter((e) => e.action === "api_client.revoke")).toHaveLength(1);
    expect((await listApiClients(pmo)).find((c) => c.id === created.clientId)!.state).toBe("revoked");

    const expiring = await newClient();
    await db.update(apiClients).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiClients.id, expiring.clientId));
    expect(await authenticateApiKey(expiring.key)).toBeNull();
    expect((await listApiClients(pmo)).find((c) => c.id === expiring.clientId)!.state).toBe("expired");
  });

  it("a key valid until a day works through that day in Jakarta and not after", async () => {
    const created = await newClient({ expiresOn: "2099-12-31" });
    const [row] = await db.select().from(apiClients).where(eq(apiClients.id, created.clientId));
    expect(row.expiresAt!.toISOString()).toBe("2099-12-31T17:00:00.000Z");
    expect(apiClientState(row, new Date("2099-12-31T16:59:59Z"))).toBe("active");
    expect(apiClientState(row, new Date("2099-12-31T17:00:00Z"))).toBe("expired");
  });

  it("notes the last use, at most once a minute", async () => {
    const created = await newClient();
    await authenticateApiKey(created.key);
    const [first] = await db.select().from(apiClients).where(eq(apiClients.id, created.clientId));
    expect(first.lastUsedAt).not.toBeNull();
    await authenticateApiKey(created.key);
    const [second] = await db.select().from(apiClients).where(eq(apiClients.id, created.clientId));
    expect(second.lastUsedAt!.getTime()).toBe(first.lastUsedAt!.getTime());
    await db.execute(sql`update api_clients set last_used_at = now() - interval '2 minutes' where id = ${created.clientId}`);
    await authenticateApiKey(created.key);
    const [third] = await db.select().from(apiClients).where(eq(apiClients.id, created.clientId));
    expect(third.lastUsedAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it("a client of a region has its region's provinces as its scope, read at each call", async () => {
    const region = await createRegion(pmo, newRegionSchema.parse({ name: "Wilayah Sumatera Uji", provinceCodes: ["11", "12"] }));
    if (!region.ok) throw new Error("region");
    const created = await newClient({ regionId: region.regionId });
    expect((await authenticateApiKey(created.key))!.provinces).toEqual(["11", "12"]);
  });
});

describe("rate limit", () => {
  it("counts requests per client in a window; past the limit it says how long to wait; another client is not affected", async () => {
    const previous = process.env.API_RATE_LIMIT_PER_MINUTE;
    process.env.API_RATE_LIMIT_PER_MINUTE = "3";
    try {
      const a = (await authenticateApiKey((await newClient()).key))!;
      const b = (await authenticateApiKey((await newClient()).key))!;
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await takeApiRequest(a));
      expect(results.slice(0, 3).every((r) => r.ok)).toBe(true);
      const refused = results[3];
      expect(refused.ok).toBe(false);
      const wait = refused.ok ? 0 : refused.retryAfterSeconds;
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(wait).toBeLessThanOrEqual(60);
      expect((await takeApiRequest(b)).ok).toBe(true);
      // A new window starts over.
      await db.execute(sql`update api_rate_limits set window_start = window_start - interval '1 minute' where api_client_id = ${a.id}`);
      expect((await takeApiRequest(a)).ok).toBe(true);
    } finally {
      if (previous === undefined) delete process.env.API_RATE_LIMIT_PER_MINUTE;
      else process.env.API_RATE_LIMIT_PER_MINUTE = previous;
    }
  });
});

const actor = (over: Partial<ApiClientActor> = {}): ApiClientActor => ({
  kind: "api_client",
  id: crypto.randomUUID(),
  name: "Uji",
  scopes: ["participants:read", "progress:read"],
  provinces: null,
  ...over,
});

async function updatedAt(participantId: string): Promise<string> {
  const [row] = await executeRows<{ at: string }>(sql`select updated_at::text as at from participants where id = ${participantId}`);
  return row.at;
}

describe("participants for the API", () => {
  it("moves updated_at on a stage change, a milestone and a logged service, not on a change the API does not show", async () => {
    const cw = await createTestUser("caseworker");
    const p = await createTestParticipant({ caseworkerId: cw.id });
    const version = async () => (await db.select({ v: participants.version }).from(participants).where(eq(participants.id, p.participantId)))[0].v;
    const moved = async (fn: () => Promise<unknown>) => {
      await db.execute(sql`update participants set updated_at = updated_at - interval '1 day' where id = ${p.participantId}`);
      const before = await updatedAt(p.participantId);
      await fn();
      return (await updatedAt(p.participantId)) > before;
    };
    expect(await moved(async () => changeStage(cw, stageChangeSchema.parse({ participantId: p.participantId, version: String(await version()), toStage: "training", reason: "Kartu diterima" })))).toBe(true);
    expect(
      await moved(async () =>
        updateMilestones(cw, milestonesSchema().parse({ participantId: p.participantId, version: String(await version()), cardReceivedOn: todayInJakarta() })),
      ),
    ).toBe(true);
    expect(
      await moved(() =>
        recordService(cw, serviceLogSchema().parse({ participantId: p.participantId, submissionId: crypto.randomUUID(), serviceCode: "prakerja_account", occurredOn: todayInJakarta(), channel: "whatsapp", outcome: "done" })).then((r) => {
          if (!r.ok) throw new Error(JSON.stringify(r));
        }),
      ),
    ).toBe(true);
    // Directly in SQL, as any other code path would: the trigger moves it.
    expect(await moved(() => db.execute(sql`update participants set lms_session_on = '2021-06-20' where id = ${p.participantId}`))).toBe(true);
    expect(await moved(() => db.execute(sql`update participants set quarantine_location = 'Wisma Atlet' where id = ${p.participantId}`))).toBe(false);
  });

  it("pages by cursor over every participant exactly once, masked, with updated_since for deltas", async () => {
    for (let i = 0; i < 5; i++) await createTestParticipant({ stage: "training", set: { cardReceivedOn: "2021-06-10" } });
    const all = await listParticipantsForApi(actor(), { limit: 1000 });
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await listParticipantsForApi(actor(), { limit: 2, cursor });
      seen.push(...page.data.map((p) => p.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(all.data.map((p) => p.id));
    expect(new Set(seen).size).toBe(seen.length);
    const one = all.data.at(-1)!;
    expect(one.nikMasked).toMatch(/^•{12}\d{4}$/);
    expect(one.milestones.cardReceivedOn).toBe("2021-06-10");
    expect(one.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    expect(JSON.stringify(all)).not.toMatch(/\d{16}/);
    expect(Object.keys(one)).not.toEqual(expect.arrayContaining(["fullName"]));

    await db.execute(sql`update participants set stage = 'lms' where id = ${one.id}`);
    const delta = await listParticipantsForApi(actor(), { limit: 1000, updatedSince: one.updatedAt });
    expect(delta.data.map((p) => p.id)).toContain(one.id);
    expect(delta.data.find((p) => p.id === one.id)!.stage).toBe("lms");
    expect(() => decodeCursor("bm90LWEtY3Vyc29y")).toThrow();
  });

  it("a region's client sees its provinces only; a client without the scope gets 403; withdrawn consent is not shared", async () => {
    const inside = await createTestParticipant({ form: { provinceCode: "51", regencyCode: "5171" } });
    const outside = await createTestParticipant({ form: { provinceCode: "52", regencyCode: "5271" } });
    const page = await listParticipantsForApi(actor({ provinces: ["51"] }), { limit: 1000 });
    expect(page.data.map((p) => p.id)).toContain(inside.participantId);
    expect(page.data.map((p) => p.id)).not.toContain(outside.participantId);
    expect(page.data.every((p) => p.provinceCode === "51")).toBe(true);
    expect((await listParticipantsForApi(actor({ provinces: [] }), { limit: 1000 })).data).toEqual([]);
    expect(await statusOf(() => listParticipantsForApi(actor({ scopes: ["progress:read"] }), { limit: 10 }))).toBe(403);
    await db.update(participants).set({ consentWithdrawnAt: new Date() }).where(eq(participants.id, inside.participantId));
    expect((await listParticipantsForApi(actor({ provinces: ["51"] }), { limit: 1000 })).data.map((p) => p.id)).not.toContain(inside.participantId);
  });
});

describe("progress for the API", () => {
  it("equals the dashboard's figures for the same period and filters, everywhere and within a region", async () => {
    const { caseworkers: _c, waiting: _w, months: _m, empty: _e, latestWithData: _l, thisMonth: _t, filter, ...figures } = await getDashboard(pmo, { from: "2021-01", to: "2030-12" });
    const api = await getProgressForApi(actor(), { from: "2021-01", to: "2030-12" });
    expect(api.period).toEqual({ from: filter.from, to: filter.to });
    expect({ ...api, period: undefined, filter: undefined }).toEqual({ ...figures, period: undefined, filter: undefined });
    expect(api.headline.registered).toBeGreaterThan(0);

    const region = await createRegion(pmo, newRegionSchema.parse({ name: "Wilayah Bali Uji", provinceCodes: ["51"] }));
    if (!region.ok) throw new Error("region");
    const made = await createCoordinator(pmo, newCoordinatorSchema.parse({ name: "Koordinator Bali", email: `koor${Date.now()}@test.id`, regionIds: [region.regionId] }));
    if (!made.ok) throw new Error(JSON.stringify(made));
    const coordinator = { id: made.userId, role: "coordinator" as const, name: "Koordinator Bali", locale: "id" as const };
    for (const f of [{ from: "2021-01", to: "2030-12" }, { from: "2021-01", to: "2030-12", migrantStatus: "calon" as const }]) {
      const { caseworkers: _c2, waiting: _w2, months: _m2, empty: _e2, latestWithData: _l2, thisMonth: _t2, filter: _f2, ...theirs } = await getDashboard(coordinator, f);
      const mine = await getProgressForApi(actor({ provinces: ["51"] }), f);
      expect({ ...mine, period: undefined, filter: undefined }).toEqual({ ...theirs, period: undefined, filter: undefined });
    }
    expect(await statusOf(() => getProgressForApi(actor({ scopes: ["participants:read"] }), {}))).toBe(403);
  });
});

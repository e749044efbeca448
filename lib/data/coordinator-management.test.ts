import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db, executeRows } from "@/db";
import { activationCodes, auditEvents, helpRequests, participants, programmeSettings, users } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { createTestParticipant, type TestParticipant } from "@/lib/testing/participants";
import { assignmentRuleSchema, assignmentSchema, caseworkerProvinceSchema, newCaseworkerSchema, UNASSIGN } from "@/lib/validation/pmo-staff";
import { newCoordinatorSchema, newRegionSchema } from "@/lib/validation/regions";
import { assignParticipants, getAssignmentRule, listAssignable, listAssignableCaseworkers, setAssignmentRule } from "./assignments";
import { answerUnassignedHelpRequest, createHelpRequest, listOwnHelpRequests, listPmoHelpQueue } from "./help";
import type { SessionUser } from "./permissions";
import { createCoordinator, createRegion } from "./regions";
import { createCaseworker, disableCaseworker, enableCaseworker, issueCaseworkerCode, listCaseworkers, setCaseworkerProvince } from "./staff";
import { findSessionUser } from "./users";

// Issue 19, the management side (docs/decisions/030): a coordinator of region A (East Java
// 35 and Bali 51) manages the caseworkers, assignments and help queue of those provinces,
// and nothing of region B (Central Java 33) or of the provinces in no region (Jakarta 31),
// nor a caseworker with no province. Every refusal writes nothing.

let pmo: SessionUser;
let coordA: SessionUser;
let coordB: SessionUser;
/** Caseworkers: of A (35, and 51), of B (33), in no region (31), with no province. */
const cw: Record<"a" | "a51" | "b" | "free" | "none", SessionUser> = {} as never;
/** Unassigned participants of A (35), B (33) and no region (31). */
const waiting: Record<"a" | "b" | "free", TestParticipant> = {} as never;

async function caseworker(provinceCode: string | null, name: string): Promise<SessionUser> {
  const made = await createTestUser("caseworker", { name });
  if (provinceCode) await db.update(users).set({ provinceCode }).where(eq(users.id, made.id));
  return made;
}

const REGENCY: Record<string, string> = { "31": "3174", "33": "3374", "35": "3578" };
const participantIn = (provinceCode: string, caseworkerId: string | null = null) =>
  createTestParticipant({ caseworkerId, stage: "training", form: { provinceCode, regencyCode: REGENCY[provinceCode] } });

async function coordinatorOf(regionId: string, name: string): Promise<SessionUser> {
  const made = await createCoordinator(pmo, newCoordinatorSchema.parse({ name, email: `${name.replace(/\s/g, "").toLowerCase()}@bp2mi.go.id`, regionIds: [regionId] }));
  if (!made.ok) throw new Error(JSON.stringify(made));
  return { id: made.userId, role: "coordinator", name, locale: "id" };
}

async function region(name: string, provinceCodes: string[]): Promise<string> {
  const made = await createRegion(pmo, newRegionSchema.parse({ name, provinceCodes }));
  if (!made.ok) throw new Error(JSON.stringify(made));
  return made.regionId;
}

const newestEvent = async () =>
  (await db.select({ id: auditEvents.id }).from(auditEvents).orderBy(sql`${auditEvents.createdAt} desc, ${auditEvents.id} desc`).limit(1))[0]?.id;
const counts = async () => {
  const [row] = await executeRows<{ users: number; events: number; codes: number; assigned: number }>(sql`
    select (select count(*)::int from users) as users, (select count(*)::int from audit_events) as events,
           (select count(*)::int from activation_codes) as codes,
           (select count(*)::int from participants where caseworker_id is not null) as assigned`);
  return row;
};

async function ask(p: TestParticipant): Promise<string> {
  const asked = await createHelpRequest(p.user, { participantId: p.participantId, submissionId: crypto.randomUUID(), topic: "other", message: "Kode OTP tidak masuk" });
  if (!asked.ok) throw new Error(JSON.stringify(asked));
  return asked.id;
}

beforeAll(async () => {
  await freshDatabase();
  pmo = await createTestUser("pmo");
  const regionA = await region("Wilayah Timur", ["35", "51"]);
  const regionB = await region("Wilayah Tengah", ["33"]);
  coordA = await coordinatorOf(regionA, "Koordinator Timur");
  coordB = await coordinatorOf(regionB, "Koordinator Tengah");
  cw.a = await caseworker("35", "Ani Jatim");
  cw.a51 = await caseworker("51", "Made Bali");
  cw.b = await caseworker("33", "Budi Jateng");
  cw.free = await caseworker("31", "Citra Jakarta");
  cw.none = await caseworker(null, "Dewi Tanpa");
  await participantIn("35", cw.a.id);
  await participantIn("35", cw.a.id);
  await participantIn("33", cw.b.id);
  waiting.a = await participantIn("35");
  waiting.b = await participantIn("33");
  waiting.free = await participantIn("31");
});

describe("a coordinator's caseworkers", () => {
  it("lists only the caseworkers of their provinces, with caseloads and their provinces' waiting participants", async () => {
    const mine = await listCaseworkers(coordA);
    expect(mine.rows.map((r) => r.name).sort()).toEqual(["Ani Jatim", "Made Bali"]);
    expect(mine.rows.find((r) => r.id === cw.a.id)?.caseload).toBe(2);
    expect(mine.unassigned).toBe(1);
    expect(mine.scope).toEqual(["35", "51"]);
    const theirs = await listCaseworkers(coordB);
    expect(theirs.rows.map((r) => r.name)).toEqual(["Budi Jateng"]);
    // The PMO's list is whole.
    const all = await listCaseworkers(pmo);
    expect(all.rows).toHaveLength(5);
    expect(all.unassigned).toBe(3);
    expect(all.scope).toBeNull();
  });

  it("creates a caseworker in one of their provinces, audited with the coordinator as actor; another province or none is refused and writes nothing", async () => {
    const made = await createCaseworker(coordA, newCaseworkerSchema.parse({ name: "Eka Putri", email: "eka.putri@bp2mi.go.id", provinceCode: "51" }));
    if (!made.ok) throw new Error(JSON.stringify(made));
    const [event] = await db.select().from(auditEvents).where(eq(auditEvents.entityId, made.userId)).orderBy(auditEvents.createdAt).limit(1);
    expect(event).toMatchObject({ action: "caseworker.create", actorId: coordA.id, actorRole: "coordinator" });
    expect((await listCaseworkers(coordA)).rows.map((r) => r.id)).toContain(made.userId);

    const before = await counts();
    for (const provinceCode of ["33", "31", ""]) {
      const refused = await createCaseworker(coordA, newCaseworkerSchema.parse({ name: "Fajar Nugroho", email: `fajar${provinceCode}@bp2mi.go.id`, provinceCode }));
      expect(refused, provinceCode).toEqual({ ok: false, fieldErrors: { provinceCode: ["caseworker.provinceOutsideScope"] } });
    }
    expect(await counts()).toEqual(before);
  });

  it("disables and enables their caseworkers (sessions end at once); another region's, a regionless or no-province caseworker is 404 and nothing is written", async () => {
    const target = await caseworker("35", "Gita Sari");
    const before = await db.select({ sv: users.sessionVersion }).from(users).where(eq(users.id, target.id));
    expect(await disableCaseworker(coordA, target.id)).toMatchObject({ ok: true, changed: true });
    expect(await findSessionUser(target.id, before[0].sv)).toBeNull();
    const [event] = await db.select().from(auditEvents).where(eq(auditEvents.entityId, target.id)).orderBy(sql`${auditEvents.createdAt} desc`).limit(1);
    expect(event).toMatchObject({ action: "caseworker.disable", actorId: coordA.id, actorRole: "coordinator" });
    expect(await enableCaseworker(coordA, target.id)).toMatchObject({ ok: true, changed: true });

    const snapshot = await counts();
    const newest = await newestEvent();
    for (const other of [cw.b, cw.free, cw.none]) {
      expect(await statusOf(() => disableCaseworker(coordA, other.id)), other.name).toBe(404);
      expect(await statusOf(() => enableCaseworker(coordA, other.id)), other.name).toBe(404);
      expect(await statusOf(() => issueCaseworkerCode(coordA, other.id)), other.name).toBe(404);
      expect(await statusOf(() => setCaseworkerProvince(coordA, caseworkerProvinceSchema.parse({ caseworkerId: other.id, provinceCode: "35" }))), other.name).toBe(404);
    }
    expect(await db.select({ d: users.disabledAt }).from(users).where(eq(users.id, cw.b.id))).toEqual([{ d: null }]);
    expect(await counts()).toEqual(snapshot);
    expect(await newestEvent()).toBe(newest);
  });

  it("issues a new code for their caseworker, and moves a caseworker only between their own provinces", async () => {
    const target = await caseworker("35", "Hadi Kurnia");
    const issued = await issueCaseworkerCode(coordA, target.id);
    expect(issued.ok).toBe(true);
    expect(await db.select().from(activationCodes).where(eq(activationCodes.userId, target.id))).toHaveLength(1);

    expect(await setCaseworkerProvince(coordA, caseworkerProvinceSchema.parse({ caseworkerId: target.id, provinceCode: "51" }))).toMatchObject({ ok: true, changed: true });
    const snapshot = await counts();
    for (const provinceCode of ["33", ""]) {
      expect(await setCaseworkerProvince(coordA, caseworkerProvinceSchema.parse({ caseworkerId: target.id, provinceCode }))).toEqual({
        ok: false,
        fieldErrors: { provinceCode: ["caseworker.provinceOutsideScope"] },
      });
    }
    expect((await db.select({ p: users.provinceCode }).from(users).where(eq(users.id, target.id)))[0].p).toBe("51");
    expect(await counts()).toEqual(snapshot);
  });

  it("refuses caseworkers and other roles with 403", async () => {
    const someone = await caseworker("35", "Indah Lestari");
    expect(await statusOf(() => listCaseworkers(someone))).toBe(403);
    expect(await statusOf(() => disableCaseworker(someone, cw.a.id))).toBe(403);
  });
});

describe("a coordinator's assignments", () => {
  it("lists their provinces' participants and their active caseworkers only", async () => {
    const list = await listAssignable(coordA, { assigned: "all" });
    expect(new Set(list.rows.map((r) => r.provinceCode))).toEqual(new Set(["35"]));
    expect(list.unassigned).toBe(1);
    expect((await listAssignable(coordA)).rows.map((r) => r.id)).toEqual([waiting.a.participantId]);
    // Naming another region's province or caseworker in the query finds nothing.
    expect((await listAssignable(coordA, { assigned: "all", province: "33" })).total).toBe(0);
    expect((await listAssignable(coordA, { assigned: cw.b.id })).total).toBe(0);
    const targets = (await listAssignableCaseworkers(coordA)).map((c) => c.id);
    expect(targets).toContain(cw.a.id);
    expect(targets).toContain(cw.a51.id);
    for (const other of [cw.b, cw.free, cw.none]) expect(targets).not.toContain(other.id);
  });

  it("assigns and reassigns within their provinces, audited with the coordinator as actor", async () => {
    const p = await participantIn("35", cw.a.id);
    const moved = await assignParticipants(coordA, assignmentSchema.parse({ participantIds: [p.participantId], caseworkerId: cw.a51.id }));
    expect(moved).toMatchObject({ ok: true, changed: 1 });
    const [row] = await db.select({ c: participants.caseworkerId }).from(participants).where(eq(participants.id, p.participantId));
    expect(row.c).toBe(cw.a51.id);
    const [event] = await db.select().from(auditEvents).where(eq(auditEvents.entityId, p.participantId)).orderBy(sql`${auditEvents.createdAt} desc`).limit(1);
    expect(event).toMatchObject({ action: "participant.assign", actorId: coordA.id, actorRole: "coordinator", before: { caseworkerId: cw.a.id }, after: { caseworkerId: cw.a51.id } });
    expect(await assignParticipants(coordA, assignmentSchema.parse({ participantIds: [p.participantId], caseworkerId: UNASSIGN }))).toMatchObject({ ok: true, changed: 1 });
  });

  it("refuses a whole submission naming a participant or a caseworker outside their provinces, and writes nothing", async () => {
    const mine = await participantIn("35");
    const snapshot = await counts();
    const newest = await newestEvent();
    const cases: [string[], string, string][] = [
      [[mine.participantId, waiting.b.participantId], cw.a.id, "participantIds"],
      [[mine.participantId, waiting.free.participantId], cw.a.id, "participantIds"],
      [[mine.participantId], cw.b.id, "caseworkerId"],
      [[mine.participantId], cw.free.id, "caseworkerId"],
      [[mine.participantId], cw.none.id, "caseworkerId"],
      [[waiting.b.participantId], UNASSIGN, "participantIds"],
    ];
    for (const [participantIds, caseworkerId, field] of cases) {
      const result = await assignParticipants(coordA, assignmentSchema.parse({ participantIds, caseworkerId }));
      expect(result.ok, `${participantIds.length} → ${caseworkerId}`).toBe(false);
      expect(Object.keys(result.ok ? {} : result.fieldErrors)).toEqual([field]);
    }
    expect(await counts()).toEqual(snapshot);
    expect(await newestEvent()).toBe(newest);
    expect((await db.select({ c: participants.caseworkerId }).from(participants).where(eq(participants.id, mine.participantId)))[0].c).toBeNull();
  });

  it("leaves the automatic assignment rule to the PMO", async () => {
    expect(await statusOf(() => getAssignmentRule(coordA))).toBe(403);
    expect(await statusOf(() => setAssignmentRule(coordA, assignmentRuleSchema.parse({ autoAssign: "on" })))).toBe(403);
    expect((await db.select().from(programmeSettings))[0]?.autoAssign ?? false).toBe(false);
  });
});

describe("a coordinator's help queue", () => {
  it("holds the open requests of their provinces' participants without a caseworker only", async () => {
    const [a, b, free] = [await ask(waiting.a), await ask(waiting.b), await ask(waiting.free)];
    expect((await listPmoHelpQueue(coordA)).map((r) => r.id)).toEqual([a]);
    expect((await listPmoHelpQueue(coordB)).map((r) => r.id)).toEqual([b]);
    expect((await listPmoHelpQueue(pmo)).map((r) => r.id).sort()).toEqual([a, b, free].sort());
  });

  it("lets them answer their region's requests (read by the participant as the programme office's); another region's is 404 and nothing is written", async () => {
    const [mine] = await listPmoHelpQueue(coordA);
    const answered = await answerUnassignedHelpRequest(coordA, { requestId: mine.id, answer: "Silakan datang ke kantor wilayah." });
    expect(answered).toMatchObject({ ok: true });
    const [event] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, mine.id), eq(auditEvents.action, "help_request.answer")));
    expect(event).toMatchObject({ action: "help_request.answer", actorId: coordA.id, actorRole: "coordinator" });
    const [own] = await listOwnHelpRequests(waiting.a.user);
    expect(own.answeredBy).toEqual({ role: "pmo", name: "Koordinator Timur" });

    const snapshot = await counts();
    const newest = await newestEvent();
    for (const other of (await listPmoHelpQueue(pmo)).map((r) => r.id)) {
      expect(await statusOf(() => answerUnassignedHelpRequest(coordA, { requestId: other, answer: "Bukan wilayah saya." }))).toBe(404);
    }
    expect(await db.select({ n: sql<number>`count(*)::int` }).from(helpRequests).where(eq(helpRequests.status, "answered"))).toEqual([{ n: 1 }]);
    expect(await counts()).toEqual(snapshot);
    expect(await newestEvent()).toBe(newest);
  });

  it("refuses caseworkers with 403", async () => {
    expect(await statusOf(() => listPmoHelpQueue(cw.a))).toBe(403);
  });
});

import { and, asc, eq, sql } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/db";
import { auditEvents, participants, programmeSettings, users, type Stage } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { registrationForm } from "@/lib/testing/identity";
import { createTestParticipant, TEST_PASSWORD } from "@/lib/testing/participants";
import { assignmentRuleSchema, caseworkerProvinceSchema, newCaseworkerSchema } from "@/lib/validation/pmo-staff";
import { assistedRegistrationSchema, selfRegistrationSchema } from "@/lib/validation/registration";
import { newRegionSchema } from "@/lib/validation/regions";
import { getAssignmentRule, setAssignmentRule } from "./assignments";
import { registerAssisted } from "./assisted";
import { getOwnHome, registerSelf } from "./participants";
import type { SessionUser } from "./permissions";
import { createRegion } from "./regions";
import { createCaseworker, disableCaseworker, listCaseworkers, setCaseworkerProvince } from "./staff";

// The automatic assignment rule (docs/decisions/020): a self-registered participant goes
// to an enabled caseworker of their province with the smallest open caseload, in the
// registration's own statement, with its audit event.

beforeAll(freshDatabase);

let pmo: SessionUser;
beforeAll(async () => {
  pmo = await createTestUser("pmo");
});

// Each test starts from no enabled caseworker and the rule off: the caseworkers of
// earlier tests are disabled (the rule skips them) and the switch is set back.
beforeEach(async () => {
  await db.update(users).set({ disabledAt: sql`now()` }).where(and(eq(users.role, "caseworker"), sql`disabled_at is null`));
  await db.update(programmeSettings).set({ autoAssign: false });
});

const on = () => setAssignmentRule(pmo, assignmentRuleSchema.parse({ autoAssign: "on" }));
const off = () => setAssignmentRule(pmo, assignmentRuleSchema.parse({ autoAssign: "off" }));

async function caseworker(provinceCode: string | null, name?: string) {
  const cw = await createTestUser("caseworker", { name });
  if (provinceCode) await db.update(users).set({ provinceCode }).where(eq(users.id, cw.id));
  return cw;
}

/** Gives a caseworker n participants in a stage (registered with the rule off, then moved). */
async function caseload(cw: SessionUser, n: number, stage: Stage = "training") {
  const rule = (await getAssignmentRule(pmo)).autoAssign;
  if (rule) await off();
  for (let i = 0; i < n; i++) await createTestParticipant({ caseworkerId: cw.id, stage });
  if (rule) await on();
}

/** A worker of Jakarta (31) registers themself; returns the participant's row and session. */
async function register(form: Record<string, string> = {}) {
  const data = selfRegistrationSchema().parse(registrationForm({ password: TEST_PASSWORD, ...form }));
  const result = await registerSelf(data);
  if (!result.ok) throw new Error(JSON.stringify(result.fieldErrors));
  const [row] = await db.select().from(participants).where(eq(participants.id, result.participantId));
  const viewer: SessionUser = { id: result.userId, role: "participant", name: data.fullName, locale: "id" };
  return { row, viewer, participantId: result.participantId };
}

const assignEvents = (participantId: string) =>
  db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, "participant.assign"), eq(auditEvents.entityId, participantId)));

describe("the automatic assignment rule", () => {
  it("is off by default: a self-registered participant waits for the PMO", async () => {
    await caseworker("31");
    expect((await getAssignmentRule(pmo)).autoAssign).toBe(false);
    const { row, viewer, participantId } = await register();
    expect(row.caseworkerId).toBeNull();
    expect(await assignEvents(participantId)).toEqual([]);
    expect((await getOwnHome(viewer))?.caseworker).toBeNull();
  });

  it("on: gives the participant to the caseworker of their province with the smallest open caseload, audited, shown on /me", async () => {
    const busy = await caseworker("31", "Pendamping Sibuk");
    const light = await caseworker("31", "Pendamping Ringan");
    const elsewhere = await caseworker("35", "Pendamping Jatim");
    await caseload(busy, 2);
    await caseload(light, 1);
    expect(elsewhere.id).toBeTruthy(); // none open, but another province
    await on();

    const { row, viewer, participantId } = await register();
    expect(row.caseworkerId).toBe(light.id);
    const [event] = await assignEvents(participantId);
    expect(event).toMatchObject({
      actorId: null,
      actorRole: "system",
      entityType: "participant",
      before: { caseworkerId: null, caseworkerName: null },
      after: { caseworkerId: light.id, caseworkerName: "Pendamping Ringan", rule: "auto", sameProvince: true },
    });
    // The registration's own event is there too, written by the same statement.
    const register_ = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "participant.register"), eq(auditEvents.entityId, participantId)));
    expect(register_).toHaveLength(1);
    expect((await getOwnHome(viewer))?.caseworker).toEqual({ name: "Pendamping Ringan" });
  });

  it("falls back to any province when the participant's has no enabled caseworker", async () => {
    const jatim = await caseworker("35");
    const noProvince = await caseworker(null);
    await caseload(jatim, 1);
    await on();
    const { row, participantId } = await register({ provinceCode: "31", regencyCode: "3174" });
    expect(row.caseworkerId).toBe(noProvince.id);
    expect((await assignEvents(participantId))[0].after).toMatchObject({ sameProvince: false });
  });

  it("skips disabled caseworkers", async () => {
    const disabled = await caseworker("31");
    const enabled = await caseworker("31");
    await caseload(enabled, 3);
    await disableCaseworker(pmo, disabled.id);
    await on();
    expect((await register()).row.caseworkerId).toBe(enabled.id);
  });

  it("counts only open participants: completed and withdrawn ones do not weigh", async () => {
    const closed = await caseworker("31");
    const open = await caseworker("31");
    await caseload(closed, 2, "completed");
    await caseload(closed, 1, "withdrawn");
    await caseload(closed, 1, "lms");
    await caseload(open, 2, "registration");
    await on();
    expect((await register()).row.caseworkerId).toBe(closed.id);
  });

  it("breaks ties by id, and so takes turns over equal caseloads", async () => {
    const a = await caseworker("31");
    const b = await caseworker("31");
    await on();
    const [first, second] = [a.id, b.id].sort();
    expect((await register()).row.caseworkerId).toBe(first);
    expect((await register()).row.caseworkerId).toBe(second);
    expect((await register()).row.caseworkerId).toBe(first);
  });

  it("spreads registrations made at the same moment evenly (the province's lock)", async () => {
    const a = await caseworker("31");
    const b = await caseworker("31");
    await on();
    const made = await Promise.all(Array.from({ length: 6 }, () => register()));
    const counts = new Map<string | null, number>();
    for (const m of made) counts.set(m.row.caseworkerId, (counts.get(m.row.caseworkerId) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ [a.id]: 3, [b.id]: 3 });
  });

  it("leaves the participant waiting when there is no enabled caseworker at all", async () => {
    await on();
    const { row, participantId } = await register();
    expect(row.caseworkerId).toBeNull();
    expect(await assignEvents(participantId)).toEqual([]);
  });

  it("leaves assisted registration to the registering caseworker", async () => {
    const other = await caseworker("31");
    const registering = await caseworker("35");
    await caseload(registering, 4);
    expect(other.id).toBeTruthy();
    await on();
    const result = await registerAssisted(registering, assistedRegistrationSchema().parse(registrationForm()));
    if (!result.ok) throw new Error(JSON.stringify(result.fieldErrors));
    const [row] = await db.select().from(participants).where(eq(participants.id, result.participantId));
    expect(row.caseworkerId).toBe(registering.id);
    expect(await assignEvents(result.participantId)).toEqual([]);
  });

  it("keeps manual assignment: the PMO can still move an auto-assigned participant", async () => {
    const cw = await caseworker("31");
    await on();
    const { row } = await register();
    expect(row.caseworkerId).toBe(cw.id);
    // assignParticipants is tested in assignments.test.ts; the participant is an ordinary row.
    const [list] = await db.select({ n: sql<number>`count(*)::int` }).from(participants).where(eq(participants.caseworkerId, cw.id));
    expect(list.n).toBe(1);
  });
});

describe("setAssignmentRule", () => {
  it("is refused (403) for participants and caseworkers, and changes nothing", async () => {
    const cw = await createTestUser("caseworker");
    const p = await createTestParticipant();
    const before = await db.select().from(programmeSettings);
    for (const viewer of [cw, p.user]) {
      expect(await statusOf(() => setAssignmentRule(viewer, { autoAssign: true }))).toBe(403);
      expect(await statusOf(() => getAssignmentRule(viewer))).toBe(403);
    }
    expect(await db.select().from(programmeSettings)).toEqual(before);
  });

  it("writes the switch with an event that has before and after; the same value again writes nothing", async () => {
    const count = async () =>
      (await db.select({ n: sql<number>`count(*)::int` }).from(auditEvents).where(eq(auditEvents.action, "assignment_rule.set")))[0].n;
    const start = await count();
    expect(await on()).toEqual({ changed: true });
    expect(await on()).toEqual({ changed: false });
    expect(await off()).toEqual({ changed: true });
    const events = await db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "assignment_rule.set"))
      .orderBy(asc(auditEvents.id));
    expect(await count()).toBe(start + 2);
    expect(events.slice(-2).map((e) => [e.actorId, e.before, e.after])).toEqual([
      [pmo.id, { autoAssign: false }, { autoAssign: true }],
      [pmo.id, { autoAssign: true }, { autoAssign: false }],
    ]);
    expect((await getAssignmentRule(pmo)).autoAssign).toBe(false);
  });

  it("works on an emptied settings table (a missing row reads as off)", async () => {
    await db.delete(programmeSettings);
    expect((await getAssignmentRule(pmo)).autoAssign).toBe(false);
    await on();
    expect((await getAssignmentRule(pmo)).autoAssign).toBe(true);
    await off();
  });
});

describe("a caseworker's province", () => {
  it("is set on creation and changed by the PMO, audited; refused for others", async () => {
    const input = newCaseworkerSchema.parse({ name: "Rina Wati", email: `rina.${Date.now()}@bp2mi.go.id`, provinceCode: "35" });
    expect(input.provinceCode).toBe("35");
    const made = await createCaseworker(pmo, input);
    if (!made.ok) throw new Error(JSON.stringify(made.fieldErrors));
    const listed = (await listCaseworkers(pmo)).rows.find((r) => r.id === made.userId);
    expect(listed?.provinceCode).toBe("35");

    const change = caseworkerProvinceSchema.parse({ caseworkerId: made.userId, provinceCode: "31" });
    expect(await setCaseworkerProvince(pmo, change)).toMatchObject({ changed: true });
    expect(await setCaseworkerProvince(pmo, change)).toMatchObject({ changed: false });
    const [event] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "caseworker.province"), eq(auditEvents.entityId, made.userId)));
    expect(event).toMatchObject({ actorId: pmo.id, before: { provinceCode: "35" }, after: { provinceCode: "31" } });

    const cw = await createTestUser("caseworker");
    expect(await statusOf(() => setCaseworkerProvince(cw, change))).toBe(403);
    // Not a caseworker's id: 404, as for disabling.
    expect(await statusOf(() => setCaseworkerProvince(pmo, { caseworkerId: pmo.id, provinceCode: "31" }))).toBe(404);
  });

  it("refuses an unknown province code in the form", () => {
    const parsed = caseworkerProvinceSchema.safeParse({ caseworkerId: crypto.randomUUID(), provinceCode: "99" });
    expect(parsed.success).toBe(false);
    expect(caseworkerProvinceSchema.parse({ caseworkerId: crypto.randomUUID(), provinceCode: "" }).provinceCode).toBeNull();
  });

  it("may be set on caseworkers only (a check in the database)", async () => {
    const p = await createTestParticipant();
    await expect(db.update(users).set({ provinceCode: "31" }).where(eq(users.id, p.user.id))).rejects.toThrow();
  });
});

// Issue 19 (docs/decisions/030): a caseworker belongs to the region of their province, and
// the rule assigns within the participant's region: their province first, then the other
// provinces of the region, never another region. A province in no region falls back to
// the caseworkers outside every region. Last in the file: the regions stay.
describe("the rule within regions", () => {
  const east = { provinceCode: "35", regencyCode: "3578" };
  const bali = { provinceCode: "51", regencyCode: "5171" };
  const jakarta = { provinceCode: "31", regencyCode: "3174" };

  beforeAll(async () => {
    for (const [name, provinceCodes] of [
      ["Wilayah Timur", ["35", "51"]],
      ["Wilayah Tengah", ["33"]],
    ] as const) {
      const made = await createRegion(pmo, newRegionSchema.parse({ name, provinceCodes }));
      if (!made.ok) throw new Error(JSON.stringify(made));
    }
  });

  it("prefers the participant's own province inside the region", async () => {
    const inBali = await caseworker("51");
    const inEast = await caseworker("35");
    await caseload(inEast, 3);
    await on();
    const { row, participantId } = await register(east);
    expect(row.caseworkerId).toBe(inEast.id);
    expect((await assignEvents(participantId))[0].after).toMatchObject({ sameProvince: true });
    expect(inBali.id).toBeTruthy();
  });

  it("falls back to the least-loaded caseworker of another province of the same region", async () => {
    const busy = await caseworker("35");
    const light = await caseworker("35");
    const otherRegion = await caseworker("33");
    const regionless = await caseworker("31");
    const noProvince = await caseworker(null);
    await caseload(busy, 2);
    await on();
    const { row, participantId } = await register(bali);
    expect(row.caseworkerId).toBe(light.id);
    expect((await assignEvents(participantId))[0].after).toMatchObject({ caseworkerId: light.id, sameProvince: false });
    expect([otherRegion.id, regionless.id, noProvince.id]).not.toContain(row.caseworkerId);
  });

  it("never assigns outside the region: a region without an enabled caseworker leaves the participant waiting", async () => {
    const disabledInRegion = await caseworker("51");
    await disableCaseworker(pmo, disabledInRegion.id);
    await caseworker("33");
    await caseworker("31");
    await caseworker(null);
    await on();
    const { row, participantId } = await register(east);
    expect(row.caseworkerId).toBeNull();
    expect(await assignEvents(participantId)).toEqual([]);
  });

  it("gives a participant of a province in no region to a caseworker outside every region, never to a region's", async () => {
    const inRegion = await caseworker("33");
    const regionless = await caseworker("52");
    const noProvince = await caseworker(null);
    await caseload(regionless, 1);
    await on();
    const first = await register(jakarta);
    expect(first.row.caseworkerId).toBe(noProvince.id);
    const second = await register(jakarta);
    expect([regionless.id, noProvince.id]).toContain(second.row.caseworkerId);
    // With no caseworker outside the regions, the participant waits.
    await disableCaseworker(pmo, regionless.id);
    await disableCaseworker(pmo, noProvince.id);
    expect((await register(jakarta)).row.caseworkerId).toBeNull();
    expect(inRegion.id).toBeTruthy();
  });

  it("serves a burst of one region's registrations from its caseworkers only, evenly", async () => {
    const a = await caseworker("35");
    const b = await caseworker("35");
    await caseworker("33");
    await on();
    const made = await Promise.all(Array.from({ length: 4 }, () => register(bali)));
    const counts = new Map<string | null, number>();
    for (const m of made) counts.set(m.row.caseworkerId, (counts.get(m.row.caseworkerId) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ [a.id]: 2, [b.id]: 2 });
  });
});

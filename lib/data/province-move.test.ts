import { desc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { auditEvents, coordinatorRegions, participants, regionProvinces, regions, users } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { countersDrift } from "@/lib/testing/dashboard-counters";
import { makeKk, makeNik } from "@/lib/testing/identity";
import { createTestParticipant, type TestParticipant } from "@/lib/testing/participants";
import { contactSchema } from "@/lib/validation/caseworker";
import { ownContactSchema } from "@/lib/validation/own-contact";
import { parseParticipantFilter } from "@/lib/validation/pmo-participants";
import { listAuditEvents } from "./audit-log";
import { getCasefile, updateContact } from "./casework";
import type { SessionUser } from "./permissions";
import { getParticipantForPmo, listParticipantsForPmo } from "./pmo-participants";
import { updateOwnContact } from "./self-service";

// Issue 19 (docs/decisions/037-province-moves.md): a participant who moves province moves
// region. Their caseworker stays until reassigned; the contact change is one audit event
// filed under both provinces, so the coordinators of both regions see it; afterwards the
// old region's coordinator no longer reads the participant and the new one's does; the
// dashboard's counters follow the move exactly.

let coordA: SessionUser;
let coordB: SessionUser;
let cwA: SessionUser;

async function person(name: string): Promise<TestParticipant> {
  const nik = makeNik({ birthDate: "1990-05-17", sex: "P", regencyCode: "3578" });
  return createTestParticipant({
    caseworkerId: cwA.id,
    form: { fullName: name, nik, kk: makeKk("3578"), provinceCode: "35", regencyCode: "3578", address: `Jalan ${name}` },
  });
}

async function region(name: string, provinces: string[], coordinator: SessionUser) {
  const [r] = await db.insert(regions).values({ name }).returning();
  await db.insert(regionProvinces).values(provinces.map((provinceCode) => ({ provinceCode, regionId: r.id })));
  await db.insert(coordinatorRegions).values({ userId: coordinator.id, regionId: r.id });
}

async function current(participantId: string) {
  const [row] = await db
    .select({
      version: participants.version,
      provinceCode: participants.provinceCode,
      regencyCode: participants.regencyCode,
      caseworkerId: participants.caseworkerId,
      address: participants.address,
      phone: users.phone,
      email: users.email,
    })
    .from(participants)
    .innerJoin(users, eq(users.id, participants.userId))
    .where(eq(participants.id, participantId));
  return row;
}

/** The contact form as loaded now, with the given changes. */
async function contactForm(p: TestParticipant, changes: Record<string, string>) {
  const row = await current(p.participantId);
  return {
    participantId: p.participantId,
    version: String(row.version),
    phone: row.phone ?? "",
    email: row.email ?? "",
    address: row.address ?? "",
    provinceCode: row.provinceCode,
    regencyCode: row.regencyCode ?? "",
    ...changes,
  };
}

const newestEvent = async () => (await db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1))[0];

async function seesInAuditLog(viewer: SessionUser, eventId: number) {
  const page = await listAuditEvents(viewer, { action: "participant.contact_update" });
  return page.rows.some((r) => r.id === eventId);
}

async function expectMovedToB(p: TestParticipant, eventId: number) {
  // The row moved, the caseworker stayed.
  expect(await current(p.participantId)).toMatchObject({ provinceCode: "33", regencyCode: "3374", caseworkerId: cwA.id });
  // The one event is filed under both provinces: both coordinators see it.
  const [event] = await db.select().from(auditEvents).where(eq(auditEvents.id, eventId));
  expect(event.provinceCodes).toEqual(["33", "35"]);
  expect(event.before).toMatchObject({ provinceCode: "35", regencyCode: "3578" });
  expect(event.after).toMatchObject({ provinceCode: "33", regencyCode: "3374" });
  expect(await seesInAuditLog(coordA, eventId)).toBe(true);
  expect(await seesInAuditLog(coordB, eventId)).toBe(true);
  // Afterwards the participant is region B's: A's coordinator no longer reads them.
  const listA = await listParticipantsForPmo(coordA, parseParticipantFilter({}));
  const listB = await listParticipantsForPmo(coordB, parseParticipantFilter({}));
  expect(listA.rows.map((r) => r.id)).not.toContain(p.participantId);
  expect(listB.rows.map((r) => r.id)).toContain(p.participantId);
  expect(await statusOf(() => getParticipantForPmo(coordA, p.participantId))).toBe(404);
  expect((await getParticipantForPmo(coordB, p.participantId)).participant).toMatchObject({ id: p.participantId, provinceCode: "33" });
  // The caseworker keeps their case file until someone reassigns the participant.
  expect((await getCasefile(cwA, p.participantId)).participant.provinceCode).toBe("33");
  expect(await countersDrift()).toEqual({ missing: [], extra: [] });
}

beforeAll(async () => {
  await freshDatabase();
  coordA = await createTestUser("coordinator", { name: "Koordinator Timur" });
  coordB = await createTestUser("coordinator", { name: "Koordinator Tengah" });
  cwA = await createTestUser("caseworker", { name: "Pendamping Timur" });
  await db.update(users).set({ provinceCode: "35" }).where(eq(users.id, cwA.id));
  await region("Kantor Wilayah Jawa Timur", ["35"], coordA);
  await region("Kantor Wilayah Jawa Tengah", ["33", "34"], coordB);
});

describe("a participant moving province", () => {
  it("moved by their caseworker: one transaction, the caseworker stays, both coordinators see it", async () => {
    const p = await person("Ani Surabaya");
    expect((await listParticipantsForPmo(coordA, parseParticipantFilter({}))).rows.map((r) => r.id)).toContain(p.participantId);
    expect(await countersDrift()).toEqual({ missing: [], extra: [] });
    const input = contactSchema.parse(await contactForm(p, { provinceCode: "33", regencyCode: "3374", address: "Jl. Pandanaran No. 5, Semarang" }));
    expect(await updateContact(cwA, input)).toEqual({ ok: true });
    const event = await newestEvent();
    expect(event).toMatchObject({ action: "participant.contact_update", entityId: p.participantId, actorId: cwA.id });
    await expectMovedToB(p, event.id);
  });

  it("moved by the participant at /me: the same", async () => {
    const p = await person("Dewi Malang");
    const input = ownContactSchema.parse(await contactForm(p, { provinceCode: "33", regencyCode: "3374" }));
    expect(await updateOwnContact(p.user, input)).toEqual({ ok: true });
    const event = await newestEvent();
    expect(event).toMatchObject({ action: "participant.contact_update", entityId: p.participantId, actorId: p.user.id });
    await expectMovedToB(p, event.id);
  });

  it("a change within the province is filed under that province only", async () => {
    const p = await person("Sri Kediri");
    const input = contactSchema.parse(await contactForm(p, { regencyCode: "3571" }));
    expect(await updateContact(cwA, input)).toEqual({ ok: true });
    const event = await newestEvent();
    expect(event.provinceCodes).toEqual(["35"]);
    expect(await seesInAuditLog(coordA, event.id)).toBe(true);
    expect(await seesInAuditLog(coordB, event.id)).toBe(false);
    expect(await current(p.participantId)).toMatchObject({ provinceCode: "35", regencyCode: "3571" });
  });

  it("refuses a regency outside the province, an unknown province, and a stale form, writing nothing", async () => {
    const p = await person("Rina Blitar");
    const before = await current(p.participantId);
    const lastEvent = (await newestEvent()).id;
    const refusal = (changes: Record<string, string>) => contactSchema.safeParse(changes).error?.issues.map((i) => `${i.path.join(".")}:${i.message}`);
    expect(refusal(await contactForm(p, { provinceCode: "33", regencyCode: "3578" }))).toEqual(["regencyCode:regency.notInProvince"]);
    expect(refusal(await contactForm(p, { provinceCode: "99", regencyCode: "9901" }))).toEqual(["provinceCode:province.invalid", "regencyCode:regency.invalid"]);
    expect(
      ownContactSchema.safeParse(await contactForm(p, { provinceCode: "33", regencyCode: "3578" })).error?.issues.map((i) => i.message),
    ).toEqual(["regency.notInProvince"]);
    // A stale version (the record changed since the form was loaded): nothing moves.
    const stale = contactSchema.parse(await contactForm(p, { provinceCode: "33", regencyCode: "3374", version: String(before.version + 5) }));
    expect(await updateContact(cwA, stale)).toEqual({ ok: false, fieldErrors: { form: ["record.stale"] } });
    const staleOwn = ownContactSchema.parse(await contactForm(p, { provinceCode: "33", regencyCode: "3374", version: String(before.version + 1) }));
    expect(await updateOwnContact(p.user, staleOwn)).toEqual({ ok: false, fieldErrors: { form: ["record.stale"] } });
    expect(await current(p.participantId)).toEqual(before);
    expect((await newestEvent()).id).toBe(lastEvent);
    expect(await countersDrift()).toEqual({ missing: [], extra: [] });
  });

  it("the counters equal a full recount after moves back and forth, with a stage and a follow-up set", async () => {
    const p = await person("Wati Jember");
    await db.update(participants).set({ stage: "training", nextFollowUpOn: "2026-12-20" }).where(eq(participants.id, p.participantId));
    for (const [provinceCode, regencyCode] of [["33", "3374"], ["34", "3471"], ["35", "3509"]]) {
      const input = contactSchema.parse(await contactForm(p, { provinceCode, regencyCode }));
      expect(await updateContact(cwA, input)).toEqual({ ok: true });
      expect(await countersDrift(), provinceCode).toEqual({ missing: [], extra: [] });
    }
    expect(await current(p.participantId)).toMatchObject({ provinceCode: "35", regencyCode: "3509", caseworkerId: cwA.id });
  });
});

import { asc, eq, inArray, sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/db";
import { auditEvents, participants, type Stage } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { makeNik } from "@/lib/testing/identity";
import { sealedIdentity } from "@/lib/testing/sealed";
import { assignmentSchema, UNASSIGN } from "@/lib/validation/pmo-staff";
import { ASSIGNMENT_PAGE_SIZE, assignParticipants, listAssignable, listAssignableCaseworkers } from "./assignments";
import * as audit from "./audit";
import { listCaseload } from "./caseload";
import { disableCaseworker } from "./staff";

beforeAll(freshDatabase);
afterEach(() => vi.restoreAllMocks());

let made = 0;
/** A participant row as registration would leave it (no account needed here). */
async function participant(opts: { caseworkerId?: string | null; stage?: Stage; provinceCode?: string; fullName?: string } = {}) {
  const [row] = await db
    .insert(participants)
    .values({
      fullName: opts.fullName ?? `Peserta Uji ${++made}`,
      ...sealedIdentity(makeNik({ birthDate: "1991-03-14", sex: "P" })),
      birthDate: "1991-03-14",
      sex: "P",
      provinceCode: opts.provinceCode ?? "31",
      migrantStatus: "calon",
      source: "self",
      stage: opts.stage ?? "registration",
      caseworkerId: opts.caseworkerId ?? null,
      // Spread over time, so "longest waiting first" has an order to keep.
      createdAt: new Date(Date.UTC(2021, 5, 1, 0, made)),
    })
    .returning({ id: participants.id, version: participants.version });
  return row;
}

const stateOf = async (ids: string[]) =>
  db
    .select({ id: participants.id, caseworkerId: participants.caseworkerId, version: participants.version })
    .from(participants)
    .where(inArray(participants.id, ids))
    .orderBy(asc(participants.id));

const auditCount = async () => (await db.select({ n: sql<number>`count(*)::int` }).from(auditEvents))[0].n;

const input = (participantIds: string[], caseworkerId: string | null) =>
  assignmentSchema.parse({ participantIds, caseworkerId: caseworkerId ?? UNASSIGN });

describe("assignParticipants", () => {
  it("moves every selected participant in one go, bumps each version and writes one event per participant", async () => {
    const pmo = await createTestUser("pmo");
    const from = await createTestUser("caseworker", { name: "Pendamping Lama" });
    const to = await createTestUser("caseworker", { name: "Pendamping Baru" });
    const a = await participant();
    const b = await participant({ caseworkerId: from.id });
    const c = await participant({ caseworkerId: from.id });
    const ids = [a.id, b.id, c.id];
    const before = await stateOf(ids);
    const events = await auditCount();

    const result = await assignParticipants(pmo, input(ids, to.id));
    expect(result).toEqual({ ok: true, changed: 3, unchanged: 0, caseworkerName: "Pendamping Baru" });

    const after = await stateOf(ids);
    for (const [i, row] of after.entries()) {
      expect(row.caseworkerId).toBe(to.id);
      expect(row.version).toBe(before[i].version + 1);
    }
    const written = await db
      .select()
      .from(auditEvents)
      .where(inArray(auditEvents.entityId, ids))
      .orderBy(asc(auditEvents.entityId));
    expect(await auditCount()).toBe(events + 3);
    expect(written).toHaveLength(3);
    for (const e of written) {
      expect(e).toMatchObject({ actorId: pmo.id, actorRole: "pmo", action: "participant.assign", entityType: "participant" });
      expect(e.after).toEqual({ caseworkerId: to.id, caseworkerName: "Pendamping Baru" });
    }
    expect(written.find((e) => e.entityId === a.id)?.before).toEqual({ caseworkerId: null, caseworkerName: null });
    expect(written.find((e) => e.entityId === b.id)?.before).toEqual({ caseworkerId: from.id, caseworkerName: "Pendamping Lama" });

    // The new caseworker sees them; the old one no longer does.
    expect((await listCaseload(to)).all).toBe(3);
    expect((await listCaseload(from)).all).toBe(0);
  });

  it("leaves participants already with that caseworker untouched, and removes assignments", async () => {
    const pmo = await createTestUser("pmo");
    const cw = await createTestUser("caseworker");
    const mine = await participant({ caseworkerId: cw.id });
    const other = await participant();
    const events = await auditCount();

    expect(await assignParticipants(pmo, input([mine.id, other.id, mine.id], cw.id))).toMatchObject({
      ok: true,
      changed: 1,
      unchanged: 1,
    });
    expect((await stateOf([mine.id]))[0].version).toBe(mine.version);
    expect(await auditCount()).toBe(events + 1);

    expect(await assignParticipants(pmo, input([mine.id, other.id], null))).toMatchObject({ ok: true, changed: 2 });
    expect((await stateOf([mine.id, other.id])).map((r) => r.caseworkerId)).toEqual([null, null]);
    const [unassign] = await db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "participant.unassign"))
      .orderBy(asc(auditEvents.id))
      .limit(1);
    expect(unassign.after).toEqual({ caseworkerId: null, caseworkerName: null });
  });

  it("changes nothing when one of the ids is not a participant", async () => {
    const pmo = await createTestUser("pmo");
    const cw = await createTestUser("caseworker");
    const a = await participant();
    const b = await participant();
    const before = await stateOf([a.id, b.id]);
    const events = await auditCount();

    // The unknown id is last: the two real participants were found (and locked) first.
    const result = await assignParticipants(pmo, input([a.id, b.id, crypto.randomUUID()], cw.id));
    expect(result).toEqual({ ok: false, fieldErrors: { participantIds: ["assignment.unknownParticipant"] } });
    // A user's id is not a participant's either.
    expect((await assignParticipants(pmo, input([a.id, cw.id], cw.id))).ok).toBe(false);

    expect(await stateOf([a.id, b.id])).toEqual(before);
    expect(await auditCount()).toBe(events);
  });

  it("is all or nothing: a failure after some rows were written rolls every one of them back", async () => {
    const pmo = await createTestUser("pmo");
    const from = await createTestUser("caseworker");
    const to = await createTestUser("caseworker");
    const list = [await participant(), await participant({ caseworkerId: from.id }), await participant(), await participant({ caseworkerId: from.id })];
    const ids = list.map((p) => p.id);
    const before = await stateOf(ids);
    const events = await auditCount();

    // The third audit event fails: by then the participants' update and two events are
    // written inside the transaction.
    const real = audit.recordAudit;
    let calls = 0;
    const spy = vi.spyOn(audit, "recordAudit").mockImplementation(async (tx, event) => {
      if (++calls === 3) throw new Error("disk full (simulated)");
      return real(tx, event);
    });
    await expect(assignParticipants(pmo, input(ids, to.id))).rejects.toThrow("disk full (simulated)");
    expect(spy).toHaveBeenCalledTimes(3);
    spy.mockRestore();

    expect(await stateOf(ids)).toEqual(before);
    expect(await auditCount()).toBe(events);

    // The same with a real constraint of the database: an actor that is no user breaks
    // the audit_events.actor_id foreign key after the participants' update ran.
    const ghost = { id: crypto.randomUUID(), role: "pmo" as const, name: "Nobody", locale: "id" as const };
    await expect(assignParticipants(ghost, input(ids, to.id))).rejects.toThrow();
    expect(await stateOf(ids)).toEqual(before);
    expect(await auditCount()).toBe(events);

    // And with nothing failing, all four move.
    expect(await assignParticipants(pmo, input(ids, to.id))).toMatchObject({ ok: true, changed: 4 });
  });

  it("refuses a disabled caseworker, a PMO account, a participant's account and an unknown id as the target", async () => {
    const pmo = await createTestUser("pmo");
    const disabled = await createTestUser("caseworker");
    await disableCaseworker(pmo, disabled.id);
    const person = await createTestUser("participant");
    const p = await participant();
    const before = await stateOf([p.id]);
    const events = await auditCount();

    for (const target of [disabled.id, pmo.id, person.id, crypto.randomUUID()]) {
      expect(await assignParticipants(pmo, input([p.id], target)), target).toEqual({
        ok: false,
        fieldErrors: { caseworkerId: ["assignment.caseworkerUnavailable"] },
      });
    }
    expect(await stateOf([p.id])).toEqual(before);
    expect(await auditCount()).toBe(events);
    expect((await listAssignableCaseworkers(pmo)).map((c) => c.id)).not.toContain(disabled.id);
  });

  it("answers 403 to a caseworker and a participant, and writes nothing", async () => {
    const cw = await createTestUser("caseworker");
    const p = await participant();
    const before = await stateOf([p.id]);
    const events = await auditCount();
    for (const role of ["caseworker", "participant"] as const) {
      const viewer = role === "caseworker" ? cw : await createTestUser(role);
      expect(await statusOf(() => assignParticipants(viewer, input([p.id], cw.id))), role).toBe(403);
      expect(await statusOf(() => listAssignable(viewer)), role).toBe(403);
      expect(await statusOf(() => listAssignableCaseworkers(viewer)), role).toBe(403);
    }
    expect(await stateOf([p.id])).toEqual(before);
    expect(await auditCount()).toBe(events);
  });
});

describe("assignmentSchema", () => {
  it("reads the checkbox list and the target", () => {
    const id = crypto.randomUUID();
    expect(assignmentSchema.parse({ participantIds: [id.toUpperCase(), id], caseworkerId: UNASSIGN })).toEqual({
      participantIds: [id],
      caseworkerId: null,
    });
    const issues = (value: unknown) => assignmentSchema.safeParse(value).error?.issues.map((i) => `${String(i.path[0])}:${i.message}`);
    expect(issues({ participantIds: [], caseworkerId: id })).toEqual(["participantIds:assignment.noneSelected"]);
    expect(issues({ participantIds: ["x"], caseworkerId: "" })).toEqual([
      "participantIds:assignment.unknownParticipant",
      "caseworkerId:assignment.chooseTarget",
    ]);
  });
});

describe("listAssignable", () => {
  it("lists the unassigned by default, and filters by caseworker, stage, province and name", async () => {
    const pmo = await createTestUser("pmo");
    const cw = await createTestUser("caseworker");
    const waiting = await participant({ fullName: "Wulan Menunggu", provinceCode: "33", stage: "training" });
    const assigned = await participant({ fullName: "Wulan Dibantu", caseworkerId: cw.id, provinceCode: "33" });

    const total = async (where: ReturnType<typeof sql>) =>
      (await db.select({ n: sql<number>`count(*)::int` }).from(participants).where(where))[0].n;

    const byDefault = await listAssignable(pmo);
    expect(byDefault.unassigned).toBe(await total(sql`caseworker_id is null`));
    expect(byDefault.total).toBe(byDefault.unassigned);
    expect(byDefault.rows.every((r) => r.caseworkerId === null)).toBe(true);
    expect(byDefault.rows.map((r) => r.id)).toContain(waiting.id);
    expect(byDefault.rows[0].nikMasked).toMatch(/^•{12}\d{4}$/);

    const ofCw = await listAssignable(pmo, { assigned: cw.id });
    expect(ofCw.rows.map((r) => r.id)).toEqual([assigned.id]);
    expect(ofCw.rows[0].caseworkerName).toBe(cw.name);

    expect((await listAssignable(pmo, { assigned: "all", q: "wulan" })).rows.map((r) => r.id).sort()).toEqual(
      [waiting.id, assigned.id].sort(),
    );
    expect((await listAssignable(pmo, { assigned: "all", province: "33", stage: "training" })).rows.map((r) => r.id)).toEqual([waiting.id]);
    expect((await listAssignable(pmo, { q: "100%_" })).total).toBe(0);
  });

  it("pages 50 at a time, longest waiting first", async () => {
    const pmo = await createTestUser("pmo");
    for (let i = 0; i < ASSIGNMENT_PAGE_SIZE + 5; i++) await participant({ provinceCode: "35" });
    const all = await db
      .select({ id: participants.id })
      .from(participants)
      .where(sql`caseworker_id is null and province_code = '35'`)
      .orderBy(asc(participants.createdAt), asc(participants.id));
    const first = await listAssignable(pmo, { province: "35" });
    const second = await listAssignable(pmo, { province: "35", page: 2 });
    expect(first.total).toBe(all.length);
    expect(first.pageCount).toBe(Math.ceil(all.length / ASSIGNMENT_PAGE_SIZE));
    expect([...first.rows, ...second.rows].map((r) => r.id)).toEqual(all.map((r) => r.id));
    expect(first.rows).toHaveLength(ASSIGNMENT_PAGE_SIZE);
  });
});

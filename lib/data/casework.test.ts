import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { auditEvents, participants, serviceLogs, stageChanges, users } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { registrationForm } from "@/lib/testing/identity";
import { todayInJakarta } from "@/lib/validation";
import { contactSchema, milestonesSchema, serviceLogSchema, stageChangeSchema } from "@/lib/validation/caseworker";
import { selfRegistrationSchema } from "@/lib/validation/registration";
import { listCaseload } from "./caseload";
import { changeStage, getCasefile, purchaseDeadline, updateContact, updateMilestones } from "./casework";
import { registerSelf } from "./participants";
import type { SessionUser } from "./permissions";
import { recordService } from "./service-logs";

beforeAll(freshDatabase);

const today = todayInJakarta();

/** A participant registered on 2021-06-01 and assigned to the caseworker. */
async function participantOf(caseworker: SessionUser | null, overrides: Partial<Record<string, string>> = {}) {
  const data = selfRegistrationSchema().parse(registrationForm(overrides));
  const result = await registerSelf(data);
  if (!result.ok) throw new Error(JSON.stringify(result.fieldErrors));
  await db
    .update(participants)
    .set({ caseworkerId: caseworker?.id ?? null, createdAt: new Date("2021-06-01T09:00:00+07:00") })
    .where(eq(participants.id, result.participantId));
  const [row] = await db.select().from(participants).where(eq(participants.id, result.participantId));
  return { ...row, nik: data.nik, phone: data.phone };
}

function rawLog(participantId: string, overrides: Partial<Record<string, string>> = {}) {
  return {
    participantId,
    submissionId: crypto.randomUUID(),
    serviceCode: "prakerja_account",
    occurredOn: "2021-06-10",
    channel: "whatsapp",
    outcome: "done",
    ...overrides,
  };
}

const logInput = (participantId: string, overrides: Partial<Record<string, string>> = {}) =>
  serviceLogSchema().parse(rawLog(participantId, overrides));

const countRows = async (table: typeof serviceLogs | typeof stageChanges | typeof auditEvents) =>
  (await db.select({ n: sql<number>`count(*)::int` }).from(table))[0].n;

describe("getCasefile", () => {
  it("shows the assigned caseworker the whole NIK and writes the showing to the audit log", async () => {
    const cw = await createTestUser("caseworker");
    const p = await participantOf(cw);
    const file = await getCasefile(cw, p.id);
    expect(file.participant.nik).toBe(p.nik);
    expect(file.participant.phone).toBe(p.phone);
    const views = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "participant.view_nik"), eq(auditEvents.entityId, p.id), eq(auditEvents.actorId, cw.id)));
    expect(views).toHaveLength(1);
  });

  it("answers 404 to another caseworker and 403 to other roles, with nothing shown", async () => {
    const cw = await createTestUser("caseworker");
    const p = await participantOf(cw);
    expect(await statusOf(async () => getCasefile(await createTestUser("caseworker"), p.id))).toBe(404);
    expect(await statusOf(async () => getCasefile(await createTestUser("pmo"), p.id))).toBe(403);
    expect(await statusOf(async () => getCasefile(await createTestUser("participant"), p.id))).toBe(403);
    expect(await statusOf(() => getCasefile(cw, "not-a-uuid"))).toBe(404);
  });
});

describe("recordService", () => {
  it("logs a service with its audit event and moves the contact summary", async () => {
    const cw = await createTestUser("caseworker");
    const p = await participantOf(cw);
    const result = await recordService(cw, logInput(p.id, { nextFollowUpOn: "2021-06-15", notes: "Dibantu buat akun" }));
    expect(result).toMatchObject({ ok: true, repeated: false });
    const [row] = await db.select().from(participants).where(eq(participants.id, p.id));
    expect(row.lastContactOn).toBe("2021-06-10");
    expect(row.nextFollowUpOn).toBe("2021-06-15");
    const events = await db.select().from(auditEvents).where(eq(auditEvents.action, "service_log.create"));
    expect(events.some((e) => (e.after as { participantId: string }).participantId === p.id)).toBe(true);
  });

  it("creates one record for a double submit", async () => {
    const cw = await createTestUser("caseworker");
    const p = await participantOf(cw);
    const input = logInput(p.id);
    const [a, b] = await Promise.all([recordService(cw, input), recordService(cw, input)]);
    expect(a.ok && b.ok).toBe(true);
    const rows = await db.select().from(serviceLogs).where(eq(serviceLogs.participantId, p.id));
    expect(rows).toHaveLength(1);
  });

  it("refuses a date before the participant registered, in the future, and blocked without a blocker", async () => {
    const cw = await createTestUser("caseworker");
    const p = await participantOf(cw);
    expect(await recordService(cw, logInput(p.id, { occurredOn: "2021-05-31" }))).toMatchObject({
      ok: false,
      fieldErrors: { occurredOn: ["serviceLog.beforeRegistration"] },
    });
    const future = serviceLogSchema().safeParse(rawLog(p.id, { occurredOn: "2999-01-01" }));
    expect(future.success).toBe(false);
    const blocked = serviceLogSchema().safeParse(rawLog(p.id, { outcome: "blocked", blockerCode: "" }));
    expect(blocked.error?.issues.map((i) => i.message)).toContain("serviceLog.blockerRequired");
    expect(await recordService(cw, logInput(p.id, { serviceCode: "no_such_service" }))).toMatchObject({ ok: false });
    expect(await recordService(cw, logInput(p.id, { outcome: "blocked", blockerCode: "made_up" }))).toMatchObject({ ok: false });
    // and the database refuses a blocked record without a blocker by itself
    await expect(
      db.insert(serviceLogs).values({
        participantId: p.id,
        caseworkerId: cw.id,
        serviceCode: "prakerja_account",
        occurredOn: "2021-06-10",
        channel: "phone",
        outcome: "blocked",
      }),
    ).rejects.toThrow();
    expect(await db.select().from(serviceLogs).where(eq(serviceLogs.participantId, p.id))).toHaveLength(0);
  });

  it("refuses a post for a participant not assigned to the caseworker and writes nothing", async () => {
    const cw = await createTestUser("caseworker");
    const other = await createTestUser("caseworker");
    const p = await participantOf(other);
    const before = await countRows(serviceLogs);
    const auditsBefore = await countRows(auditEvents);
    expect(await statusOf(() => recordService(cw, logInput(p.id)))).toBe(404);
    expect(await statusOf(async () => recordService(await createTestUser("participant"), logInput(p.id)))).toBe(403);
    expect(await statusOf(async () => recordService(await createTestUser("pmo"), logInput(p.id)))).toBe(403);
    expect(await countRows(serviceLogs)).toBe(before);
    expect(await countRows(auditEvents)).toBe(auditsBefore);
  });
});

describe("corrections", () => {
  it("add a record pointing at the corrected one, which stays, and are made once", async () => {
    const cw = await createTestUser("caseworker");
    const p = await participantOf(cw);
    const first = await recordService(cw, logInput(p.id, { occurredOn: "2021-06-20", nextFollowUpOn: "2021-06-25" }));
    if (!first.ok) throw new Error("log failed");
    const fix = await recordService(cw, logInput(p.id, { occurredOn: "2021-06-12", correctsId: first.id }));
    expect(fix.ok).toBe(true);
    const rows = await db.select().from(serviceLogs).where(eq(serviceLogs.participantId, p.id));
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.id !== first.id)?.correctsId).toBe(first.id);
    // The corrected record no longer counts for the contact summary.
    const [row] = await db.select().from(participants).where(eq(participants.id, p.id));
    expect(row.lastContactOn).toBe("2021-06-12");
    expect(row.nextFollowUpOn).toBeNull();

    expect(await recordService(cw, logInput(p.id, { correctsId: first.id }))).toMatchObject({
      ok: false,
      fieldErrors: { form: ["serviceLog.alreadyCorrected"] },
    });
    const file = await getCasefile(cw, p.id);
    expect(file.logs.find((l) => l.id === first.id)?.correctedById).toBe(fix.ok ? fix.id : null);
  });

  it("cannot point at another participant's record, and records cannot be edited or deleted", async () => {
    const cw = await createTestUser("caseworker");
    const a = await participantOf(cw);
    const b = await participantOf(cw);
    const logA = await recordService(cw, logInput(a.id));
    if (!logA.ok) throw new Error("log failed");
    expect(await recordService(cw, logInput(b.id, { correctsId: logA.id }))).toMatchObject({ ok: false });
    await expect(db.update(serviceLogs).set({ notes: "changed" }).where(eq(serviceLogs.id, logA.id))).rejects.toThrow();
    await expect(db.delete(serviceLogs).where(eq(serviceLogs.id, logA.id))).rejects.toThrow();
  });
});

describe("changeStage", () => {
  it("moves forward and back with a reason, withdraws with a reason, each a stage-change record", async () => {
    const cw = await createTestUser("caseworker");
    const p = await participantOf(cw);
    const move = (toStage: string, version: number, reason = "Kartu diterima") =>
      changeStage(cw, stageChangeSchema.parse({ participantId: p.id, toStage, version, reason }));
    expect(await move("training", 1)).toEqual({ ok: true });
    expect(await move("registration", 2, "Salah pilih tahap")).toEqual({ ok: true });
    expect(await move("withdrawn", 3, "Berangkat ke Taiwan")).toEqual({ ok: true });
    let [row] = await db.select().from(participants).where(eq(participants.id, p.id));
    expect(row).toMatchObject({ stage: "withdrawn", withdrawnReason: "Berangkat ke Taiwan", version: 4 });
    expect(await move("training", 4, "Kembali ikut program")).toEqual({ ok: true });
    [row] = await db.select().from(participants).where(eq(participants.id, p.id));
    expect(row).toMatchObject({ stage: "training", withdrawnReason: null });
    const changes = await db.select().from(stageChanges).where(eq(stageChanges.participantId, p.id));
    expect(changes.map((c) => c.toStage).sort()).toEqual(["registration", "registration", "training", "training", "withdrawn"]);
  });

  it("needs a reason, refuses a stale version and an unassigned participant", async () => {
    const cw = await createTestUser("caseworker");
    const p = await participantOf(cw);
    expect(stageChangeSchema.safeParse({ participantId: p.id, toStage: "training", version: 1, reason: "" }).success).toBe(false);
    expect(await changeStage(cw, { participantId: p.id, toStage: "training", version: 7, reason: "alasan" })).toEqual({
      ok: false,
      fieldErrors: { form: ["record.stale"] },
    });
    const stranger = await createTestUser("caseworker");
    expect(await statusOf(() => changeStage(stranger, { participantId: p.id, toStage: "training", version: 1, reason: "x y z" }))).toBe(404);
    const [row] = await db.select().from(participants).where(eq(participants.id, p.id));
    expect(row.stage).toBe("registration");
  });
});

describe("updateContact", () => {
  it("saves phone, email and address with an audit event", async () => {
    const cw = await createTestUser("caseworker");
    const p = await participantOf(cw);
    const input = contactSchema.parse({ participantId: p.id, version: 1, phone: "0813 1111 2222", email: "baru@contoh.id", address: "Jl. Baru No. 1", provinceCode: "31", regencyCode: "3174" });
    expect(await updateContact(cw, input)).toEqual({ ok: true });
    const [user] = await db.select().from(users).where(eq(users.id, p.userId!));
    expect(user).toMatchObject({ phone: "+6281311112222", email: "baru@contoh.id" });
    const [event] = await db.select().from(auditEvents).where(and(eq(auditEvents.action, "participant.contact_update"), eq(auditEvents.entityId, p.id)));
    expect(JSON.stringify(event.before)).not.toContain(p.phone);
  });

  it("refuses a stale edit and overwrites nothing", async () => {
    const cw = await createTestUser("caseworker");
    const p = await participantOf(cw);
    const mine = contactSchema.parse({ participantId: p.id, version: 1, phone: "0813 3333 4444", email: "", address: "Alamat saya 1", provinceCode: "31", regencyCode: "3174" });
    const theirs = contactSchema.parse({ participantId: p.id, version: 1, phone: "0813 5555 6666", email: "", address: "Alamat mereka 2", provinceCode: "31", regencyCode: "3174" });
    expect(await updateContact(cw, theirs)).toEqual({ ok: true });
    expect(await updateContact(cw, mine)).toEqual({ ok: false, fieldErrors: { form: ["record.stale"] } });
    const [row] = await db.select().from(participants).where(eq(participants.id, p.id));
    expect(row.address).toBe("Alamat mereka 2");
    const [user] = await db.select().from(users).where(eq(users.id, p.userId!));
    expect(user.phone).toBe("+6281355556666");
  });

  it("refuses a phone another account uses, and an unassigned participant", async () => {
    const cw = await createTestUser("caseworker");
    const a = await participantOf(cw);
    const b = await participantOf(cw);
    const input = contactSchema.parse({ participantId: b.id, version: 1, phone: a.phone, email: "", address: "Jl. Sama No. 2", provinceCode: "31", regencyCode: "3174" });
    expect(await updateContact(cw, input)).toEqual({ ok: false, fieldErrors: { phone: ["phone.taken"] } });
    expect(await statusOf(async () => updateContact(await createTestUser("caseworker"), { ...input, phone: "+6281399990000" }))).toBe(404);
  });
});

describe("milestones and the 15-day deadline", () => {
  it("saves the milestones with a version check", async () => {
    const cw = await createTestUser("caseworker");
    const p = await participantOf(cw);
    const input = milestonesSchema().parse({ participantId: p.id, version: 1, cardNumber: "5123 4567 8901 2345", cardReceivedOn: "2021-06-12", wave: "17" });
    expect(await updateMilestones(cw, input)).toEqual({ ok: true });
    const [row] = await db.select().from(participants).where(eq(participants.id, p.id));
    expect(row).toMatchObject({ cardNumber: "5123456789012345", cardReceivedOn: "2021-06-12", wave: 17, version: 2 });
    expect(await updateMilestones(cw, input)).toEqual({ ok: false, fieldErrors: { form: ["record.stale"] } });
  });

  it("warns within 3 days of the deadline, not before, not after the purchase", () => {
    const base = { stage: "training" as const, trainingBoughtOn: null };
    expect(purchaseDeadline({ ...base, cardReceivedOn: "2021-06-01" }, "2021-06-10")).toEqual({ deadline: "2021-06-16", daysLeft: 6, warn: false });
    expect(purchaseDeadline({ ...base, cardReceivedOn: "2021-06-01" }, "2021-06-13")).toEqual({ deadline: "2021-06-16", daysLeft: 3, warn: true });
    expect(purchaseDeadline({ ...base, cardReceivedOn: "2021-06-01" }, "2021-06-20")?.daysLeft).toBe(-4);
    expect(purchaseDeadline({ ...base, cardReceivedOn: "2021-06-01", trainingBoughtOn: "2021-06-05" }, "2021-06-13")).toBeNull();
    expect(purchaseDeadline({ ...base, cardReceivedOn: null }, "2021-06-13")).toBeNull();
  });
});

describe("listCaseload", () => {
  it("searches by name, phone and the NIK's last four digits; filters by stage; sorts due follow-ups first", async () => {
    const cw = await createTestUser("caseworker");
    const stranger = await createTestUser("caseworker");
    const ani = await participantOf(cw, { fullName: "Ani Wulandari" });
    const budi = await participantOf(cw, { fullName: "Budi Hartono", sex: "L" });
    const citra = await participantOf(cw, { fullName: "Citra Kirana" });
    await participantOf(stranger, { fullName: "Ani Bukan Milikku" });

    // Budi: follow-up overdue; Citra: contacted long ago; Ani: contacted recently.
    await recordService(cw, logInput(budi.id, { occurredOn: "2021-06-20", nextFollowUpOn: "2021-06-21" }));
    await recordService(cw, logInput(citra.id, { occurredOn: "2021-06-02" }));
    await recordService(cw, logInput(ani.id, { occurredOn: today, nextFollowUpOn: "2999-01-01" }));

    const all = await listCaseload(cw);
    expect(all.rows.map((r) => r.fullName)).toEqual(["Budi Hartono", "Citra Kirana", "Ani Wulandari"]);
    expect(all.overdue).toBe(1);
    expect(all.rows[0].followUpDue).toBe(true);

    expect((await listCaseload(cw, { q: "ani" })).rows.map((r) => r.id)).toEqual([ani.id]);
    expect((await listCaseload(cw, { q: budi.nik.slice(12) })).rows.map((r) => r.id)).toContain(budi.id);
    const national = `0${citra.phone.slice(3)}`;
    expect((await listCaseload(cw, { q: national })).rows.map((r) => r.id)).toEqual([citra.id]);
    expect((await listCaseload(cw, { q: "100%_" })).rows).toEqual([]);

    await changeStage(cw, { participantId: citra.id, toStage: "training", version: 1, reason: "Kartu diterima" });
    const training = await listCaseload(cw, { stage: "training" });
    expect(training.rows.map((r) => r.id)).toEqual([citra.id]);
    expect(training.byStage).toMatchObject({ registration: 2, training: 1 });
  });

  it("pages through a long caseload", async () => {
    const cw = await createTestUser("caseworker");
    for (let i = 0; i < 27; i++) await participantOf(cw, { fullName: `Peserta ${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}` });
    const first = await listCaseload(cw, { page: 1 });
    const second = await listCaseload(cw, { page: 2 });
    expect(first.rows).toHaveLength(25);
    expect(second.rows).toHaveLength(2);
    expect(first.pageCount).toBe(2);
    expect(new Set([...first.rows, ...second.rows].map((r) => r.id)).size).toBe(27);
  });

  it("keeps the contact summary equal to a full recount from the logs", async () => {
    const mismatches = await db.execute(sql`
      select p.id from participants p
      where p.last_contact_on is distinct from (
          select max(l.occurred_on) from service_logs l
          where l.participant_id = p.id and not exists (select 1 from service_logs c where c.corrects_id = l.id))
        or p.next_follow_up_on is distinct from (
          select l.next_follow_up_on from service_logs l
          where l.participant_id = p.id and not exists (select 1 from service_logs c where c.corrects_id = l.id)
          order by l.occurred_on desc, l.created_at desc limit 1)`);
    const rows = "rows" in mismatches ? (mismatches as { rows: unknown[] }).rows : (mismatches as unknown as unknown[]);
    expect(rows).toEqual([]);
  });
});

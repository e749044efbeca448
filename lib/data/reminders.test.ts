import { and, eq, gt, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { auditEvents, outboxMessages, participants, surveyResponses } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { makeNik } from "@/lib/testing/identity";
import { sealedIdentity } from "@/lib/testing/sealed";
import { createTestParticipant } from "@/lib/testing/participants";
import { todayInJakarta } from "@/lib/validation";
import { getCaseworkerReminders, getOwnReminders, queueDeadlineReminders } from "./reminders";

beforeAll(freshDatabase);

function daysFrom(iso: string, n: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
const today = todayInJakarta();

describe("the caseworker's reminders", () => {
  it("list follow-ups due and overdue, and purchase deadlines 0–3 days away, of their own caseload", async () => {
    const cw = await createTestUser("caseworker");
    const other = await createTestUser("caseworker");
    const mk = (name: string, set: Partial<typeof participants.$inferInsert>, caseworkerId = cw.id) =>
      createTestParticipant({ caseworkerId, stage: "training", form: { fullName: name }, set });
    const dueToday = await mk("Tindak Hari Ini", { nextFollowUpOn: today });
    const overdue = await mk("Tindak Terlambat", { nextFollowUpOn: daysFrom(today, -2) });
    await mk("Tindak Besok", { nextFollowUpOn: daysFrom(today, 1) });
    await createTestParticipant({ caseworkerId: cw.id, stage: "completed", form: { fullName: "Sudah Selesai" }, set: { nextFollowUpOn: daysFrom(today, -1) } });
    const three = await mk("Batas Tiga Hari", { cardReceivedOn: daysFrom(today, -12) });
    const zero = await mk("Batas Hari Ini", { cardReceivedOn: daysFrom(today, -15) });
    await mk("Batas Empat Hari", { cardReceivedOn: daysFrom(today, -11) });
    await mk("Batas Lewat", { cardReceivedOn: daysFrom(today, -16) });
    await mk("Sudah Beli", { cardReceivedOn: daysFrom(today, -13), trainingBoughtOn: daysFrom(today, -1) });
    await mk("Punya Orang Lain", { cardReceivedOn: daysFrom(today, -13), nextFollowUpOn: today }, other.id);

    const r = await getCaseworkerReminders(cw, today);
    expect(r.followUps.map((f) => [f.id, f.overdue])).toEqual([
      [overdue.participantId, true],
      [dueToday.participantId, false],
    ]);
    expect(r.deadlines).toEqual([
      { id: zero.participantId, fullName: "Batas Hari Ini", deadline: today, daysLeft: 0 },
      { id: three.participantId, fullName: "Batas Tiga Hari", deadline: daysFrom(today, 3), daysLeft: 3 },
    ]);
    expect(r.openRequestCount).toBe(0);
  });

  it("are refused to other roles", async () => {
    expect(await statusOf(async () => getCaseworkerReminders(await createTestUser("pmo")))).toBe(403);
    expect(await statusOf(async () => getCaseworkerReminders((await createTestParticipant()).user))).toBe(403);
  });
});

describe("the participant's reminders", () => {
  it("say what to do by when: the purchase deadline and the next follow-up", async () => {
    const me = await createTestParticipant({
      stage: "training",
      set: { cardReceivedOn: daysFrom(today, -13), nextFollowUpOn: daysFrom(today, 1) },
    });
    expect(await getOwnReminders(me.user)).toEqual([
      { kind: "deadline", date: daysFrom(today, 2), daysLeft: 2 },
      { kind: "followUp", date: daysFrom(today, 1) },
    ]);
  });

  it("ask for the survey once completed, and show until when it may be changed", async () => {
    const me = await createTestParticipant({ stage: "completed" });
    expect(await getOwnReminders(me.user)).toEqual([{ kind: "survey", until: null }]);
    const submittedAt = new Date();
    await db.insert(surveyResponses).values({
      participantId: me.participantId,
      employmentStatus: "looking",
      trainingHelped: "yes",
      satisfaction: 5,
      plansAbroad: "no",
      submittedAt,
    });
    expect(await getOwnReminders(me.user)).toEqual([{ kind: "survey", until: new Date(submittedAt.getTime() + 7 * 86_400_000) }]);
    expect(await getOwnReminders(me.user, new Date(submittedAt.getTime() + 8 * 86_400_000))).toEqual([]);
  });

  it("are refused to staff", async () => {
    expect(await statusOf(async () => getOwnReminders(await createTestUser("caseworker")))).toBe(403);
  });
});

describe("queueDeadlineReminders", () => {
  it("queues one message per deadline, whatever how often it runs", async () => {
    // Only this test's participants have a card clock running.
    await db.update(participants).set({ cardReceivedOn: null });
    const withEmail = await createTestParticipant({ stage: "training", set: { cardReceivedOn: daysFrom(today, -12) } });
    const withPhone = await createTestParticipant({ stage: "registration", form: { email: "" }, set: { cardReceivedOn: daysFrom(today, -14) } });
    const notYet = await createTestParticipant({ stage: "training", set: { cardReceivedOn: daysFrom(today, -11) } });
    // Imported, no account yet: nobody to write to.
    await db.insert(participants).values({
      fullName: "Tanpa Akun",
      ...sealedIdentity(makeNik({ birthDate: "1990-01-01", sex: "L" })),
      birthDate: "1990-01-01",
      sex: "L",
      provinceCode: "31",
      migrantStatus: "calon",
      source: "import",
      stage: "training",
      cardReceivedOn: daysFrom(today, -13),
    });

    const first = await queueDeadlineReminders();
    expect(first.queued).toBe(2);
    const mine = (id: string) => db.select().from(outboxMessages).where(eq(outboxMessages.participantId, id));
    const [email] = await mine(withEmail.participantId);
    expect(email).toMatchObject({
      channel: "email",
      kind: "deadline_reminder",
      dedupeKey: `deadline:${withEmail.participantId}:${daysFrom(today, 3)}`,
      state: "pending",
    });
    expect(email.body).toContain("3 hari lagi");
    const [text] = await mine(withPhone.participantId);
    expect(text).toMatchObject({ channel: "whatsapp", recipient: withPhone.phone });
    expect(text.body).toContain("1 hari lagi");
    expect(await mine(notYet.participantId)).toHaveLength(0);

    // Again, and again the next day: nothing new for the same deadlines.
    expect((await queueDeadlineReminders()).queued).toBe(0);
    expect((await queueDeadlineReminders(new Date(Date.now() + 86_400_000))).queued).toBe(1); // notYet: now 3 days left
    expect(await mine(withEmail.participantId)).toHaveLength(1);

    // A new card date is a new deadline: one more message.
    await db.update(participants).set({ cardReceivedOn: daysFrom(today, -13) }).where(eq(participants.id, withEmail.participantId));
    expect((await queueDeadlineReminders()).queued).toBe(1);
    expect(await mine(withEmail.participantId)).toHaveLength(2);

    const events = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "outbox.deadline_reminders"), eq(auditEvents.actorRole, "system")));
    expect(events.map((e) => (e.after as { queued: number }).queued)).toEqual([2, 1, 1]);
  });

  it("commits in chunks, each with its audit event, and a second run adds nothing", async () => {
    await db.update(participants).set({ cardReceivedOn: null });
    const [{ last }] = await db.select({ last: sql<number>`coalesce(max(${auditEvents.id}), 0)` }).from(auditEvents);
    const due = [];
    for (let i = 0; i < 5; i++) {
      due.push(await createTestParticipant({ stage: "training", form: { email: "" }, set: { cardReceivedOn: daysFrom(today, -12 - (i % 4)) } }));
    }
    expect(await queueDeadlineReminders(new Date(), { chunk: 2 })).toEqual({ queued: 5, due: 5 });
    const events = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "outbox.deadline_reminders"), gt(auditEvents.id, last)))
      .orderBy(auditEvents.id);
    expect(events.map((e) => (e.after as { queued: number }).queued)).toEqual([2, 2, 1]);
    for (const p of due) {
      expect(await db.select().from(outboxMessages).where(eq(outboxMessages.participantId, p.participantId))).toHaveLength(1);
    }
    expect(await queueDeadlineReminders(new Date(), { chunk: 2 })).toEqual({ queued: 0, due: 5 });
  });
});

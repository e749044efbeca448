import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { auditEvents, helpRequests, outboxMessages, participants, serviceLogs } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { createTestParticipant } from "@/lib/testing/participants";
import { todayInJakarta } from "@/lib/validation";
import { serviceLogSchema } from "@/lib/validation/caseworker";
import { helpAnswerSchema, helpRequestSchema, MAX_OPEN_REQUESTS } from "@/lib/validation/help";
import { listCaseload } from "./caseload";
import {
  answerHelpRequest,
  answerUnassignedHelpRequest,
  createHelpRequest,
  getOwnHelpRequest,
  listCasefileHelpRequests,
  listOwnHelpRequests,
  listPmoHelpQueue,
} from "./help";
import { deliverMessage } from "./outbox";
import type { SessionUser } from "./permissions";
import { getCaseworkerReminders } from "./reminders";

beforeAll(freshDatabase);

const ask = (participantId: string, overrides: Record<string, string> = {}) =>
  helpRequestSchema.parse({
    participantId,
    submissionId: crypto.randomUUID(),
    topic: "otp_not_received",
    message: "OTP dari Prakerja tidak masuk ke HP saya.",
    ...overrides,
  });

const service = (participantId: string, overrides: Record<string, string> = {}) =>
  serviceLogSchema().parse({
    participantId,
    submissionId: crypto.randomUUID(),
    serviceCode: "phone_otp_verified",
    occurredOn: todayInJakarta(),
    channel: "whatsapp",
    outcome: "done",
    ...overrides,
  });

const answer = (requestId: string, participantId: string, text = "Sudah saya bantu kirim ulang OTP.", overrides = {}) => ({
  ...helpAnswerSchema.parse({ requestId, answer: text }),
  service: service(participantId, overrides),
});

async function asked(p: { user: SessionUser; participantId: string }, overrides: Record<string, string> = {}) {
  const result = await createHelpRequest(p.user, ask(p.participantId, overrides));
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.id;
}

const requestRow = async (id: string) => (await db.select().from(helpRequests).where(eq(helpRequests.id, id)))[0];
const countOf = async (table: typeof helpRequests | typeof serviceLogs | typeof outboxMessages) =>
  (await db.select({ n: sql<number>`count(*)::int` }).from(table))[0].n;

describe("asking for help", () => {
  it("reaches the assigned caseworker, first in the caseload, and not the PMO's queue", async () => {
    const cw = await createTestUser("caseworker");
    const pmo = await createTestUser("pmo");
    // Three participants; the one asking was contacted most recently, so would sort last.
    for (let i = 0; i < 2; i++) await createTestParticipant({ caseworkerId: cw.id, set: { lastContactOn: "2021-06-01" } });
    const me = await createTestParticipant({ caseworkerId: cw.id, set: { lastContactOn: todayInJakarta() } });
    expect((await listCaseload(cw)).rows.at(-1)?.id).toBe(me.participantId);

    const result = await createHelpRequest(me.user, ask(me.participantId));
    expect(result).toMatchObject({ ok: true, routedTo: "caseworker", repeated: false });
    const caseload = await listCaseload(cw);
    expect(caseload.rows[0]).toMatchObject({ id: me.participantId, openRequests: 1 });
    expect(caseload.withOpenRequests).toBe(1);
    const reminders = await getCaseworkerReminders(cw);
    expect(reminders.openRequestCount).toBe(1);
    expect(reminders.openRequests[0]).toMatchObject({ participantId: me.participantId, topic: "otp_not_received" });
    expect((await listPmoHelpQueue(pmo)).map((r) => r.participantId)).not.toContain(me.participantId);
    const [event] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "help_request.create"), eq(auditEvents.entityId, result.ok ? result.id : "")));
    expect(event.after).toMatchObject({ topic: "otp_not_received", routedTo: "caseworker" });
    // The message itself is not copied into the audit log.
    expect(JSON.stringify(event.after)).not.toContain("OTP dari Prakerja");
  });

  it("goes to the PMO's queue while the participant has no caseworker, and follows a later assignment", async () => {
    const pmo = await createTestUser("pmo");
    const me = await createTestParticipant({ caseworkerId: null });
    const result = await createHelpRequest(me.user, ask(me.participantId, { topic: "other", message: "Saya belum dihubungi." }));
    expect(result).toMatchObject({ ok: true, routedTo: "pmo" });
    const queue = await listPmoHelpQueue(pmo);
    const row = queue.find((r) => r.participantId === me.participantId);
    expect(row).toMatchObject({ topic: "other", message: "Saya belum dihubungi." });
    expect(row?.nikMasked).toMatch(/••••/);

    const cw = await createTestUser("caseworker");
    await db.update(participants).set({ caseworkerId: cw.id }).where(eq(participants.id, me.participantId));
    expect((await listPmoHelpQueue(pmo)).map((r) => r.participantId)).not.toContain(me.participantId);
    expect((await listCaseload(cw)).rows[0]).toMatchObject({ id: me.participantId, openRequests: 1 });
  });

  it("returns the first request for a repeated submit of the same form", async () => {
    const me = await createTestParticipant();
    const input = ask(me.participantId);
    const first = await createHelpRequest(me.user, input);
    const second = await createHelpRequest(me.user, input);
    expect(second).toMatchObject({ ok: true, repeated: true, id: first.ok ? first.id : "" });
    expect(await listOwnHelpRequests(me.user)).toHaveLength(1);
  });

  it(`allows at most ${MAX_OPEN_REQUESTS} open requests at once`, async () => {
    const me = await createTestParticipant();
    for (let i = 0; i < MAX_OPEN_REQUESTS; i++) await asked(me);
    expect(await createHelpRequest(me.user, ask(me.participantId))).toEqual({ ok: false, fieldErrors: { form: ["help.tooMany"] } });
  });

  it("lets a participant read and write only their own requests", async () => {
    const victim = await createTestParticipant();
    const theirs = await asked(victim);
    const other = await createTestParticipant();
    const before = await countOf(helpRequests);

    // Posting with another participant's id: 404, nothing written.
    expect(await statusOf(() => createHelpRequest(other.user, ask(victim.participantId)))).toBe(404);
    expect(await countOf(helpRequests)).toBe(before);
    // Reading another's request by its id: 404; their list holds only their own.
    expect(await statusOf(() => getOwnHelpRequest(other.user, theirs))).toBe(404);
    expect(await statusOf(() => getOwnHelpRequest(other.user, "nope"))).toBe(404);
    expect(await listOwnHelpRequests(other.user)).toEqual([]);
    expect((await getOwnHelpRequest(victim.user, theirs)).id).toBe(theirs);
    // Staff cannot use the participant's door.
    expect(await statusOf(async () => createHelpRequest(await createTestUser("caseworker"), ask(victim.participantId)))).toBe(403);
  });
});

describe("answering as the caseworker", () => {
  it("closes the request with a logged service, an audit event and a message, in one go", async () => {
    const cw = await createTestUser("caseworker");
    const me = await createTestParticipant({ caseworkerId: cw.id });
    const id = await asked(me);
    const result = await answerHelpRequest(cw, answer(id, me.participantId));
    expect(result).toMatchObject({ ok: true, repeated: false });

    const row = await requestRow(id);
    expect(row).toMatchObject({ status: "answered", answer: "Sudah saya bantu kirim ulang OTP.", answeredBy: cw.id });
    const [log] = await db.select().from(serviceLogs).where(eq(serviceLogs.id, row.serviceLogId!));
    expect(log).toMatchObject({ participantId: me.participantId, caseworkerId: cw.id, serviceCode: "phone_otp_verified" });
    const [contact] = await db.select({ last: participants.lastContactOn }).from(participants).where(eq(participants.id, me.participantId));
    expect(contact.last).toBe(todayInJakarta());
    const actions = (await db.select().from(auditEvents).where(eq(auditEvents.actorId, cw.id))).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["service_log.create", "help_request.answer"]));
    const [message] = await db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, `help_answered:${id}`));
    expect(message).toMatchObject({ channel: "email", recipient: me.email, state: "pending", kind: "help_answered" });
    expect(message.body).toContain("dijawab");

    // The participant reads the answer, and who gave it.
    const [mine] = await listOwnHelpRequests(me.user);
    expect(mine).toMatchObject({ status: "answered", answer: "Sudah saya bantu kirim ulang OTP.", answeredBy: { role: "caseworker" } });
    expect((await listCaseload(cw)).rows.find((r) => r.id === me.participantId)?.openRequests).toBe(0);
  });

  it("writes a WhatsApp message to a participant without email", async () => {
    const cw = await createTestUser("caseworker");
    const me = await createTestParticipant({ caseworkerId: cw.id, form: { email: "" } });
    const id = await asked(me);
    await answerHelpRequest(cw, answer(id, me.participantId));
    const [message] = await db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, `help_answered:${id}`));
    expect(message).toMatchObject({ channel: "whatsapp", recipient: me.phone });
  });

  it("leaves the request open, with nothing written, when the service cannot be logged", async () => {
    const cw = await createTestUser("caseworker");
    const me = await createTestParticipant({ caseworkerId: cw.id });
    const id = await asked(me);
    const before = { logs: await countOf(serviceLogs), outbox: await countOf(outboxMessages) };
    const result = await answerHelpRequest(cw, answer(id, me.participantId, "Jawaban", { occurredOn: "2021-01-01" }));
    expect(result).toMatchObject({ ok: false, fieldErrors: { occurredOn: ["serviceLog.beforeRegistration"] } });
    expect((await requestRow(id)).status).toBe("open");
    expect({ logs: await countOf(serviceLogs), outbox: await countOf(outboxMessages) }).toEqual(before);
  });

  it("answers a repeated submit with the first answer, and refuses a second answer", async () => {
    const cw = await createTestUser("caseworker");
    const me = await createTestParticipant({ caseworkerId: cw.id });
    const id = await asked(me);
    const input = answer(id, me.participantId);
    await answerHelpRequest(cw, input);
    expect(await answerHelpRequest(cw, input)).toMatchObject({ ok: true, repeated: true });
    expect(await answerHelpRequest(cw, answer(id, me.participantId, "Lagi"))).toEqual({
      ok: false,
      fieldErrors: { form: ["help.alreadyAnswered"] },
    });
    const logs = await db.select().from(serviceLogs).where(eq(serviceLogs.participantId, me.participantId));
    expect(logs).toHaveLength(1);
  });

  it("answers 404 to another caseworker and 403 to other roles, with nothing written", async () => {
    const cw = await createTestUser("caseworker");
    const me = await createTestParticipant({ caseworkerId: cw.id });
    const id = await asked(me);
    const intruder = await createTestUser("caseworker");
    const mine = await createTestParticipant({ caseworkerId: intruder.id });
    const before = await countOf(serviceLogs);
    expect(await statusOf(() => answerHelpRequest(intruder, answer(id, me.participantId)))).toBe(404);
    // The request of another caseworker's participant, posted with one's own participant's id.
    expect(await statusOf(() => answerHelpRequest(intruder, answer(id, mine.participantId)))).toBe(404);
    expect(await statusOf(() => listCasefileHelpRequests(intruder, me.participantId))).toBe(404);
    expect(await statusOf(async () => answerHelpRequest(await createTestUser("pmo"), answer(id, me.participantId)))).toBe(403);
    expect(await statusOf(() => answerHelpRequest(me.user, answer(id, me.participantId)))).toBe(403);
    expect(await statusOf(() => answerHelpRequest(cw, { ...answer(id, me.participantId), requestId: "not-an-id" }))).toBe(404);
    expect((await requestRow(id)).status).toBe("open");
    expect(await countOf(serviceLogs)).toBe(before);
    expect((await listCasefileHelpRequests(cw, me.participantId)).map((r) => r.id)).toEqual([id]);
  });

  it("is not undone by a mail server that fails afterwards", async () => {
    const cw = await createTestUser("caseworker");
    const me = await createTestParticipant({ caseworkerId: cw.id });
    const id = await asked(me);
    expect(await answerHelpRequest(cw, answer(id, me.participantId))).toMatchObject({ ok: true });
    const broken = { sendMail: async () => Promise.reject(new Error("SMTP 451 try later")) };
    const [queued] = await db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, `help_answered:${id}`));
    await expect(deliverMessage(queued.id, { transport: broken as never })).rejects.toThrow("SMTP 451");
    expect((await requestRow(id)).status).toBe("answered");
    const [message] = await db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, `help_answered:${id}`));
    expect(message).toMatchObject({ state: "pending", attempts: 1, lastError: "SMTP 451 try later" });
  });
});

describe("answering as the PMO", () => {
  it("answers a participant without caseworker, with no service log", async () => {
    const pmo = await createTestUser("pmo");
    const me = await createTestParticipant({ caseworkerId: null });
    const id = await asked(me);
    const result = await answerUnassignedHelpRequest(pmo, helpAnswerSchema.parse({ requestId: id, answer: "Pendamping akan segera ditugaskan." }));
    expect(result).toMatchObject({ ok: true });
    expect(await requestRow(id)).toMatchObject({ status: "answered", answeredBy: pmo.id, serviceLogId: null });
    expect((await listOwnHelpRequests(me.user))[0].answeredBy).toMatchObject({ role: "pmo" });
    expect(await db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, `help_answered:${id}`))).toHaveLength(1);
    expect(await answerUnassignedHelpRequest(pmo, helpAnswerSchema.parse({ requestId: id, answer: "Lagi" }))).toEqual({
      ok: false,
      fieldErrors: { form: ["help.alreadyAnswered"] },
    });
  });

  it("leaves a participant's request to their caseworker once assigned; others are refused", async () => {
    const pmo = await createTestUser("pmo");
    const cw = await createTestUser("caseworker");
    const me = await createTestParticipant({ caseworkerId: cw.id });
    const id = await asked(me);
    const input = helpAnswerSchema.parse({ requestId: id, answer: "Jawaban PMO" });
    expect(await answerUnassignedHelpRequest(pmo, input)).toEqual({ ok: false, fieldErrors: { form: ["help.nowAssigned"] } });
    expect(await statusOf(() => answerUnassignedHelpRequest(cw, input))).toBe(403);
    expect(await statusOf(() => answerUnassignedHelpRequest(me.user, input))).toBe(403);
    expect(await statusOf(() => listPmoHelpQueue(cw))).toBe(403);
    expect(await statusOf(() => answerUnassignedHelpRequest(pmo, { ...input, requestId: crypto.randomUUID() }))).toBe(404);
    expect((await requestRow(id)).status).toBe("open");
  });
});

import { and, eq, sql, type SQL } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import {
  activationCodes,
  auditEvents,
  dataRequests,
  helpRequests,
  outboxMessages,
  participants,
  serviceLogs,
  stageChanges,
  surveyResponses,
  users,
} from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { openNik } from "@/lib/crypto/identity";
import { createTestParticipant, TEST_PASSWORD, type TestParticipant } from "@/lib/testing/participants";
import { registrationForm } from "@/lib/testing/identity";
import { todayInJakarta } from "@/lib/validation";
import { serviceLogSchema } from "@/lib/validation/caseworker";
import { dataDecisionSchema, dataRefusalSchema, dataRequestSchema, DATA_REQUEST_HOURS } from "@/lib/validation/data-rights";
import { helpAnswerSchema, helpRequestSchema } from "@/lib/validation/help";
import { selfRegistrationSchema } from "@/lib/validation/registration";
import { surveySchema } from "@/lib/validation/survey";
import { issueActivationCode } from "./activation";
import { getCasefile } from "./casework";
import { listCaseload } from "./caseload";
import {
  completeDataRequest,
  CONSENT_WITHDRAWN_REASON,
  countOpenDataRequests,
  ERASED_NAME,
  getOwnDataRights,
  listDataRequests,
  ownDataExport,
  refuseDataRequest,
  requestDeletion,
  withdrawConsent,
} from "./data-rights";
import { answerHelpRequest, createHelpRequest } from "./help";
import { registerSelf } from "./participants";
import type { SessionUser } from "./permissions";
import { listParticipantsForPmo } from "./pmo-participants";
import { getDashboard } from "./programme";
import { recordService } from "./service-logs";
import { submitSurvey } from "./survey";
import { authenticate, findSessionUser } from "./users";

beforeAll(freshDatabase);

async function rows<T>(query: SQL): Promise<T[]> {
  const result = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

const ask = (participantId: string, reason = "Saya tidak ingin ikut lagi.") =>
  dataRequestSchema.parse({ participantId, reason, confirm: "on" });
const decide = (requestId: string, note = "", confirm = true) =>
  dataDecisionSchema.parse({ requestId, note, ...(confirm ? { confirm: "on" } : {}) });
const refuse = (requestId: string, note = "Data masih wajib disimpan menurut aturan program.") =>
  dataRefusalSchema.parse({ requestId, note });

async function counts() {
  const [row] = await rows<{ requests: number; events: number; changes: number; withdrawn: number; erased: number }>(sql`
    select (select count(*)::int from data_requests) as requests,
           (select count(*)::int from audit_events) as events,
           (select count(*)::int from stage_changes) as changes,
           (select count(*)::int from participants where consent_withdrawn_at is not null) as withdrawn,
           (select count(*)::int from participants where erased_at is not null) as erased`);
  return row;
}

async function requested(p: TestParticipant, kind: "deletion" | "consent_withdrawal" = "deletion") {
  const result = kind === "deletion" ? await requestDeletion(p.user, ask(p.participantId)) : await withdrawConsent(p.user, ask(p.participantId));
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.id;
}

const participantRow = async (id: string) => (await db.select().from(participants).where(eq(participants.id, id)))[0];
const requestRow = async (id: string) => (await db.select().from(dataRequests).where(eq(dataRequests.id, id)))[0];

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

describe("refusals", () => {
  it("refuses every function to the roles without its permission (403), writing nothing", async () => {
    const cw = await createTestUser("caseworker");
    const pmo = await createTestUser("pmo");
    const me = await createTestParticipant({ caseworkerId: cw.id });
    const id = await requested(me);
    const before = await counts();

    for (const staff of [cw, pmo]) {
      expect(await statusOf(() => requestDeletion(staff, ask(me.participantId)))).toBe(403);
      expect(await statusOf(() => withdrawConsent(staff, ask(me.participantId)))).toBe(403);
      expect(await statusOf(() => ownDataExport(staff))).toBe(403);
      expect(await statusOf(() => getOwnDataRights(staff))).toBe(403);
    }
    for (const other of [me.user, cw]) {
      expect(await statusOf(() => listDataRequests(other))).toBe(403);
      expect(await statusOf(() => countOpenDataRequests(other))).toBe(403);
      expect(await statusOf(() => completeDataRequest(other, decide(id)))).toBe(403);
      expect(await statusOf(() => refuseDataRequest(other, refuse(id)))).toBe(403);
    }
    expect(await counts()).toEqual(before);
    expect((await requestRow(id)).status).toBe("open");
    expect((await participantRow(me.participantId)).erasedAt).toBeNull();
  });

  it("answers 404 for another participant's record and for unknown requests, writing nothing", async () => {
    const victim = await createTestParticipant();
    const other = await createTestParticipant();
    const pmo = await createTestUser("pmo");
    const before = await counts();
    expect(await statusOf(() => requestDeletion(other.user, ask(victim.participantId)))).toBe(404);
    expect(await statusOf(() => withdrawConsent(other.user, ask(victim.participantId)))).toBe(404);
    expect(await statusOf(() => completeDataRequest(pmo, decide(crypto.randomUUID())))).toBe(404);
    expect(await statusOf(() => refuseDataRequest(pmo, refuse(crypto.randomUUID())))).toBe(404);
    expect(await statusOf(() => completeDataRequest(pmo, { requestId: "nope", note: null, confirm: true }))).toBe(404);
    expect(await counts()).toEqual(before);
    expect((await participantRow(victim.participantId)).consentWithdrawnAt).toBeNull();
    expect((await getOwnDataRights(other.user))?.requests).toEqual([]);
  });
});

describe("asking", () => {
  it(`gives a deletion request a deadline ${DATA_REQUEST_HOURS} hours after it, with its audit event`, async () => {
    const me = await createTestParticipant();
    const result = await requestDeletion(me.user, ask(me.participantId));
    expect(result).toMatchObject({ ok: true, repeated: false });
    const id = result.ok ? result.id : "";
    const [row] = await rows<{ hours: number; status: string; reason: string }>(sql`
      select extract(epoch from (due_at - requested_at)) / 3600 as hours, status, reason from data_requests where id = ${id}`);
    expect(Number(row.hours)).toBe(72);
    expect(row).toMatchObject({ status: "open", reason: "Saya tidak ingin ikut lagi." });
    const [event] = await db.select().from(auditEvents).where(and(eq(auditEvents.action, "data_request.create"), eq(auditEvents.entityId, id)));
    expect(event).toMatchObject({ actorId: me.user.id, actorRole: "participant" });
    expect(event.after).toMatchObject({ kind: "deletion", participantId: me.participantId });
    // The reason itself stays out of the log.
    expect(JSON.stringify(event.after)).not.toContain("tidak ingin");
    // A deletion request alone changes nothing yet: consent holds until the PMO acts.
    expect((await participantRow(me.participantId)).consentWithdrawnAt).toBeNull();
  });

  it("keeps one open request per kind: a double submit (even at the same moment) yields it", async () => {
    const me = await createTestParticipant();
    const [a, b] = await Promise.all([requestDeletion(me.user, ask(me.participantId)), requestDeletion(me.user, ask(me.participantId))]);
    const c = await requestDeletion(me.user, ask(me.participantId, "lagi"));
    const ids = [a, b, c].map((r) => (r.ok ? r.id : null));
    expect(new Set(ids).size).toBe(1);
    expect([a, b, c].filter((r) => r.ok && !r.repeated)).toHaveLength(1);
    const [{ n }] = await rows<{ n: number }>(sql`select count(*)::int as n from data_requests where participant_id = ${me.participantId}`);
    expect(n).toBe(1);
    const [{ events }] = await rows<{ events: number }>(
      sql`select count(*)::int as events from audit_events where action = 'data_request.create' and after->>'participantId' = ${me.participantId}`,
    );
    expect(events).toBe(1);
    // A consent withdrawal is another kind: it may be open beside it.
    expect(await withdrawConsent(me.user, ask(me.participantId))).toMatchObject({ ok: true, repeated: false });
  });

  it("withdraws consent at once, and a second withdrawal after the decision is refused", async () => {
    const pmo = await createTestUser("pmo");
    const me = await createTestParticipant({ stage: "training" });
    const id = await requested(me, "consent_withdrawal");
    const p = await participantRow(me.participantId);
    expect(p.consentWithdrawnAt).toBeInstanceOf(Date);
    expect(p.stage).toBe("training");
    expect((await getOwnDataRights(me.user))?.consentWithdrawnAt).toEqual(p.consentWithdrawnAt);
    expect(await withdrawConsent(me.user, ask(me.participantId))).toMatchObject({ ok: true, id, repeated: true });
    expect(await completeDataRequest(pmo, decide(id))).toEqual({ ok: true, id });
    expect(await withdrawConsent(me.user, ask(me.participantId))).toEqual({ ok: false, fieldErrors: { form: ["dataRequest.alreadyWithdrawn"] } });
  });
});

describe("the download of one's own data", () => {
  it("holds the whole record and who processed it, nothing of anyone else, and is audited", async () => {
    const cw = await createTestUser("caseworker", { name: "Bu Ratna Pendamping" });
    const me = await createTestParticipant({ caseworkerId: cw.id, stage: "completed", form: { fullName: "Wulan Sari" } });
    const neighbour = await createTestParticipant({ caseworkerId: cw.id, form: { fullName: "Tetangga Rahasia" } });
    const neighbourNik = openNik(await participantRow(neighbour.participantId))!;

    await recordService(cw, service(me.participantId, { notes: "Catatan internal: HP sering mati." }));
    await recordService(cw, service(neighbour.participantId, { notes: "Catatan tentang tetangga." }));
    const help = await createHelpRequest(me.user, helpRequestSchema.parse({
      participantId: me.participantId,
      submissionId: crypto.randomUUID(),
      topic: "otp_not_received",
      message: "OTP tidak masuk.",
    }));
    await answerHelpRequest(cw, {
      ...helpAnswerSchema.parse({ requestId: help.ok ? help.id : "", answer: "Sudah dikirim ulang." }),
      service: service(me.participantId),
    });
    await submitSurvey(me.user, surveySchema.parse({
      participantId: me.participantId,
      employmentStatus: "looking",
      trainingHelped: "yes",
      satisfaction: "4",
      hardest: ["other"],
      hardestOther: "Sinyal di kampung lemah",
      plansAbroad: "unsure",
    }));
    await getCasefile(cw, me.participantId); // a whole-NIK showing: an audit event about them
    await requested(me);

    const exported = await ownDataExport(me.user);
    const row = await participantRow(me.participantId);
    expect(exported?.participant).toMatchObject({ id: me.participantId, fullName: "Wulan Sari", nik: openNik(row), address: row.address });
    expect(exported?.participant.nik).toMatch(/^\d{16}$/);
    expect(exported?.participant.kk).toMatch(/^\d{16}$/);
    expect(exported?.participant.caseworker).toEqual({ name: "Bu Ratna Pendamping" });
    expect(exported?.account).toMatchObject({ email: me.email, phone: me.phone, locale: "id" });
    expect(exported?.consent).toMatchObject({ version: row.consentVersion, collectedBy: { role: "participant", self: true } });
    expect(exported?.stageHistory.map((c) => c.to)).toEqual(["registration"]);
    expect(exported?.services).toHaveLength(2);
    expect(exported?.services.map((s) => s.notes)).toContain("Catatan internal: HP sering mati.");
    expect(exported?.services[0].caseworker).toEqual({ name: "Bu Ratna Pendamping" });
    expect(exported?.helpRequests).toMatchObject([{ message: "OTP tidak masuk.", answer: "Sudah dikirim ulang.", answeredBy: { role: "caseworker", name: "Bu Ratna Pendamping" } }]);
    expect(exported?.survey).toMatchObject({ satisfaction: 4, hardestOther: "Sinyal di kampung lemah" });
    expect(exported?.dataRequests).toMatchObject([{ kind: "deletion", status: "open" }]);
    expect(exported?.messages).toMatchObject([{ kind: "help_answered", recipient: me.email }]);
    const actions = exported!.processing.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["participant.register", "service_log.create", "help_request.create", "help_request.answer", "survey.submit", "participant.view_nik", "data_request.create"]));
    expect(exported!.processing.find((e) => e.action === "participant.view_nik")?.by).toEqual({ role: "caseworker", name: "Bu Ratna Pendamping" });
    expect(exported!.processing.find((e) => e.action === "participant.register")?.by).toEqual({ role: "participant", name: null, self: true });

    const text = JSON.stringify(exported);
    for (const foreign of ["Tetangga Rahasia", neighbour.participantId, neighbour.phone, neighbour.email!, neighbourNik, "Catatan tentang tetangga."]) {
      expect(text).not.toContain(foreign);
    }

    const [event] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "participant.data_export"), eq(auditEvents.entityId, me.participantId)));
    expect(event).toMatchObject({ actorId: me.user.id, actorRole: "participant" });

    // Read as a page (/me/data/view): the same document, audited by its own name.
    const read = await ownDataExport(me.user, { as: "page" });
    expect(read?.participant).toEqual({ ...exported!.participant });
    const viewed = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "participant.data_view"), eq(auditEvents.entityId, me.participantId)));
    expect(viewed).toHaveLength(1);
    expect(viewed[0]).toMatchObject({ actorId: me.user.id, actorRole: "participant" });
  });
});

describe("the PMO's list", () => {
  it("shows open requests first, nearest deadline first, with the time left and masked NIKs", async () => {
    const pmo = await createTestUser("pmo");
    const first = await createTestParticipant({ form: { fullName: "Antrian Pertama" } });
    const second = await createTestParticipant({ form: { fullName: "Antrian Kedua" } });
    const a = await requested(first);
    const b = await requested(second, "consent_withdrawal");
    // The first one was asked four days ago: overdue.
    await db
      .update(dataRequests)
      .set({ requestedAt: sql`now() - interval '96 hours'`, dueAt: sql`now() - interval '24 hours'` })
      .where(eq(dataRequests.id, a));

    const list = await listDataRequests(pmo, { status: "open" });
    const ours = list.filter((r) => [a, b].includes(r.id));
    expect(ours.map((r) => r.id)).toEqual([a, b]);
    expect(ours[0]).toMatchObject({ fullName: "Antrian Pertama", kind: "deletion", overdue: true, elapsedShare: 1, reason: "Saya tidak ingin ikut lagi." });
    expect(ours[0].hoursLeft).toBeLessThanOrEqual(-23);
    expect(ours[0].nikMasked).toMatch(/^•{12}\d{4}$/);
    expect(ours[1]).toMatchObject({ fullName: "Antrian Kedua", kind: "consent_withdrawal", overdue: false, consentWithdrawn: true });
    expect(ours[1].hoursLeft).toBeGreaterThanOrEqual(71);
    expect(list.findIndex((r) => r.id === a)).toBe(0);
    expect((await countOpenDataRequests(pmo)).overdue).toBeGreaterThanOrEqual(1);

    await refuseDataRequest(pmo, refuse(a));
    expect((await listDataRequests(pmo, { status: "open" })).map((r) => r.id)).not.toContain(a);
    expect((await listDataRequests(pmo, { status: "decided" })).find((r) => r.id === a)).toMatchObject({
      status: "refused",
      hoursLeft: null,
      decidedByName: pmo.name,
    });
    expect((await listDataRequests(pmo, { status: "all", kind: "consent_withdrawal" })).every((r) => r.kind === "consent_withdrawal")).toBe(true);
  });
});

describe("deciding", () => {
  it("refuses a deletion with the reason the participant reads; refuses to refuse a consent withdrawal", async () => {
    const pmo = await createTestUser("pmo");
    const me = await createTestParticipant();
    const deletion = await requested(me);
    const withdrawal = await requested(me, "consent_withdrawal");
    expect(await refuseDataRequest(pmo, refuse(withdrawal))).toEqual({ ok: false, fieldErrors: { form: ["dataRequest.cannotRefuse"] } });
    expect((await requestRow(withdrawal)).status).toBe("open");
    expect(await refuseDataRequest(pmo, refuse(deletion))).toEqual({ ok: true, id: deletion });
    const own = await getOwnDataRights(me.user);
    expect(own?.requests.find((r) => r.id === deletion)).toMatchObject({ status: "refused", decisionNote: "Data masih wajib disimpan menurut aturan program." });
    expect((await participantRow(me.participantId)).erasedAt).toBeNull();
    // Decided: a second answer of either kind is refused.
    expect(await refuseDataRequest(pmo, refuse(deletion))).toEqual({ ok: false, fieldErrors: { form: ["dataRequest.decided"] } });
    expect(await completeDataRequest(pmo, decide(deletion))).toEqual({ ok: false, fieldErrors: { form: ["dataRequest.decided"] } });
    // A new deletion request may follow a refused one.
    expect(await requestDeletion(me.user, ask(me.participantId))).toMatchObject({ ok: true, repeated: false });
  });

  it("completes a consent withdrawal: the stage becomes withdrawn with a stage change, follow-ups end", async () => {
    const cw = await createTestUser("caseworker");
    const pmo = await createTestUser("pmo");
    const me = await createTestParticipant({ caseworkerId: cw.id, stage: "lms", set: { nextFollowUpOn: "2030-01-01" } });
    const id = await requested(me, "consent_withdrawal");
    const changesBefore = (await counts()).changes;
    expect(await completeDataRequest(pmo, decide(id, "Dicatat."))).toEqual({ ok: true, id });
    const p = await participantRow(me.participantId);
    expect(p).toMatchObject({ stage: "withdrawn", withdrawnReason: CONSENT_WITHDRAWN_REASON, nextFollowUpOn: null, erasedAt: null });
    expect((await counts()).changes).toBe(changesBefore + 1);
    const [change] = await db.select().from(stageChanges).where(and(eq(stageChanges.participantId, p.id), eq(stageChanges.toStage, "withdrawn")));
    expect(change).toMatchObject({ fromStage: "lms", changedBy: pmo.id, reason: CONSENT_WITHDRAWN_REASON });
    expect(await requestRow(id)).toMatchObject({ status: "completed", decidedBy: pmo.id, decisionNote: "Dicatat." });
    expect(await completeDataRequest(pmo, decide(id))).toEqual({ ok: false, fieldErrors: { form: ["dataRequest.decided"] } });
    // The identity stays: this was not a deletion.
    expect(openNik(p)).toMatch(/^\d{16}$/);
  });

  it("asks for the tick before erasing, and erases nothing without it", async () => {
    const pmo = await createTestUser("pmo");
    const me = await createTestParticipant();
    const id = await requested(me);
    const before = await counts();
    expect(await completeDataRequest(pmo, decide(id, "", false))).toEqual({ ok: false, fieldErrors: { confirm: ["dataRequest.eraseConfirm"] } });
    expect(await counts()).toEqual(before);
  });
});

describe("a completed deletion", () => {
  let pmo: SessionUser;
  let cw: SessionUser;
  let me: TestParticipant;
  let nik: string;
  let kk: string;
  let requestId: string;
  let dashboardBefore: Awaited<ReturnType<typeof getDashboard>>;
  const logsOf = async (id: string) =>
    (await rows<{ n: number }>(sql`select count(*)::int as n from service_logs where participant_id = ${id}`))[0].n;

  beforeAll(async () => {
    pmo = await createTestUser("pmo");
    cw = await createTestUser("caseworker", { name: "Pak Budi Pendamping" });
    const form = registrationForm({ fullName: "Dewi Lestari", birthDate: "1992-11-23", returnDate: "2021-05-20" });
    me = await createTestParticipant({ caseworkerId: cw.id, stage: "completed", form });
    nik = form.nik;
    kk = form.kk;
    await db.update(participants).set({ idPmi: "PMI-123456", cardNumber: "5123456789012345", wave: 17, sector: "Pekerja rumah tangga" }).where(eq(participants.id, me.participantId));
    await recordService(cw, service(me.participantId, { notes: "Nomor rumah Dewi: 12." }));
    await recordService(cw, service(me.participantId, { serviceCode: "prakerja_account", outcome: "blocked", blockerCode: "otp_not_received" }));
    const open = await createHelpRequest(me.user, helpRequestSchema.parse({ participantId: me.participantId, submissionId: crypto.randomUUID(), topic: "other", message: "Alamat saya di Jl. Mawar 3." }));
    const answered = await createHelpRequest(me.user, helpRequestSchema.parse({ participantId: me.participantId, submissionId: crypto.randomUUID(), topic: "other", message: "HP saya 0812 hilang." }));
    expect(open.ok && answered.ok).toBe(true);
    await answerHelpRequest(cw, { ...helpAnswerSchema.parse({ requestId: answered.ok ? answered.id : "", answer: "Dewi, silakan datang." }), service: service(me.participantId) });
    await submitSurvey(me.user, surveySchema.parse({ participantId: me.participantId, employmentStatus: "looking", trainingHelped: "yes", satisfaction: "5", hardest: ["other"], hardestOther: "Rumah Dewi jauh", plansAbroad: "no" }));
    await issueActivationCode(cw, me.participantId);
    // Back in the LMS stage (the survey needed "completed"), with a follow-up that is
    // overdue: an operational figure, not an anonymous count.
    await db.update(participants).set({ stage: "lms", nextFollowUpOn: "2021-01-04" }).where(eq(participants.id, me.participantId));
    requestId = await requested(me);
    dashboardBefore = await getDashboard(pmo, {});
    expect(await authenticate(me.phone, TEST_PASSWORD)).not.toBeNull();
    expect(await completeDataRequest(pmo, decide(requestId, "Dihapus sesuai permintaan."))).toEqual({ ok: true, id: requestId });
  });

  it("erases exactly the identity data (checked in SQL) and keeps the rest", async () => {
    const [row] = await rows<Record<string, unknown>>(sql`
      select full_name, nik_enc, nik_hash, nik_last4, kk_enc, kk_hash, nik, kk, address, regency_code, sector, id_pmi,
             card_number, quarantine_location, arrival_date::text, birth_date::text, return_date::text, next_follow_up_on,
             erased_at is not null as erased, province_code, country_code, sex, migrant_status, stage, source, wave,
             consent_at is not null as consented, consent_withdrawn_at is not null as withdrawn, caseworker_id, user_id
      from participants where id = ${me.participantId}`);
    expect(row).toEqual({
      full_name: ERASED_NAME,
      nik_enc: null,
      nik_hash: null,
      nik_last4: null,
      kk_enc: null,
      kk_hash: null,
      nik: null,
      kk: null,
      address: null,
      regency_code: null,
      sector: null,
      id_pmi: null,
      card_number: null,
      quarantine_location: null,
      arrival_date: null,
      birth_date: "1992-07-01",
      return_date: "2021-05-01",
      next_follow_up_on: null,
      erased: true,
      province_code: "31",
      country_code: "HK",
      sex: "P",
      migrant_status: "mantan",
      stage: "lms",
      source: "self",
      wave: 17,
      consented: true,
      withdrawn: false,
      caseworker_id: cw.id,
      user_id: me.user.id,
    });
    const [account] = await rows<Record<string, unknown>>(sql`
      select name, email, phone, password_hash, disabled_at is not null as disabled, session_version from users where id = ${me.user.id}`);
    expect(account).toEqual({ name: ERASED_NAME, email: null, phone: null, password_hash: null, disabled: true, session_version: 2 });
    expect(await requestRow(requestId)).toMatchObject({ status: "completed", decidedBy: pmo.id, reason: null, decisionNote: "Dihapus sesuai permintaan." });

    // Service logs and stage changes are kept (append-only), counted as before.
    expect(await logsOf(me.participantId)).toBe(3);
    const helps = await db.select().from(helpRequests).where(eq(helpRequests.participantId, me.participantId));
    expect(helps).toHaveLength(1);
    expect(helps[0]).toMatchObject({ status: "answered", message: "[dihapus]", answer: "[dihapus]" });
    const [survey] = await db.select().from(surveyResponses).where(eq(surveyResponses.participantId, me.participantId));
    expect(survey).toMatchObject({ hardestOther: null, satisfaction: 5, hardest: ["other"] });
    expect(await db.select().from(activationCodes).where(eq(activationCodes.userId, me.user.id))).toEqual([]);
    expect(await db.select().from(outboxMessages).where(eq(outboxMessages.participantId, me.participantId))).toEqual([]);
  });

  it("writes an erase event with masked values only", async () => {
    const events = await db.select().from(auditEvents).where(and(eq(auditEvents.entityId, me.participantId), eq(auditEvents.action, "participant.erase")));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: pmo.id, actorRole: "pmo" });
    const text = JSON.stringify(events[0]);
    for (const secret of [nik, kk, me.phone, me.email!, "Dewi"]) expect(text).not.toContain(secret);
    expect(text).toContain(nik.slice(-4));
  });

  it("keeps every anonymous count of the dashboard", async () => {
    const after = await getDashboard(pmo, {});
    const cwRow = (d: typeof after) => d.caseworkers.find((c) => c.id === cw.id)!;
    // Nobody follows up an erased person: their overdue follow-up leaves that one figure,
    // and their open question, closed by the erasure, leaves the open help requests.
    expect(cwRow(after).overdue).toBe(cwRow(dashboardBefore).overdue - 1);
    expect(cwRow(after).openHelp).toBe(cwRow(dashboardBefore).openHelp - 1);
    const withoutOverdue = (d: typeof after) => ({ ...d, caseworkers: d.caseworkers.map((c) => ({ ...c, overdue: 0, openHelp: 0 })) });
    expect(withoutOverdue(after)).toEqual(withoutOverdue(dashboardBefore));
    expect(after.headline.registered).toBeGreaterThan(0);
    expect(after.headline.servicesDelivered).toBeGreaterThanOrEqual(3);
  });

  it("ends the sessions and the sign-in", async () => {
    expect(await authenticate(me.phone, TEST_PASSWORD)).toBeNull();
    expect(await authenticate(me.email!, TEST_PASSWORD)).toBeNull();
    expect(await findSessionUser(me.user.id, 1)).toBeNull();
    expect(await findSessionUser(me.user.id, 2)).toBeNull();
  });

  it("shows the PMO an erased row, without NIK or contact", async () => {
    const list = await listParticipantsForPmo(pmo, {});
    expect(list.rows.find((r) => r.id === me.participantId)).toMatchObject({ fullName: ERASED_NAME, nikMasked: "", phoneMasked: null });
    expect((await listParticipantsForPmo(pmo, { q: nik })).rows).toEqual([]);
  });

  it("takes the erased participant out of the caseworker's caseload, reminders and case file", async () => {
    expect((await listCaseload(cw)).rows.map((r) => r.id)).not.toContain(me.participantId);
    expect(await statusOf(() => getCasefile(cw, me.participantId))).toBe(404);
    const before = await logsOf(me.participantId);
    expect(await statusOf(() => recordService(cw, service(me.participantId)))).toBe(404);
    expect(await logsOf(me.participantId)).toBe(before);
  });

  it("refuses a second completion of the same request", async () => {
    expect(await completeDataRequest(pmo, decide(requestId))).toEqual({ ok: false, fieldErrors: { form: ["dataRequest.decided"] } });
  });

  it("lets the same NIK, KK, phone and email register again", async () => {
    const again = selfRegistrationSchema().parse(
      registrationForm({ nik, kk, birthDate: "1992-11-23", sex: "P", phone: me.phone, email: me.email!, fullName: "Dewi Lestari" }),
    );
    const result = await registerSelf(again);
    expect(result).toMatchObject({ ok: true });
    expect(result.ok && result.participantId).not.toBe(me.participantId);
  });

  it("leaves other participants untouched", async () => {
    const other = await createTestParticipant({ caseworkerId: cw.id });
    const p = await participantRow(other.participantId);
    expect(p.erasedAt).toBeNull();
    expect(openNik(p)).toMatch(/^\d{16}$/);
    const [u] = await db.select().from(users).where(eq(users.id, other.user.id));
    expect(u.disabledAt).toBeNull();
  });
});

describe("a deletion beside an open consent withdrawal", () => {
  it("completes the withdrawal with it: stage withdrawn, both requests closed, identity erased", async () => {
    const pmo = await createTestUser("pmo");
    const me = await createTestParticipant({ stage: "training" });
    const withdrawal = await requested(me, "consent_withdrawal");
    const deletion = await requested(me);
    expect(await completeDataRequest(pmo, decide(deletion))).toEqual({ ok: true, id: deletion });
    expect(await requestRow(withdrawal)).toMatchObject({ status: "completed", decidedBy: pmo.id, reason: null });
    expect(await participantRow(me.participantId)).toMatchObject({ stage: "withdrawn", withdrawnReason: CONSENT_WITHDRAWN_REASON, fullName: ERASED_NAME, nikHash: null });
    expect(await completeDataRequest(pmo, decide(withdrawal))).toEqual({ ok: false, fieldErrors: { form: ["dataRequest.decided"] } });
  });
});

describe("stage changes stay append-only", () => {
  it("an erased participant's stage history and service notes are still there (the trigger forbids changing them)", async () => {
    const [{ n }] = await rows<{ n: number }>(sql`
      select count(*)::int as n from service_logs l join participants p on p.id = l.participant_id
      where p.erased_at is not null and l.notes like 'Nomor rumah%'`);
    expect(n).toBe(1);
    await expect(db.execute(sql`update service_logs set notes = null where notes like 'Nomor rumah%'`)).rejects.toThrow();
    expect(await db.select({ id: serviceLogs.id }).from(serviceLogs).where(sql`notes like 'Nomor rumah%'`)).toHaveLength(1);
  });
});

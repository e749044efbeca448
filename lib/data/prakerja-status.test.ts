import { randomUUID } from "node:crypto";
import { and, eq, isNotNull, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db, executeRows } from "@/db";
import { apiClients, auditEvents, participants, prakerjaBatches, regionProvinces, regions, serviceLogs, stageChanges, type ApiScope } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { openNik } from "@/lib/crypto/identity";
import { QUEUES } from "@/lib/jobs/queues";
import { dashboardCounters, fullCount } from "@/lib/testing/dashboard-counters";
import { drainJobs } from "@/lib/testing/jobs";
import { createTestParticipant } from "@/lib/testing/participants";
import { todayInJakarta } from "@/lib/validation";
import { prakerjaBatchStatusSchema, type PrakerjaBatch } from "@/lib/validation/prakerja-status";
import type { ApiClientActor } from "./api-actor";
import { changeStage, timelineOf } from "./casework";
import { PRAKERJA_SYNC_MAX, getPrakerjaBatch, submitPrakerjaBatch } from "./prakerja-status";
import { recordService } from "./service-logs";

// Issue 20, "Prakerja status in": the partner's events applied by NIK within its region,
// each with its result; idempotency keys; the queued path; the dashboard's counters in
// step afterwards.

const REGISTERED = new Date("2021-06-01T03:00:00Z"); // 1 June 2021 in Jakarta

async function client(opts: { scopes?: ApiScope[]; provinces?: string[] | null } = {}): Promise<ApiClientActor> {
  const provinces = opts.provinces ?? null;
  let regionId: string | null = null;
  if (provinces) {
    const [region] = await db.insert(regions).values({ name: `Wilayah ${randomUUID().slice(0, 8)}` }).returning();
    regionId = region.id;
    for (const code of provinces) {
      await db.insert(regionProvinces).values({ provinceCode: code, regionId }).onConflictDoUpdate({ target: regionProvinces.provinceCode, set: { regionId } });
    }
  }
  const id = randomUUID();
  const scopes = opts.scopes ?? ["prakerja-status:write"];
  await db.insert(apiClients).values({
    id,
    name: "PMO Prakerja",
    organisation: "Manajemen Pelaksana Prakerja",
    scopes,
    regionId,
    keyPrefix: `pk_${id.slice(0, 8)}`,
    secretHash: id.replace(/-/g, "").padEnd(64, "0"),
  });
  return { kind: "api_client", id, name: "PMO Prakerja", scopes, provinces };
}

type Person = { id: string; nik: string };
async function person(opts: { stage?: "registration" | "training" | "lms" | "completed" | "withdrawn"; provinceCode?: string; caseworkerId?: string } = {}): Promise<Person> {
  const p = await createTestParticipant({
    stage: opts.stage,
    caseworkerId: opts.caseworkerId ?? null,
    set: { createdAt: REGISTERED, provinceCode: opts.provinceCode ?? "31", regencyCode: null },
  });
  const [row] = await db.select().from(participants).where(eq(participants.id, p.participantId));
  return { id: row.id, nik: openNik(row)! };
}

const ev = (nik: string, event: PrakerjaBatch["events"][number]["event"], occurred_on: string, provider?: string) =>
  ({ nik, event, occurred_on, ...(provider ? { provider } : {}) }) as PrakerjaBatch["events"][number];
const submit = (actor: ApiClientActor, events: PrakerjaBatch["events"], key: string | null = null, hash = "h") =>
  submitPrakerjaBatch(actor, { events }, { idempotencyKey: key, requestHash: hash });

const row = async (id: string) => (await db.select().from(participants).where(eq(participants.id, id)))[0];
const logsOf = (id: string) => db.select().from(serviceLogs).where(eq(serviceLogs.participantId, id));
/** Stage moves (the registration's first stage left out). */
const changesOf = (id: string) =>
  db.select().from(stageChanges).where(and(eq(stageChanges.participantId, id), isNotNull(stageChanges.fromStage)));
const UNKNOWN_NIK = "3174010101900009";

async function expectCountersInStep(): Promise<void> {
  const [want, have] = [await fullCount(), await dashboardCounters()];
  expect({ missing: want.filter((l) => !have.includes(l)), extra: have.filter((l) => !want.includes(l)) }).toEqual({ missing: [], extra: [] });
}

let partner: ApiClientActor;

beforeAll(async () => {
  await freshDatabase();
  partner = await client();
});

describe("submitPrakerjaBatch", () => {
  it("refuses a client without the prakerja-status:write scope (403), with nothing written", async () => {
    const reader = await client({ scopes: ["progress:read"] });
    const p = await person();
    expect(await statusOf(() => submit(reader, [ev(p.nik, "card_received", "2021-06-10")]))).toBe(403);
    expect(await statusOf(() => getPrakerjaBatch(reader, randomUUID()))).toBe(403);
    expect((await row(p.id)).cardReceivedOn).toBeNull();
    expect(await logsOf(p.id)).toEqual([]);
  });

  it("answers every result kind; the events that fail do not stop the others", async () => {
    const a = await person();
    const withdrawn = await person({ stage: "withdrawn" });
    const b = await person();
    const future = "2999-01-01";
    const answer = await submit(partner, [
      ev(a.nik, "card_received", "2021-06-10", "Kemnaker"), // 0 applied
      ev(a.nik, "training_bought", "2021-06-12", "Tokopedia"), // 1 applied
      ev(a.nik, "card_received", "2021-06-10"), // 2 duplicate (of 0, in the same batch)
      ev(a.nik, "card_received", "2021-06-11"), // 3 refused: another date recorded
      ev(UNKNOWN_NIK, "card_received", "2021-06-10"), // 4 unknown
      ev(withdrawn.nik, "card_received", "2021-06-10"), // 5 refused: withdrawn
      ev(b.nik, "card_received", "2021-05-01"), // 6 refused: before registration
      ev(a.nik, "training_completed", "2021-06-11"), // 7 refused: before the purchase
      ev(b.nik, "card_received", future), // 8 refused: future (past the schema, for callers that skip it)
      ev(b.nik, "card_received", "2021-06-20"), // 9 applied
    ]);
    expect(answer).toEqual({
      kind: "applied",
      counts: { applied: 3, duplicate: 1, unknown_nik: 1, refused: 5 },
      results: [
        { index: 0, result: "applied" },
        { index: 1, result: "applied" },
        { index: 2, result: "duplicate" },
        { index: 3, result: "refused", reason: "conflicting_date" },
        { index: 4, result: "unknown_nik" },
        { index: 5, result: "refused", reason: "withdrawn" },
        { index: 6, result: "refused", reason: "before_registration" },
        { index: 7, result: "refused", reason: "out_of_order" },
        { index: 8, result: "refused", reason: "future_date" },
        { index: 9, result: "applied" },
      ],
    });
    const after = await row(a.id);
    expect([after.cardReceivedOn, after.trainingBoughtOn, after.trainingCompletedOn, after.stage]).toEqual(["2021-06-10", "2021-06-12", null, "training"]);
    expect(after.version).toBe(2);
    const logs = await logsOf(a.id);
    expect(logs.map((l) => [l.serviceCode, l.occurredOn, l.source, l.caseworkerId, l.apiClientId, l.channel, l.outcome, l.notes]).sort()).toEqual([
      ["card_received", "2021-06-10", "prakerja", null, partner.id, null, "done", "Kemnaker"],
      ["training_bought", "2021-06-12", "prakerja", null, partner.id, null, "done", "Tokopedia"],
    ]);
    // One move for the batch, from where the participant was to the furthest stage implied.
    expect((await changesOf(a.id)).map((c) => [c.fromStage, c.toStage, c.changedBy, c.apiClientId])).toEqual([["registration", "training", null, partner.id]]);
    expect(await logsOf(withdrawn.id)).toEqual([]);
    expect((await row(withdrawn.id)).stage).toBe("withdrawn");
    expect((await row(b.id)).cardReceivedOn).toBe("2021-06-20");
    expect((await row(b.id)).stage).toBe("registration");
    expect(await changesOf(b.id)).toEqual([]);
    // One audit event for the batch, by the client, with counts and no NIK.
    const audits = await db.select().from(auditEvents).where(and(eq(auditEvents.apiClientId, partner.id), eq(auditEvents.action, "prakerja.status")));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorId: null, actorRole: "api_client", after: { received: 10, counts: answer.kind === "applied" ? answer.counts : null } });
    expect(JSON.stringify(audits[0])).not.toContain(a.nik);
    await expectCountersInStep();
  });

  it("moves the stage forward only: never back, and to completed with the LMS", async () => {
    const atLms = await person({ stage: "lms" });
    const answer = await submit(partner, [ev(atLms.nik, "training_bought", "2021-06-12"), ev(atLms.nik, "card_received", "2021-06-02")]);
    expect(answer.kind === "applied" && answer.counts.applied).toBe(2);
    expect((await row(atLms.id)).stage).toBe("lms");
    expect(await changesOf(atLms.id)).toEqual([]);
    await submit(partner, [ev(atLms.nik, "lms_completed", "2021-07-01"), ev(atLms.nik, "training_completed", "2021-06-25")]);
    const done = await row(atLms.id);
    expect([done.stage, done.trainingCompletedOn, done.lmsCompletedOn]).toEqual(["completed", "2021-06-25", "2021-07-01"]);
    expect((await changesOf(atLms.id)).map((c) => [c.fromStage, c.toStage])).toEqual([["lms", "completed"]]);
    // A later event on a completed participant records the milestone and moves nothing.
    const fresh = await person();
    await submit(partner, [ev(fresh.nik, "lms_completed", "2021-07-01")]);
    await submit(partner, [ev(fresh.nik, "card_received", "2021-06-05")]);
    expect((await row(fresh.id)).stage).toBe("completed");
    expect((await changesOf(fresh.id)).map((c) => [c.fromStage, c.toStage])).toEqual([["registration", "completed"]]);
    await expectCountersInStep();
  });

  it("moves participants as a caseworker's stage change does: the same rows, the same counters", async () => {
    const cw = await createTestUser("caseworker");
    const byHand = await person({ caseworkerId: cw.id });
    const byPartner = await person({ caseworkerId: cw.id });
    const p = await row(byHand.id);
    expect((await changeStage(cw, { participantId: p.id, version: p.version, toStage: "training", reason: "Kartu diterima" })).ok).toBe(true);
    await submit(partner, [ev(byPartner.nik, "training_bought", "2021-06-12")]);
    const [hand] = await changesOf(byHand.id);
    const [auto] = await changesOf(byPartner.id);
    expect([auto.fromStage, auto.toStage]).toEqual([hand.fromStage, hand.toStage]);
    expect((await row(byPartner.id)).stage).toBe((await row(byHand.id)).stage);
    // The caseworker's own records still set the contact summary; the partner's facts do not.
    const today = todayInJakarta();
    const logged = await recordService(cw, {
      participantId: byPartner.id,
      submissionId: randomUUID(),
      correctsId: null,
      serviceCode: "voucher_received",
      occurredOn: today,
      channel: "phone",
      outcome: "follow_up",
      blockerCode: null,
      notes: null,
      nextFollowUpOn: today,
    });
    expect(logged.ok).toBe(true);
    await submit(partner, [ev(byPartner.nik, "training_completed", today)]);
    const after = await row(byPartner.id);
    expect([after.lastContactOn, after.nextFollowUpOn]).toEqual([today, today]);
    // The caseworker's timeline shows both, each with its source.
    const { logs, stageChanges: changes } = await timelineOf(byPartner.id);
    expect(logs.map((l) => [l.serviceCode, l.source, l.caseworkerName]).sort()).toEqual([
      ["modules_completed", "prakerja", null],
      ["training_bought", "prakerja", null],
      ["voucher_received", "caseworker", cw.name],
    ]);
    expect(changes.filter((c) => c.fromStage).map((c) => [c.toStage, c.byPrakerja, c.changedByName])).toEqual([["lms", true, null], ["training", true, null]]);
    await expectCountersInStep();
  });

  it("keeps a client restricted to a region to its provinces: another region's NIK is unknown, nothing written", async () => {
    const regional = await client({ provinces: ["35"] });
    const inside = await person({ provinceCode: "35" });
    const outside = await person({ provinceCode: "32" });
    const answer = await submit(regional, [ev(outside.nik, "card_received", "2021-06-10"), ev(inside.nik, "card_received", "2021-06-10"), ev(UNKNOWN_NIK, "card_received", "2021-06-10")]);
    expect(answer).toMatchObject({
      kind: "applied",
      results: [
        { index: 0, result: "unknown_nik" },
        { index: 1, result: "applied" },
        { index: 2, result: "unknown_nik" },
      ],
    });
    expect((await row(outside.id)).cardReceivedOn).toBeNull();
    expect((await row(outside.id)).version).toBe(1);
    expect(await logsOf(outside.id)).toEqual([]);
    // A client whose region has no provinces reaches nobody.
    const empty = await client({ provinces: [] });
    expect(await submit({ ...empty, provinces: [] }, [ev(inside.nik, "training_bought", "2021-06-12")])).toMatchObject({ results: [{ result: "unknown_nik" }] });
  });

  it("treats an erased participant's NIK as unknown", async () => {
    const gone = await person();
    const [r] = await db.select().from(participants).where(eq(participants.id, gone.id));
    await db
      .update(participants)
      .set({ erasedAt: new Date(), nikEnc: null, nikHash: null, nikLast4: null, kkEnc: null, kkHash: null, address: null })
      .where(eq(participants.id, r.id));
    expect(await submit(partner, [ev(gone.nik, "card_received", "2021-06-10")])).toMatchObject({ results: [{ result: "unknown_nik" }] });
  });
});

describe("idempotency keys", () => {
  it("a batch sent twice with the same key applies once and gets the same answer", async () => {
    const p = await person();
    const key = randomUUID();
    const events = [ev(p.nik, "card_received", "2021-06-10"), ev(p.nik, "training_bought", "2021-06-11")];
    const first = await submit(partner, events, key, "hash-1");
    const again = await submit(partner, events, key, "hash-1");
    expect(again).toEqual(first);
    expect(first).toMatchObject({ kind: "applied", counts: { applied: 2 } });
    expect(await logsOf(p.id)).toHaveLength(2);
    expect((await row(p.id)).version).toBe(2);
    // Without a key, the same batch again is answered as duplicates.
    expect(await submit(partner, events)).toMatchObject({ counts: { applied: 0, duplicate: 2 } });
  });

  it("the same key with another body is a conflict, and changes nothing", async () => {
    const p = await person();
    const key = randomUUID();
    await submit(partner, [ev(p.nik, "card_received", "2021-06-10")], key, "hash-a");
    expect(await submit(partner, [ev(p.nik, "training_bought", "2021-06-11")], key, "hash-b")).toEqual({ kind: "conflict" });
    expect((await row(p.id)).trainingBoughtOn).toBeNull();
  });

  it("keys are per client, and an expired key is taken afresh", async () => {
    const other = await client();
    const p = await person();
    const key = randomUUID();
    await submit(partner, [ev(p.nik, "card_received", "2021-06-10")], key, "hash-a");
    expect(await submit(other, [ev(p.nik, "training_bought", "2021-06-11")], key, "hash-b")).toMatchObject({ kind: "applied", counts: { applied: 1 } });
    await db.execute(sql`update prakerja_idempotency set expires_at = now() - interval '1 second' where key = ${key}`);
    expect(await submit(partner, [ev(p.nik, "training_completed", "2021-06-12")], key, "hash-c")).toMatchObject({ kind: "applied", counts: { applied: 1 } });
  });
});

describe("a large batch, through the job", () => {
  it("is queued with an id, applied by the job, and its status read by its own client only", async () => {
    const people = [await person(), await person(), await person({ stage: "withdrawn" })];
    const events = Array.from({ length: PRAKERJA_SYNC_MAX + 1 }, (_, i) => ev(`3174010101${String(900000 + i).slice(-6)}`, "card_received", "2021-06-10"));
    events[5] = ev(people[0].nik, "card_received", "2021-06-10");
    events[6] = ev(people[0].nik, "training_bought", "2021-06-12");
    events[7] = ev(people[1].nik, "lms_completed", "2021-07-01");
    events[8] = ev(people[2].nik, "card_received", "2021-06-10");
    events[9] = ev(people[0].nik, "card_received", "2021-06-10");
    const key = randomUUID();
    const answer = await submit(partner, events, key, "big");
    if (answer.kind !== "queued") throw new Error(JSON.stringify(answer).slice(0, 200));
    expect(await submit(partner, events, key, "big")).toEqual(answer);
    // Stored without the NIKs.
    const [stored] = await db.select().from(prakerjaBatches).where(eq(prakerjaBatches.id, answer.batchId));
    expect(JSON.stringify(stored.events)).not.toContain(people[0].nik);
    const queued = await getPrakerjaBatch(partner, answer.batchId);
    expect(prakerjaBatchStatusSchema.parse(queued)).toMatchObject({ state: "queued", received: events.length, counts: null });
    expect(queued.results).toBeUndefined();
    expect((await row(people[0].id)).cardReceivedOn).toBeNull();

    await drainJobs({ queues: [QUEUES.prakerjaStatus] });

    const done = prakerjaBatchStatusSchema.parse(await getPrakerjaBatch(partner, answer.batchId));
    expect(done.state).toBe("done");
    expect(done.counts).toEqual({ applied: 3, duplicate: 1, unknown_nik: events.length - 5, refused: 1 });
    expect(done.results?.slice(4, 10)).toEqual([
      { index: 4, result: "unknown_nik" },
      { index: 5, result: "applied" },
      { index: 6, result: "applied" },
      { index: 7, result: "applied" },
      { index: 8, result: "refused", reason: "withdrawn" },
      { index: 9, result: "duplicate" },
    ]);
    expect([(await row(people[0].id)).stage, (await row(people[1].id)).stage]).toEqual(["training", "completed"]);
    const [settled] = await db.select().from(prakerjaBatches).where(eq(prakerjaBatches.id, answer.batchId));
    expect(settled.events).toBeNull();
    const audits = await executeRows<{ action: string }>(
      sql`select action from audit_events where entity_type = 'prakerja_batch' and entity_id = ${answer.batchId} order by id`,
    );
    expect(audits.map((a) => a.action)).toEqual(["prakerja.status_queue", "prakerja.status"]);

    // Another client's batch and a bad id are 404.
    const stranger = await client();
    expect(await statusOf(() => getPrakerjaBatch(stranger, answer.batchId))).toBe(404);
    expect(await statusOf(() => getPrakerjaBatch(partner, "not-a-uuid"))).toBe(404);
    expect(await statusOf(() => getPrakerjaBatch(partner, randomUUID()))).toBe(404);
    await expectCountersInStep();
  }, 60_000);

  it("a client revoked before the job ran gets its batch failed, with nothing applied", async () => {
    const leaving = await client();
    const p = await person();
    const events = Array.from({ length: PRAKERJA_SYNC_MAX + 1 }, () => ev(p.nik, "card_received", "2021-06-10"));
    const answer = await submit(leaving, events);
    if (answer.kind !== "queued") throw new Error("not queued");
    await db.update(apiClients).set({ revokedAt: new Date() }).where(eq(apiClients.id, leaving.id));
    await drainJobs({ queues: [QUEUES.prakerjaStatus] });
    expect(await getPrakerjaBatch(leaving, answer.batchId)).toMatchObject({ state: "failed", counts: null });
    expect((await row(p.id)).cardReceivedOn).toBeNull();
  }, 60_000);
});

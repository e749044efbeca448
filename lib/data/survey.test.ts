import { and, eq, sql, type SQL } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db";
import { auditEvents, EMPLOYMENT_STATUSES, participants, PLANS_ABROAD, surveyResponses, TRAINING_HELPED } from "@/db/schema";
import { createTestUser, freshDatabase, statusOf } from "@/db/test-utils";
import { makeNik } from "@/lib/testing/identity";
import { sealedIdentity } from "@/lib/testing/sealed";
import { createTestParticipant } from "@/lib/testing/participants";
import { HARDEST_CHOICES, surveySchema } from "@/lib/validation/survey";
import type { DashboardFilter } from "./programme";
import { getOwnSurvey, getSurveySummary, submitSurvey } from "./survey";

beforeAll(freshDatabase);

const answers = (participantId: string, overrides: Record<string, unknown> = {}) =>
  surveySchema.parse({
    participantId,
    employmentStatus: "working_abroad",
    trainingHelped: "somewhat",
    satisfaction: "4",
    hardest: ["otp_not_received"],
    plansAbroad: "yes",
    ...overrides,
  });

const responsesOf = (participantId: string) =>
  db.select().from(surveyResponses).where(eq(surveyResponses.participantId, participantId));

const auditsOf = async (action: string, entityId: string) =>
  db.select().from(auditEvents).where(and(eq(auditEvents.action, action), eq(auditEvents.entityId, entityId)));

describe("the participant's survey", () => {
  it("is not open before the participant has completed or withdrawn: refused, nothing written", async () => {
    const me = await createTestParticipant({ stage: "lms" });
    const survey = await getOwnSurvey(me.user);
    expect(survey).toMatchObject({ open: false, editable: false, response: null });
    const result = await submitSurvey(me.user, answers(me.participantId));
    expect(result).toEqual({ ok: false, fieldErrors: { form: ["survey.notYet"] } });
    expect(await responsesOf(me.participantId)).toHaveLength(0);
  });

  it("takes one answer once completed, with its audit event", async () => {
    const me = await createTestParticipant({ stage: "completed" });
    expect((await getOwnSurvey(me.user))?.open).toBe(true);
    expect(await submitSurvey(me.user, answers(me.participantId))).toMatchObject({ ok: true, changed: "created" });
    const [row] = await responsesOf(me.participantId);
    expect(row).toMatchObject({ employmentStatus: "working_abroad", satisfaction: 4, hardest: ["otp_not_received"] });
    const [event] = await auditsOf("survey.submit", row.id);
    expect(event).toMatchObject({ actorId: me.user.id, actorRole: "participant" });
  });

  it("opens for a participant who withdrew", async () => {
    const me = await createTestParticipant({ stage: "withdrawn" });
    expect(await submitSurvey(me.user, answers(me.participantId, { employmentStatus: "looking" }))).toMatchObject({ ok: true });
  });

  it("keeps one answer per participant: a second submit within 7 days changes it", async () => {
    const me = await createTestParticipant({ stage: "completed" });
    await submitSurvey(me.user, answers(me.participantId));
    const result = await submitSurvey(me.user, answers(me.participantId, { satisfaction: "2", hardest: [], plansAbroad: "no" }));
    expect(result).toMatchObject({ ok: true, changed: "updated" });
    const rows = await responsesOf(me.participantId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ satisfaction: 2, hardest: [], plansAbroad: "no" });
    const [event] = await auditsOf("survey.update", rows[0].id);
    expect(event.before).toMatchObject({ satisfaction: 4 });
    expect(event.after).toMatchObject({ satisfaction: 2 });
  });

  it("is read-only 7 days after the first answer: the change is refused", async () => {
    const me = await createTestParticipant({ stage: "completed" });
    await submitSurvey(me.user, answers(me.participantId));
    const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000);
    await db.update(surveyResponses).set({ submittedAt: eightDaysAgo }).where(eq(surveyResponses.participantId, me.participantId));
    const survey = await getOwnSurvey(me.user);
    expect(survey).toMatchObject({ open: true, editable: false });
    expect(survey?.editableUntil?.getTime()).toBe(eightDaysAgo.getTime() + 7 * 86_400_000);
    const result = await submitSurvey(me.user, answers(me.participantId, { satisfaction: "1" }));
    expect(result).toEqual({ ok: false, fieldErrors: { form: ["survey.closed"] } });
    expect((await responsesOf(me.participantId))[0].satisfaction).toBe(4);
  });

  it("refuses a form naming another participant (404) and writes nothing to theirs", async () => {
    const victim = await createTestParticipant({ stage: "completed" });
    await submitSurvey(victim.user, answers(victim.participantId, { satisfaction: "5" }));
    const other = await createTestParticipant({ stage: "completed" });
    expect(await statusOf(() => submitSurvey(other.user, answers(victim.participantId, { satisfaction: "1" })))).toBe(404);
    expect((await responsesOf(victim.participantId))[0].satisfaction).toBe(5);
    expect(await responsesOf(other.participantId)).toHaveLength(0);
    // A participant reads only their own survey: there is no id to ask for another's.
    expect((await getOwnSurvey(other.user))?.response).toBeNull();
  });

  it("refuses staff: 403", async () => {
    const p = await createTestParticipant({ stage: "completed" });
    for (const role of ["caseworker", "pmo"] as const) {
      const staff = await createTestUser(role);
      expect(await statusOf(() => submitSurvey(staff, answers(p.participantId)))).toBe(403);
      expect(await statusOf(() => getOwnSurvey(staff))).toBe(403);
    }
    expect(await statusOf(async () => getSurveySummary(p.user, { from: "2021-06", to: "2021-07" }))).toBe(403);
    expect(await statusOf(async () => getSurveySummary(await createTestUser("caseworker"), { from: "2021-06", to: "2021-07" }))).toBe(403);
  });
});

// ---------------------------------------------------------------------------------------

async function rows<T>(query: SQL): Promise<T[]> {
  const result = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

describe("getSurveySummary", () => {
  beforeAll(async () => {
    // Participants registered around the period's edges, in two provinces, both statuses
    // and all three sources, in every stage; about two thirds of the eligible ones answered,
    // and one answered before being moved back to LMS.
    const dates = ["2021-05-31T16:59:00Z", "2021-05-31T17:00:00Z", "2021-06-15T03:00:00Z", "2021-07-31T16:30:00Z", "2021-07-31T17:30:00Z"];
    const stages = ["completed", "withdrawn", "completed", "lms", "training"] as const;
    let i = 0;
    for (const at of dates) {
      for (const province of ["35", "52"]) {
        for (const status of ["calon", "mantan"] as const) {
          for (const source of ["self", "assisted", "import"] as const) {
            i++;
            const stage = stages[i % stages.length];
            const [p] = await db
              .insert(participants)
              .values({
                fullName: `Survei ${i}`,
                ...sealedIdentity(makeNik({ birthDate: "1989-02-03", sex: "P", regencyCode: province === "35" ? "3507" : "5201" })),
                birthDate: "1989-02-03",
                sex: "P",
                provinceCode: province,
                migrantStatus: status,
                returnDate: status === "mantan" ? "2021-01-01" : null,
                source,
                stage,
                withdrawnReason: stage === "withdrawn" ? "Berangkat" : null,
                createdAt: new Date(at),
              })
              .returning();
            const eligible = stage === "completed" || stage === "withdrawn";
            const movedBack = stage === "lms" && i % 4 === 0;
            if ((eligible && i % 3 !== 0) || movedBack) {
              await db.insert(surveyResponses).values({
                participantId: p.id,
                employmentStatus: EMPLOYMENT_STATUSES[i % EMPLOYMENT_STATUSES.length],
                trainingHelped: TRAINING_HELPED[i % TRAINING_HELPED.length],
                satisfaction: 1 + (i % 5),
                hardest: i % 4 === 0 ? [] : [HARDEST_CHOICES[i % HARDEST_CHOICES.length], HARDEST_CHOICES[(i + 3) % HARDEST_CHOICES.length]],
                hardestOther: i % 7 === 0 ? `Sulit ${i}` : null,
                plansAbroad: PLANS_ABROAD[i % PLANS_ABROAD.length],
              });
            }
          }
        }
      }
    }
  });

  const filters: DashboardFilter[] = [
    { from: "2021-06", to: "2021-07" },
    { from: "2021-05", to: "2021-08" },
    { from: "2021-06", to: "2021-06", provinceCode: "35" },
    { from: "2021-05", to: "2021-07", migrantStatus: "mantan", source: "import" },
    { from: "2021-08", to: "2021-08", provinceCode: "52", migrantStatus: "calon" },
    { from: "2020-01", to: "2020-02" },
  ];

  it.each(filters)("matches plain SQL for %o", async (f) => {
    const pmo = await createTestUser("pmo");
    const s = await getSurveySummary(pmo, f);

    // Plain SQL, written apart from the implementation: the cohort as a list of ids.
    const end = (() => {
      const [y, m] = f.to.split("-").map(Number);
      return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
    })();
    const cohort = sql`(select id from participants where (created_at at time zone 'Asia/Jakarta')::date >= ${`${f.from}-01`}::date
      and (created_at at time zone 'Asia/Jakarta')::date < ${end}::date
      ${f.provinceCode ? sql`and province_code = ${f.provinceCode}` : sql``}
      ${f.migrantStatus ? sql`and migrant_status = ${f.migrantStatus}` : sql``}
      ${f.source ? sql`and source = ${f.source}` : sql``})`;
    const [{ eligible }] = await rows<{ eligible: number }>(sql`
      select count(*)::int as eligible from participants where id in ${cohort}
        and (stage in ('completed', 'withdrawn') or id in (select participant_id from survey_responses))`);
    const [{ responses }] = await rows<{ responses: number }>(sql`
      select count(*)::int as responses from survey_responses where participant_id in ${cohort}`);
    expect(s.eligible).toBe(eligible);
    expect(s.responses).toBe(responses);
    expect(s.rate).toBe(eligible ? responses / eligible : null);
    expect(s.rate === null || s.rate <= 1).toBe(true);

    const perAnswer = async (column: string, code: string | number) =>
      (
        await rows<{ n: number }>(sql`select count(*)::int as n from survey_responses
          where participant_id in ${cohort} and ${sql.raw(column)}::text = ${String(code)}`)
      )[0].n;
    for (const t of s.employmentStatus) expect(t.count, t.code).toBe(await perAnswer("employment_status", t.code));
    for (const t of s.trainingHelped) expect(t.count, t.code).toBe(await perAnswer("training_helped", t.code));
    for (const t of s.satisfaction) expect(t.count, t.code).toBe(await perAnswer("satisfaction", t.code));
    for (const t of s.plansAbroad) expect(t.count, t.code).toBe(await perAnswer("plans_abroad", t.code));
    for (const t of s.hardest) {
      const [{ n }] = await rows<{ n: number }>(sql`select count(*)::int as n from survey_responses
        where participant_id in ${cohort} and ${t.code} = any(hardest)`);
      expect(t.count, t.code).toBe(n);
    }
    const [{ mean }] = await rows<{ mean: string | null }>(sql`
      select avg(satisfaction) as mean from survey_responses where participant_id in ${cohort}`);
    if (mean === null) expect(s.satisfactionMean).toBeNull();
    else expect(s.satisfactionMean).toBeCloseTo(Number(mean), 9);
    const [{ n: others }] = await rows<{ n: number }>(sql`select count(*)::int as n from survey_responses
      where participant_id in ${cohort} and hardest_other is not null`);
    expect(s.hardestOther).toHaveLength(Math.min(20, others));

    // Every option is listed, answered or not, in the order of the form.
    expect(s.employmentStatus.map((t) => t.code)).toEqual([...EMPLOYMENT_STATUSES]);
    expect(s.hardest.map((t) => t.code)).toEqual([...HARDEST_CHOICES]);
    expect(s.satisfaction.map((t) => t.code)).toEqual(["1", "2", "3", "4", "5"]);
  });

  it("counts some answers in the main period (the test data is not empty)", async () => {
    const s = await getSurveySummary(await createTestUser("pmo"), { from: "2021-06", to: "2021-07" });
    expect(s.responses).toBeGreaterThan(3);
    expect(s.eligible).toBeGreaterThan(s.responses);
  });
});

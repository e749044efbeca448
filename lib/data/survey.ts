import "server-only";
import { eq, sql, type SQL } from "drizzle-orm";
import { db, executeRows } from "@/db";
import {
  EMPLOYMENT_STATUSES,
  PLANS_ABROAD,
  surveyResponses,
  TRAINING_HELPED,
  type Participant,
  type Stage,
} from "@/db/schema";
import { HARDEST_CHOICES, SATISFACTION_SCALE, type SurveyInput } from "@/lib/validation/survey";
import { shiftMonth } from "@/lib/validation/dashboard";
import { recordAudit } from "./audit";
import type { MutationResult } from "./casework";
import { requirePermission, type SessionUser } from "./permissions";
import type { DashboardFilter } from "./programme";
import { provinceScope, requireScope } from "./scope";
import { findOwnParticipant, ownParticipant } from "./self-service";

// The programme's evaluation survey (Survei Evaluasi): one answer per participant, once
// they have completed the programme or withdrawn, changeable for 7 days after sending.

export const SURVEY_EDIT_DAYS = 7;
const DAY_MS = 86_400_000;

export const surveyOpenFor = (p: Pick<Participant, "stage">) => p.stage === "completed" || p.stage === "withdrawn";

export type SurveyAnswers = {
  employmentStatus: string;
  trainingHelped: string;
  satisfaction: number;
  hardest: string[];
  hardestOther: string | null;
  plansAbroad: string;
};

export type OwnSurvey = {
  participantId: string;
  stage: Stage;
  open: boolean;
  response: (SurveyAnswers & { submittedAt: Date; updatedAt: Date }) | null;
  /** Until when the answer may still be changed (null before the first answer). */
  editableUntil: Date | null;
  editable: boolean;
};

/** The participant's own survey: whether it is open, their answer, and until when they may change it. */
export async function getOwnSurvey(viewer: SessionUser, now = new Date()): Promise<OwnSurvey | null> {
  requirePermission(viewer, "read:participant:own");
  const p = await findOwnParticipant(db, viewer);
  if (!p) return null;
  const [row] = await db.select().from(surveyResponses).where(eq(surveyResponses.participantId, p.id));
  const open = surveyOpenFor(p);
  const editableUntil = row ? new Date(row.submittedAt.getTime() + SURVEY_EDIT_DAYS * DAY_MS) : null;
  return {
    participantId: p.id,
    stage: p.stage,
    open,
    response: row
      ? {
          employmentStatus: row.employmentStatus,
          trainingHelped: row.trainingHelped,
          satisfaction: row.satisfaction,
          hardest: row.hardest,
          hardestOther: row.hardestOther,
          plansAbroad: row.plansAbroad,
          submittedAt: row.submittedAt,
          updatedAt: row.updatedAt,
        }
      : null,
    editableUntil,
    editable: open && (!editableUntil || now < editableUntil),
  };
}

export type SubmitSurveyResult = MutationResult & { changed?: "created" | "updated" };

/**
 * Saves the participant's answer: the first one, or a change within 7 days of it. Refused
 * before the participant has completed or withdrawn, and after the 7 days; a form naming
 * another participant answers 404 and writes nothing.
 */
export async function submitSurvey(viewer: SessionUser, input: SurveyInput, now = new Date()): Promise<SubmitSurveyResult> {
  requirePermission(viewer, "create:survey_response:own");
  return db.transaction(async (tx) => {
    // The participant row's lock serialises two submits of the same survey.
    const p = await ownParticipant(tx, viewer, input.participantId, { lock: true });
    if (!surveyOpenFor(p)) return { ok: false, fieldErrors: { form: ["survey.notYet"] } };
    const answers: SurveyAnswers = {
      employmentStatus: input.employmentStatus,
      trainingHelped: input.trainingHelped,
      satisfaction: input.satisfaction,
      hardest: input.hardest,
      hardestOther: input.hardestOther,
      plansAbroad: input.plansAbroad,
    };
    const [earlier] = await tx.select().from(surveyResponses).where(eq(surveyResponses.participantId, p.id));
    if (earlier) {
      if (now.getTime() >= earlier.submittedAt.getTime() + SURVEY_EDIT_DAYS * DAY_MS) {
        return { ok: false, fieldErrors: { form: ["survey.closed"] } };
      }
      await tx.update(surveyResponses).set({ ...answers, updatedAt: now }).where(eq(surveyResponses.id, earlier.id));
      await recordAudit(tx, {
        actor: viewer,
        action: "survey.update",
        entityType: "survey_response",
        entityId: earlier.id,
        before: pickAnswers(earlier),
        after: answers,
      });
      return { ok: true, changed: "updated" };
    }
    const [row] = await tx
      .insert(surveyResponses)
      .values({ participantId: p.id, ...answers, submittedAt: now, updatedAt: now })
      .returning({ id: surveyResponses.id });
    await recordAudit(tx, {
      actor: viewer,
      action: "survey.submit",
      entityType: "survey_response",
      entityId: row.id,
      after: { participantId: p.id, ...answers },
    });
    return { ok: true, changed: "created" };
  });
}

const pickAnswers = (r: SurveyAnswers): SurveyAnswers => ({
  employmentStatus: r.employmentStatus,
  trainingHelped: r.trainingHelped,
  satisfaction: r.satisfaction,
  hardest: r.hardest,
  hardestOther: r.hardestOther,
  plansAbroad: r.plansAbroad,
});

// ---------------------------------------------------------------------------------------
// The PMO dashboard's survey section.
//
// Definitions (shown on the page too), with the dashboard's filter:
// - the participants are those registered in the period (Jakarta months), of the chosen
//   province, migrant status and source, as for the dashboard's funnel;
// - eligible = those who have completed the programme or withdrawn, and anyone who has
//   answered (a participant moved back after answering still counts, so no answer is hidden
//   and the rate never passes 100 %);
// - response rate = answers / eligible; answers per question count those answers.

const JAKARTA_DATE = (column: SQL) => sql`((${column} at time zone 'UTC') + interval '7 hours')::date`;

function cohortCondition(f: DashboardFilter): SQL {
  const parts: SQL[] = [
    sql`${JAKARTA_DATE(sql`p.created_at`)} >= ${`${f.from}-01`}::date`,
    sql`${JAKARTA_DATE(sql`p.created_at`)} < ${`${shiftMonth(f.to, 1)}-01`}::date`,
  ];
  if (f.provinces) parts.push(provinceScope(f.provinces, sql`p.province_code`));
  if (f.provinceCode) parts.push(sql`p.province_code = ${f.provinceCode}`);
  if (f.migrantStatus) parts.push(sql`p.migrant_status = ${f.migrantStatus}`);
  if (f.source) parts.push(sql`p.source = ${f.source}`);
  return sql.join(parts, sql` and `);
}

const rows = <T>(query: SQL) => executeRows<T>(query);

export type Tally = { code: string; count: number }[];

export type SurveySummary = {
  eligible: number;
  responses: number;
  /** responses / eligible, or null with nobody eligible. */
  rate: number | null;
  employmentStatus: Tally;
  trainingHelped: Tally;
  satisfaction: Tally;
  satisfactionMean: number | null;
  hardest: Tally;
  plansAbroad: Tally;
  /** The latest free texts about what was hardest (at most 20). */
  hardestOther: { text: string; submittedAt: Date }[];
};

const tally = (codes: readonly (string | number)[], found: { code: string; n: number }[]): Tally =>
  codes.map((code) => ({ code: String(code), count: found.find((r) => String(r.code) === String(code))?.n ?? 0 }));

/** The survey's figures for the PMO, under the dashboard's filter. */
export async function getSurveySummary(viewer: SessionUser, given: DashboardFilter): Promise<SurveySummary> {
  // The scope is the viewer's own, whatever the filter handed in says.
  const filter = { ...given, provinces: await requireScope(viewer, "read:dashboard:any", "read:dashboard:region") };
  const cohort = cohortCondition(filter);
  const answered = sql`exists (select 1 from survey_responses s0 where s0.participant_id = p.id)`;
  const [head] = await rows<{ eligible: number; responses: number; mean: number | null }>(sql`
    select count(*) filter (where p.stage in ('completed', 'withdrawn') or ${answered})::int as eligible,
           count(s.id)::int as responses,
           avg(s.satisfaction)::float as mean
    from participants p left join survey_responses s on s.participant_id = p.id
    where ${cohort}`);
  const perColumn = (column: "employment_status" | "training_helped" | "satisfaction" | "plans_abroad") =>
    rows<{ code: string; n: number }>(sql`
      select s.${sql.raw(column)}::text as code, count(*)::int as n
      from survey_responses s join participants p on p.id = s.participant_id
      where ${cohort} group by 1`);
  const [employment, helped, satisfaction, plans, hardest, others] = await Promise.all([
    perColumn("employment_status"),
    perColumn("training_helped"),
    perColumn("satisfaction"),
    perColumn("plans_abroad"),
    rows<{ code: string; n: number }>(sql`
      select h.code, count(*)::int as n
      from survey_responses s join participants p on p.id = s.participant_id
      cross join lateral unnest(s.hardest) as h(code)
      where ${cohort} group by 1`),
    rows<{ text: string; submitted_at: Date | string }>(sql`
      select s.hardest_other as text, s.submitted_at
      from survey_responses s join participants p on p.id = s.participant_id
      where ${cohort} and s.hardest_other is not null
      order by s.submitted_at desc limit 20`),
  ]);
  return {
    eligible: head.eligible,
    responses: head.responses,
    rate: head.eligible ? head.responses / head.eligible : null,
    employmentStatus: tally(EMPLOYMENT_STATUSES, employment),
    trainingHelped: tally(TRAINING_HELPED, helped),
    satisfaction: tally(SATISFACTION_SCALE, satisfaction),
    satisfactionMean: head.mean === null ? null : Number(head.mean),
    hardest: tally(HARDEST_CHOICES, hardest),
    plansAbroad: tally(PLANS_ABROAD, plans),
    hardestOther: others.map((o) => ({ text: o.text, submittedAt: new Date(o.submitted_at) })),
  };
}

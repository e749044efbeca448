import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { db, readDb } from "@/db";
import { STAGES, targets, type Stage } from "@/db/schema";
import { todayInJakarta } from "@/lib/validation";
import { monthsBetween, shiftMonth, type DashboardFilterInput, type TargetInput } from "@/lib/validation/dashboard";
import { recordAudit } from "./audit";
import { requirePermission, type SessionUser } from "./permissions";

// The PMO dashboard. Every figure is one SQL aggregate over the filtered participants;
// lib/data/programme.test.ts recomputes each with independent plain SQL.
//
// Definitions (also shown on the page):
// - the period is whole months, in Jakarta time (UTC+7, no daylight saving);
// - "registered" = participants whose registration date falls in the period;
// - "services delivered" = logged services dated in the period, a corrected record
//   replaced by its correction (so a correction does not count twice);
// - the funnel, provinces and countries describe the participants registered in the period;
// - targets are programme-wide: a province or status filter does not split them.

export type DashboardFilter = {
  from: string;
  to: string;
  provinceCode?: string;
  migrantStatus?: "calon" | "mantan";
  source?: "self" | "assisted" | "import";
  cohort?: string;
};

const JAKARTA_DATE = (column: SQL) => sql`((${column} at time zone 'UTC') + interval '7 hours')::date`;

function monthRange(f: DashboardFilter) {
  const start = `${f.from}-01`;
  const end = `${shiftMonth(f.to, 1)}-01`; // exclusive
  return { start, end };
}

/** Participant conditions of the filter (province, migrant status, source, cohort), for alias p. */
function participantScope(f: DashboardFilter): SQL {
  const parts: SQL[] = [sql`true`];
  if (f.provinceCode) parts.push(sql`p.province_code = ${f.provinceCode}`);
  if (f.migrantStatus) parts.push(sql`p.migrant_status = ${f.migrantStatus}`);
  if (f.source) parts.push(sql`p.source = ${f.source}`);
  if (f.cohort) parts.push(sql`p.cohort = ${f.cohort}`);
  return sql.join(parts, sql` and `);
}

function registeredIn(f: DashboardFilter): SQL {
  const { start, end } = monthRange(f);
  return sql`${JAKARTA_DATE(sql`p.created_at`)} >= ${start}::date and ${JAKARTA_DATE(sql`p.created_at`)} < ${end}::date`;
}

const IN_FORCE = sql`not exists (select 1 from service_logs c where c.corrects_id = l.id)`;

async function rows<T>(query: SQL): Promise<T[]> {
  // The dashboard reads from a replica when there is one (db/index.ts).
  const result = await readDb.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * The default period: the six months up to the latest month with any activity
 * (registrations, services, targets), not starting before the first one.
 */
export async function defaultPeriod(): Promise<{ from: string; to: string }> {
  const [span] = await rows<{ first: string | null; last: string | null }>(sql`
    select min(m) as first, max(m) as last from (
      select to_char(${JAKARTA_DATE(sql`created_at`)}, 'YYYY-MM') as m from participants
      union all select to_char(occurred_on, 'YYYY-MM') from service_logs
      union all select month from targets
    ) months`);
  const to = span?.last ?? todayInJakarta().slice(0, 7);
  const first = span?.first ?? to;
  const from = shiftMonth(to, -5) < first ? first : shiftMonth(to, -5);
  return { from, to };
}

/** The filter with its period filled in: what the user chose, else the default period. */
export async function resolveDashboardFilter(input: DashboardFilterInput): Promise<DashboardFilter> {
  const fallback = input.from && input.to ? null : await defaultPeriod();
  const f: DashboardFilter = {
    from: input.from ?? (input.to && input.to < fallback!.from ? input.to : fallback!.from),
    to: input.to ?? fallback!.to,
    provinceCode: input.provinceCode,
    migrantStatus: input.migrantStatus,
    source: input.source,
    cohort: input.cohort,
  };
  if (f.from > f.to) f.from = f.to;
  return f;
}

export type Dashboard = Awaited<ReturnType<typeof getDashboard>>;

export async function getDashboard(viewer: SessionUser, input: DashboardFilterInput) {
  requirePermission(viewer, "read:dashboard:any");
  const f = await resolveDashboardFilter(input);
  const months = monthsBetween(f.from, f.to);
  const { start, end } = monthRange(f);
  const scope = participantScope(f);
  const cohort = sql`${scope} and ${registeredIn(f)}`;
  const thisMonth = f.to;

  const [headline] = await rows<{ registered: number; calon: number; mantan: number }>(sql`
    select count(*)::int as registered,
           count(*) filter (where p.migrant_status = 'calon')::int as calon,
           count(*) filter (where p.migrant_status = 'mantan')::int as mantan
    from participants p where ${cohort}`);

  const perMonthRows = await rows<{ month: string; services: number }>(sql`
    select to_char(l.occurred_on, 'YYYY-MM') as month, count(*)::int as services
    from service_logs l join participants p on p.id = l.participant_id
    where ${scope} and l.occurred_on >= ${start}::date and l.occurred_on < ${end}::date and ${IN_FORCE}
    group by 1`);
  const targetRows = await readDb
    .select({ month: targets.month, count: targets.count })
    .from(targets)
    .where(sql`${targets.month} >= ${f.from} and ${targets.month} <= ${f.to}`);
  const perMonth = months.map((month) => ({
    month,
    services: perMonthRows.find((r) => r.month === month)?.services ?? 0,
    target: targetRows.find((r) => r.month === month)?.count ?? null,
  }));
  const servicesDelivered = perMonth.reduce((sum, m) => sum + m.services, 0);
  const targetTotal = targetRows.reduce((sum, t) => sum + t.count, 0);

  // Reached = the participant has been in that stage at some time (a stage change into
  // it, or the record's current stage), so moving back does not un-count a stage.
  const reachedRows = await rows<{ stage: Stage; n: number }>(sql`
    select s.stage, count(distinct p.id)::int as n
    from participants p
    join lateral (
      select sc.to_stage as stage from stage_changes sc where sc.participant_id = p.id
      union select p.stage
    ) s on true
    where ${cohort}
    group by s.stage`);
  const currentRows = await rows<{ stage: Stage; n: number }>(sql`
    select p.stage, count(*)::int as n from participants p where ${cohort} group by p.stage`);
  // Days in a stage: from the change into it to the next change, for finished spells.
  const medianRows = await rows<{ stage: Stage; median_days: number | null; spells: number }>(sql`
    select stage, percentile_cont(0.5) within group (order by days)::float as median_days, count(*)::int as spells
    from (
      select sc.to_stage as stage,
             extract(epoch from (lead(sc.created_at) over w - sc.created_at)) / 86400.0 as days
      from stage_changes sc join participants p on p.id = sc.participant_id
      where ${cohort}
      window w as (partition by sc.participant_id order by sc.created_at, sc.id)
    ) spells
    where days is not null
    group by stage`);
  const journey: Stage[] = ["registration", "training", "lms", "completed"];
  const reached = (s: Stage) => reachedRows.find((r) => r.stage === s)?.n ?? 0;
  const funnel = journey.map((stage, i) => ({
    stage,
    reached: reached(stage),
    current: currentRows.find((r) => r.stage === stage)?.n ?? 0,
    conversion: i === 0 ? null : reached(journey[i - 1]) === 0 ? null : reached(stage) / reached(journey[i - 1]),
    medianDays: medianRows.find((r) => r.stage === stage)?.median_days ?? null,
  }));
  const withdrawn = currentRows.find((r) => r.stage === "withdrawn")?.n ?? 0;

  const blockers = await rows<{ code: string; name_id: string; name_en: string; n: number }>(sql`
    select b.code, b.name_id, b.name_en, count(*)::int as n
    from service_logs l join participants p on p.id = l.participant_id join blockers b on b.code = l.blocker_code
    where ${scope} and l.outcome = 'blocked' and l.occurred_on >= ${start}::date and l.occurred_on < ${end}::date and ${IN_FORCE}
    group by b.code, b.name_id, b.name_en, b.sort_order
    order by n desc, b.sort_order`);

  const byProvince = await rows<{ code: string; n: number }>(sql`
    select p.province_code as code, count(*)::int as n from participants p where ${cohort}
    group by 1 order by n desc, code limit 10`);
  const byCountry = await rows<{ code: string; n: number }>(sql`
    select p.country_code as code, count(*)::int as n from participants p where ${cohort} and p.country_code is not null
    group by 1 order by n desc, code limit 10`);

  const today = todayInJakarta();
  const caseworkers = await rows<{ id: string; name: string; disabled: boolean; caseload: number; services: number; overdue: number }>(sql`
    select u.id, u.name, u.disabled_at is not null as disabled,
      (select count(*)::int from participants p where p.caseworker_id = u.id and ${scope}) as caseload,
      (select count(*)::int from service_logs l join participants p on p.id = l.participant_id
        where l.caseworker_id = u.id and ${scope} and ${IN_FORCE}
          and l.occurred_on >= ${`${thisMonth}-01`}::date and l.occurred_on < ${`${shiftMonth(thisMonth, 1)}-01`}::date) as services,
      (select count(*)::int from participants p where p.caseworker_id = u.id and ${scope}
          and p.next_follow_up_on < ${today}::date and p.stage not in ('completed', 'withdrawn')) as overdue
    from users u where u.role = 'caseworker'
    order by u.name`);

  return {
    filter: f,
    months,
    headline: {
      registered: headline.registered,
      calon: headline.calon,
      mantan: headline.mantan,
      servicesDelivered,
      targetTotal,
    },
    perMonth,
    funnel,
    withdrawn,
    blockers: blockers.map((b) => ({ code: b.code, nameId: b.name_id, nameEn: b.name_en, count: b.n })),
    byProvince,
    byCountry,
    caseworkers,
    thisMonth,
  };
}

export const DASHBOARD_STAGES = STAGES;

/** Sets (or changes) the programme-wide target of one month. */
export async function setTarget(viewer: SessionUser, input: TargetInput): Promise<void> {
  requirePermission(viewer, "update:target:any");
  await db.transaction(async (tx) => {
    const [before] = await tx.select().from(targets).where(sql`${targets.month} = ${input.month}`).for("update");
    await tx
      .insert(targets)
      .values({ month: input.month, count: input.count, setBy: viewer.id, updatedAt: new Date() })
      .onConflictDoUpdate({ target: targets.month, set: { count: input.count, setBy: viewer.id, updatedAt: new Date() } });
    await recordAudit(tx, {
      actor: viewer,
      action: "target.set",
      entityType: "target",
      entityId: input.month,
      before: before ? { count: before.count } : null,
      after: { count: input.count },
    });
  });
}

/** Programme-wide counts (kept for the summary line of the PMO pages). */
export async function getProgrammeSummary(viewer: SessionUser) {
  requirePermission(viewer, "read:dashboard:any");
  const [row] = await rows<{ participants: number; services: number }>(sql`
    select (select count(*)::int from participants) as participants,
           (select count(*)::int from service_logs l where ${IN_FORCE}) as services`);
  const stageRows = await rows<{ stage: Stage; n: number }>(sql`select stage, count(*)::int as n from participants group by stage`);
  const byStage = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  for (const r of stageRows) byStage[r.stage] = r.n;
  return { participants: row.participants, services: row.services, byStage };
}

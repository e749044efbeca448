// The questions `npm run bench` times through the data layer, answered again by the
// fastest plain SQL written for the current schema (no new index, no new table): what
// the database needs at the least, so that the ratio shows what the data layer's query
// shapes cost. The dashboard's answer is compared with getDashboard's, the weekly
// registrations' with getWeeklyRegistrations', the comparisons' with getComparisons'.
import type { Sql } from "postgres";
import { monthsBetween, shiftMonth } from "@/lib/validation/dashboard";

export type DashboardInput = {
  from?: string;
  to?: string;
  provinceCode?: string;
  migrantStatus?: "calon" | "mantan";
  source?: "self" | "assisted" | "import";
  cohort?: string;
  // A regional coordinator's provinces (the dashboard of their regions); absent: everywhere.
  provinces?: string[];
};

const JOURNEY = ["registration", "training", "lms", "completed"] as const;

/** The period asked for, or the default one (the six months up to the latest activity). */
async function plainPeriod(sql: Sql, input: DashboardInput, today: string): Promise<{ from: string; to: string }> {
  let { from, to } = input;
  if (!from || !to) {
    const [span] = await sql<{ first: string | null; last: string | null }[]>`
      select least(
               (select to_char(((min(created_at) at time zone 'UTC') + interval '7 hours')::date, 'YYYY-MM') from participants),
               (select to_char(min(occurred_on), 'YYYY-MM') from service_logs),
               (select min(month) from targets)) as first,
             greatest(
               (select to_char(((max(created_at) at time zone 'UTC') + interval '7 hours')::date, 'YYYY-MM') from participants),
               (select to_char(max(occurred_on), 'YYYY-MM') from service_logs),
               (select max(month) from targets)) as last`;
    const last = span.last ?? today.slice(0, 7);
    const first = span.first ?? last;
    const fallback = { from: shiftMonth(last, -5) < first ? first : shiftMonth(last, -5), to: last };
    from = from ?? (to && to < fallback.from ? to : fallback.from);
    to = to ?? fallback.to;
  }
  if (from > to) from = to;
  return { from, to };
}

/**
 * The dashboard in three statements. What differs from lib/data/programme.ts:
 * - the default period from min/max (index-only scans) instead of every row's month;
 * - the registration period as a range on created_at (sargable: the index can be used)
 *   instead of a Jakarta date computed for every row;
 * - the cohort read once (a materialised CTE) for headline, stages, provinces, countries,
 *   the funnel and the medians;
 * - the period's logs read once for months, blockers and each caseworker's month, the
 *   corrected records as a hashed list (`not in`) instead of a probe per log; no join to
 *   participants when nothing filters participants;
 * - each caseworker's caseload and overdue follow-ups in one grouped pass instead of two
 *   subqueries per caseworker;
 * - each caseworker's forward stage moves and their median days from the stage changes of
 *   the participants with a change in the period (a window over each one's history), not
 *   from a counter; open help requests joined to their participants.
 */
export async function dashboardSql(sql: Sql, input: DashboardInput, today: string) {
  const { from, to } = await plainPeriod(sql, input, today);
  const start = `${from}-01`;
  const end = `${shiftMonth(to, 1)}-01`;
  const startTs = `${start} 00:00:00+07`;
  const endTs = `${end} 00:00:00+07`;
  const thisMonth = to;
  const monthStart = `${thisMonth}-01`;
  const monthEnd = `${shiftMonth(thisMonth, 1)}-01`;
  const filtered = Boolean(input.provinceCode || input.migrantStatus || input.source || input.cohort || input.provinces);
  const scope = sql`${input.provinceCode ? sql`and p.province_code = ${input.provinceCode}` : sql``}
    ${input.provinces ? sql`and p.province_code = any(${input.provinces})` : sql``}
    ${input.migrantStatus ? sql`and p.migrant_status = ${input.migrantStatus}` : sql``}
    ${input.source ? sql`and p.source = ${input.source}` : sql``}
    ${input.cohort ? sql`and p.cohort = ${input.cohort}` : sql``}`;

  const [cohort] = await sql<
    {
      headline: { registered: number; calon: number; mantan: number };
      current: { stage: string; n: number }[] | null;
      reached: { stage: string; n: number }[] | null;
      medians: { stage: string; median_days: number; spells: number }[] | null;
      provinces: { code: string; n: number }[] | null;
      countries: { code: string; n: number }[] | null;
    }[]
  >`
    with c as materialized (
      select p.id, p.stage, p.province_code, p.country_code, p.migrant_status
      from participants p where p.created_at >= ${startTs}::timestamptz and p.created_at < ${endTs}::timestamptz ${scope}
    ),
    sc as materialized (
      select s.participant_id, s.to_stage, s.created_at, s.id from stage_changes s join c on c.id = s.participant_id
    )
    select
      (select json_build_object('registered', count(*), 'calon', count(*) filter (where migrant_status = 'calon'),
                                'mantan', count(*) filter (where migrant_status = 'mantan')) from c) as headline,
      (select json_agg(x) from (select stage, count(*)::int as n from c group by 1) x) as current,
      (select json_agg(x) from (
         select stage, count(*)::int as n from (select participant_id, to_stage as stage from sc union select id, stage from c) u group by 1
       ) x) as reached,
      (select json_agg(x) from (
         select stage, percentile_cont(0.5) within group (order by days)::float as median_days, count(*)::int as spells
         from (select to_stage as stage,
                      (lead(created_at) over (partition by participant_id order by created_at, id) at time zone 'Asia/Jakarta')::date - (created_at at time zone 'Asia/Jakarta')::date as days
               from sc) s
         where days is not null group by 1
       ) x) as medians,
      (select json_agg(x) from (select province_code as code, count(*)::int as n from c group by 1 order by n desc, code limit 10) x) as provinces,
      (select json_agg(x) from (
         select country_code as code, count(*)::int as n from c where country_code is not null group by 1 order by n desc, code limit 10
       ) x) as countries`;

  const [logs] = await sql<
    {
      months: { month: string; services: number }[] | null;
      blockers: { code: string; name_id: string; name_en: string; n: number }[] | null;
      per_caseworker: { caseworker_id: string; n: number }[] | null;
      per_caseworker_period: { caseworker_id: string; n: number }[] | null;
    }[]
  >`
    with l as materialized (
      select l.occurred_on, l.outcome, l.blocker_code, l.caseworker_id
      from service_logs l ${filtered ? sql`join participants p on p.id = l.participant_id ${scope}` : sql``}
      where l.occurred_on >= ${start}::date and l.occurred_on < ${end}::date
        and l.id not in (select corrects_id from service_logs where corrects_id is not null)
    )
    select
      (select json_agg(x) from (select to_char(occurred_on, 'YYYY-MM') as month, count(*)::int as services from l group by 1) x) as months,
      (select json_agg(x) from (
         select b.code, b.name_id, b.name_en, count(*)::int as n from l join blockers b on b.code = l.blocker_code
         where l.outcome = 'blocked' group by b.code, b.name_id, b.name_en, b.sort_order order by n desc, b.sort_order
       ) x) as blockers,
      (select json_agg(x) from (
         select caseworker_id, count(*)::int as n from l where occurred_on >= ${monthStart}::date and occurred_on < ${monthEnd}::date group by 1
       ) x) as per_caseworker,
      (select json_agg(x) from (select caseworker_id, count(*)::int as n from l group by 1) x) as per_caseworker_period`;

  const caseworkers = await sql<{ id: string; name: string; disabled: boolean; caseload: number; overdue: number }[]>`
    select u.id, u.name, u.disabled_at is not null as disabled, coalesce(a.caseload, 0)::int as caseload, coalesce(a.overdue, 0)::int as overdue
    from users u left join (
      select p.caseworker_id, count(*) as caseload,
             count(*) filter (where p.next_follow_up_on < ${today}::date and p.stage not in ('completed', 'withdrawn')) as overdue
      from participants p where p.caseworker_id is not null ${scope} group by 1
    ) a on a.caseworker_id = u.id
    where u.role = 'caseworker' ${input.provinces ? sql`and u.province_code = any(${input.provinces})` : sql``} order by u.name`;
  // Each caseworker's forward stage moves in the period, with the Jakarta days since the
  // participant's change before (or registration), over every change of the participants
  // who have one in the period; and the open help requests of each caseload.
  const moves = await sql<{ caseworker_id: string; moves: number; median_days: number }[]>`
    with m as (
      select s.changed_by, s.from_stage, s.to_stage, s.created_at,
             (s.created_at at time zone 'Asia/Jakarta')::date - (coalesce(
               lag(s.created_at) over (partition by s.participant_id order by s.created_at, s.id), p.created_at) at time zone 'Asia/Jakarta')::date as days
      from stage_changes s join participants p on p.id = s.participant_id ${scope}
      where s.participant_id in (select participant_id from stage_changes where created_at >= ${startTs}::timestamptz and created_at < ${endTs}::timestamptz)
    )
    select changed_by as caseworker_id, count(*)::int as moves, percentile_cont(0.5) within group (order by days)::float as median_days
    from m
    where created_at >= ${startTs}::timestamptz and created_at < ${endTs}::timestamptz and changed_by is not null
      and array_position(${JOURNEY as unknown as string[]}::text[], to_stage) > array_position(${JOURNEY as unknown as string[]}::text[], from_stage)
    group by 1`;
  const help = await sql<{ caseworker_id: string; n: number }[]>`
    select p.caseworker_id, count(*)::int as n from help_requests h join participants p on p.id = h.participant_id
    where h.status = 'open' and p.caseworker_id is not null ${scope} group by 1`;
  const targets = await sql<{ month: string; count: number }[]>`select month, count from targets where month >= ${from} and month <= ${to}`;

  const months = monthsBetween(from, to);
  const perMonth = months.map((month) => ({
    month,
    services: logs.months?.find((r) => r.month === month)?.services ?? 0,
    target: targets.find((t) => t.month === month)?.count ?? null,
  }));
  const reached = (s: string) => cohort.reached?.find((r) => r.stage === s)?.n ?? 0;
  const servicesThisMonth = new Map((logs.per_caseworker ?? []).map((r) => [r.caseworker_id, r.n]));
  const servicesInPeriod = new Map((logs.per_caseworker_period ?? []).map((r) => [r.caseworker_id, r.n]));
  const movesOf = new Map(moves.map((r) => [r.caseworker_id, r]));
  const helpOf = new Map(help.map((r) => [r.caseworker_id, r.n]));
  return {
    filter: { from, to },
    headline: {
      ...cohort.headline,
      servicesDelivered: perMonth.reduce((sum, m) => sum + m.services, 0),
      targetTotal: targets.reduce((sum, t) => sum + t.count, 0),
    },
    perMonth,
    funnel: JOURNEY.map((stage, i) => ({
      stage,
      reached: reached(stage),
      current: cohort.current?.find((r) => r.stage === stage)?.n ?? 0,
      conversion: i === 0 ? null : reached(JOURNEY[i - 1]) === 0 ? null : reached(stage) / reached(JOURNEY[i - 1]),
      medianDays: cohort.medians?.find((r) => r.stage === stage)?.median_days ?? null,
    })),
    withdrawn: cohort.current?.find((r) => r.stage === "withdrawn")?.n ?? 0,
    blockers: (logs.blockers ?? []).map((b) => ({ code: b.code, nameId: b.name_id, nameEn: b.name_en, count: b.n })),
    byProvince: cohort.provinces ?? [],
    byCountry: cohort.countries ?? [],
    caseworkers: caseworkers.map((c) => ({
      ...c,
      services: servicesThisMonth.get(c.id) ?? 0,
      servicesInPeriod: servicesInPeriod.get(c.id) ?? 0,
      moves: movesOf.get(c.id)?.moves ?? 0,
      medianDays: movesOf.get(c.id)?.median_days ?? null,
      openHelp: helpOf.get(c.id) ?? 0,
    })),
  };
}

/**
 * Registrations per week by migrant status (lib/data/trends.ts getWeeklyRegistrations):
 * the period's participants by a range on created_at, grouped by the Monday of their
 * Jakarta-time week. Every week of the period is listed, as the app lists them.
 */
export async function weeklySql(sql: Sql, input: DashboardInput, today: string) {
  const { from, to } = await plainPeriod(sql, input, today);
  const start = `${from}-01`;
  const end = `${shiftMonth(to, 1)}-01`;
  const found = await sql<{ week: string; calon: number; mantan: number }[]>`
    select to_char(date_trunc('week', (p.created_at at time zone 'UTC') + interval '7 hours'), 'YYYY-MM-DD') as week,
           count(*) filter (where p.migrant_status = 'calon')::int as calon,
           count(*) filter (where p.migrant_status = 'mantan')::int as mantan
    from participants p
    where p.created_at >= ${`${start} 00:00:00+07`}::timestamptz and p.created_at < ${`${end} 00:00:00+07`}::timestamptz
      ${input.provinceCode ? sql`and p.province_code = ${input.provinceCode}` : sql``}
      ${input.provinces ? sql`and p.province_code = any(${input.provinces})` : sql``}
      ${input.migrantStatus ? sql`and p.migrant_status = ${input.migrantStatus}` : sql``}
      ${input.source ? sql`and p.source = ${input.source}` : sql``}
      ${input.cohort ? sql`and p.cohort = ${input.cohort}` : sql``}
    group by 1`;
  const byWeek = new Map(found.map((r) => [r.week, r]));
  const day = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  const last = day(end, -1);
  const weeks: { week: string; calon: number; mantan: number }[] = [];
  for (let week = day(start, -((new Date(`${start}T00:00:00Z`).getUTCDay() + 6) % 7)); week <= last; week = day(week, 7)) {
    weeks.push({ week, calon: byWeek.get(week)?.calon ?? 0, mantan: byWeek.get(week)?.mantan ?? 0 });
  }
  return { filter: { from, to }, weeks };
}

type ComparisonFigures = {
  key: string;
  registered: number;
  reached: Record<"training" | "lms" | "completed", number>;
  medianDays: Record<(typeof JOURNEY)[number], number | null>;
  services: number;
  blocked: number;
  topBlockers: { code: string; count: number }[];
};

/**
 * The dashboard's comparisons (lib/data/comparisons.ts getComparisons) from the raw rows:
 * the period's participants (a range on created_at) each put in the groups it belongs to
 * (its status, its source, its cohort, and "everyone else" of every other listed cohort,
 * each comparison under the other dimensions' filters), then counted, their stage changes'
 * spells' medians by percentile_cont; the period's services in force likewise, by the
 * participant's groups whenever they registered.
 */
export async function comparisonsSql(sql: Sql, input: DashboardInput, today: string) {
  const { from, to } = await plainPeriod(sql, input, today);
  const start = `${from}-01`;
  const end = `${shiftMonth(to, 1)}-01`;
  const startTs = `${start} 00:00:00+07`;
  const endTs = `${end} 00:00:00+07`;
  const statusOk = input.migrantStatus ? sql`migrant_status = ${input.migrantStatus}` : sql`true`;
  const sourceOk = input.source ? sql`source = ${input.source}` : sql`true`;
  const cohortOk = input.cohort ? sql`cohort = ${input.cohort}` : sql`true`;
  const province = sql`${input.provinceCode ? sql`and p.province_code = ${input.provinceCode}` : sql``}
    ${input.provinces ? sql`and p.province_code = any(${input.provinces})` : sql``}`;
  const groups = (table: string) => sql`
      select id, 'status' as cmp, migrant_status as grp from ${sql(table)} where ${sourceOk} and ${cohortOk}
      union all select id, 'source', source from ${sql(table)} where ${statusOk} and ${cohortOk}
      union all select x.id, 'cohort', x.cohort from ${sql(table)} x join listed on listed.cohort = x.cohort where ${statusOk} and ${sourceOk}
      union all select x.id, 'others', listed.cohort from ${sql(table)} x join listed on listed.cohort <> x.cohort where ${statusOk} and ${sourceOk}`;

  type Row = { cmp: string; grp: string; stage?: string; code?: string | null; sort_order?: number; n: number; median?: number };
  const [cohort] = await sql<{ listed: { cohort: string; n: number }[] | null; registered: Row[] | null; reached: Row[] | null; medians: Row[] | null }[]>`
    with c as materialized (
      select p.id, p.stage, p.migrant_status, p.source, coalesce(p.cohort, '') as cohort from participants p
      where p.created_at >= ${startTs}::timestamptz and p.created_at < ${endTs}::timestamptz ${province}
    ),
    listed as materialized (
      select cohort, count(*)::int as n from c where cohort <> '' and ${statusOk} and ${sourceOk} and ${cohortOk} group by 1
    ),
    g as materialized (${groups("c")}),
    sc as materialized (select s.participant_id, s.to_stage, s.created_at, s.id from stage_changes s join c on c.id = s.participant_id),
    reached as (select participant_id, to_stage as stage from sc union select id, stage from c),
    spells as (
      select participant_id, stage, days from (
        select participant_id, to_stage as stage,
               (lead(created_at) over (partition by participant_id order by created_at, id) at time zone 'Asia/Jakarta')::date - (created_at at time zone 'Asia/Jakarta')::date as days
        from sc) s
      where days is not null
    )
    select
      (select json_agg(listed) from listed) as listed,
      (select json_agg(x) from (select cmp, grp, count(*)::int as n from g group by 1, 2) x) as registered,
      (select json_agg(x) from (
         select g.cmp, g.grp, r.stage, count(*)::int as n from g join reached r on r.participant_id = g.id
         where r.stage in ('training', 'lms', 'completed') group by 1, 2, 3) x) as reached,
      (select json_agg(x) from (
         select g.cmp, g.grp, s.stage, percentile_cont(0.5) within group (order by s.days)::float as median, count(*)::int as n
         from g join spells s on s.participant_id = g.id group by 1, 2, 3) x) as medians`;

  const listed = (cohort.listed ?? []).sort((a, b) => b.n - a.n || (a.cohort < b.cohort ? -1 : a.cohort > b.cohort ? 1 : 0));
  const [logs] = await sql<{ services: Row[] | null }[]>`
    with l as materialized (
      select l.id, l.blocker_code, p.migrant_status, p.source, coalesce(p.cohort, '') as cohort
      from service_logs l join participants p on p.id = l.participant_id ${province}
      where l.occurred_on >= ${start}::date and l.occurred_on < ${end}::date
        and l.id not in (select corrects_id from service_logs where corrects_id is not null)
    ),
    listed as (select unnest(${listed.map((x) => x.cohort)}::text[]) as cohort),
    g as materialized (${groups("l")})
    select json_agg(x) as services from (
      select g.cmp, g.grp, l.blocker_code as code, b.sort_order, count(*)::int as n
      from g join l on l.id = g.id left join blockers b on b.code = l.blocker_code group by 1, 2, 3, 4
    ) x`;

  const of = (list: Row[] | null, cmp: string, grp: string) => (list ?? []).filter((r) => r.cmp === cmp && r.grp === grp);
  const figures = (cmp: string, grp: string, key: string): ComparisonFigures => {
    const reached = of(cohort.reached, cmp, grp);
    const medians = of(cohort.medians, cmp, grp);
    const services = of(logs.services, cmp, grp);
    const blockers = services.filter((r) => r.code !== null).sort((a, b) => b.n - a.n || a.sort_order! - b.sort_order!);
    return {
      key,
      registered: of(cohort.registered, cmp, grp)[0]?.n ?? 0,
      reached: {
        training: reached.find((r) => r.stage === "training")?.n ?? 0,
        lms: reached.find((r) => r.stage === "lms")?.n ?? 0,
        completed: reached.find((r) => r.stage === "completed")?.n ?? 0,
      },
      medianDays: Object.fromEntries(JOURNEY.map((s) => [s, medians.find((r) => r.stage === s)?.median ?? null])) as ComparisonFigures["medianDays"],
      services: services.reduce((sum, r) => sum + r.n, 0),
      blocked: blockers.reduce((sum, r) => sum + r.n, 0),
      topBlockers: blockers.slice(0, 3).map((r) => ({ code: r.code!, count: r.n })),
    };
  };
  return {
    filter: { from, to },
    status: ["calon", "mantan"].map((s) => figures("status", s, s)),
    source: ["self", "assisted", "import"].map((s) => figures("source", s, s)),
    cohorts: listed.map(({ cohort: name }) => ({ cohort: name, members: figures("cohort", name, name), others: figures("others", name, "others") })),
  };
}

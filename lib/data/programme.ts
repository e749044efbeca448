import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { forbidden } from "next/navigation";
import { db, executeRows, readDb } from "@/db";
import { STAGES, targets, type Stage } from "@/db/schema";
import { todayInJakarta } from "@/lib/validation";
import { monthsBetween, shiftMonth, type DashboardFilterInput, type TargetInput } from "@/lib/validation/dashboard";
import { histogramMedian } from "@/lib/median";
import { recordAudit } from "./audit";
import { requirePermission, type SessionUser } from "./permissions";
import { provinceScope, requireScope, type ProvinceScope } from "./scope";
import { hasApiScope, type ApiClientActor } from "./api-actor";

// The PMO dashboard. Every figure is read from the aggregate tables (dash_*, db/schema.ts),
// which triggers keep in step with participants, stage_changes and service_logs in the
// transaction of every write (db/migrations/0006, docs/decisions/013). A read sums a few
// thousand counter rows instead of scanning millions of records, and stays exact:
// lib/data/programme.test.ts recomputes each figure with independent plain SQL over the
// raw rows, and lib/data/dashboard-aggregates.test.ts compares the counters with a full count.
//
// Definitions (also shown on the page):
// - the period is whole months, in Jakarta time (UTC+7, no daylight saving);
// - "registered" = participants whose registration date falls in the period;
// - "services delivered" = logged services dated in the period, a corrected record
//   replaced by its correction (so a correction does not count twice);
// - the funnel, provinces and countries describe the participants registered in the period;
// - days in a stage are whole calendar days in Jakarta, from the change into the stage
//   to the next change (finished spells only);
// - targets are programme-wide: a province or status filter does not split them;
// - a caseworker's "stage moves" are the forward moves (registration → training → lms →
//   completed) they recorded in the period, counted per move (a participant moved twice
//   counts twice), with the median days the participant had been in the stage left;
// - a caseworker's open help requests are those of the participants assigned to them now.

export type DashboardFilter = {
  from: string;
  to: string;
  provinceCode?: string;
  migrantStatus?: "calon" | "mantan";
  source?: "self" | "assisted" | "import";
  cohort?: string;
  /**
   * The viewer's scope (lib/data/scope.ts): null or absent, every province; a list, only
   * those (a regional coordinator's). Set by dashboardFilterFor, never from the query.
   */
  provinces?: ProvinceScope;
};

function monthRange(f: DashboardFilter) {
  const start = `${f.from}-01`;
  const end = `${shiftMonth(f.to, 1)}-01`; // exclusive
  return { start, end };
}

/**
 * The filter's dimensions (province, migrant status, source, cohort) on a counter table's
 * alias (migration 0006): the dashboard's and the PMO list's totals both filter by it.
 */
export function counterDims(f: Pick<DashboardFilter, "provinceCode" | "migrantStatus" | "source" | "cohort" | "provinces">, alias: string): SQL {
  const a = sql.raw(alias);
  const parts: SQL[] = [sql`true`];
  if (f.provinces) parts.push(provinceScope(f.provinces, sql`${a}.province_code`));
  if (f.provinceCode) parts.push(sql`${a}.province_code = ${f.provinceCode}`);
  if (f.migrantStatus) parts.push(sql`${a}.migrant_status = ${f.migrantStatus}`);
  if (f.source) parts.push(sql`${a}.source = ${f.source}`);
  if (f.cohort) parts.push(sql`${a}.cohort = ${f.cohort}`);
  return sql.join(parts, sql` and `);
}

/** The filter on an aggregate table keyed by month: its dimensions and the period. */
function inPeriod(f: DashboardFilter, alias: string): SQL {
  const { start, end } = monthRange(f);
  const a = sql.raw(alias);
  return sql`${a}.month >= ${start}::date and ${a}.month < ${end}::date and ${counterDims(f, alias)}`;
}

// The dashboard reads from a replica when there is one (db/index.ts).
const rows = <T>(query: SQL) => executeRows<T>(query, readDb);

/**
 * The default period: the six months up to the latest month with any activity
 * (registrations, services in force, targets), not starting before the first one.
 * Without targets (`{ targets: false }`): the latest six months that hold registrations or
 * services, or null when there are none; a target set for months ahead can make the
 * default period one without data, and the dashboard then links to this one.
 */
export async function defaultPeriod(): Promise<{ from: string; to: string }>;
export async function defaultPeriod(options: { targets: false }): Promise<{ from: string; to: string } | null>;
export async function defaultPeriod({ targets: withTargets = true }: { targets?: boolean } = {}) {
  const [span] = await rows<{ first: string | null; last: string | null }>(sql`
    select min(m) as first, max(m) as last from (
      select to_char(min(month), 'YYYY-MM') as m from dash_cohort where n > 0
      union all select to_char(max(month), 'YYYY-MM') from dash_cohort where n > 0
      union all select to_char(min(month), 'YYYY-MM') from dash_services where n > 0
      union all select to_char(max(month), 'YYYY-MM') from dash_services where n > 0
      ${withTargets ? sql`union all select min(month) from targets union all select max(month) from targets` : sql``}
    ) months`);
  if (!withTargets && !span?.last) return null;
  const to = span?.last ?? todayInJakarta().slice(0, 7);
  const first = span?.first ?? to;
  const from = shiftMonth(to, -5) < first ? first : shiftMonth(to, -5);
  return { from, to };
}

/**
 * The dashboard's filter for a viewer: 403 unless they may read the dashboard everywhere
 * (the PMO) or in their regions (a coordinator, whose filter then carries their provinces),
 * with the period filled in. Every reader of the dashboard's figures starts here.
 */
export async function dashboardFilterFor(viewer: SessionUser, input: DashboardFilterInput): Promise<DashboardFilter> {
  const provinces = await requireScope(viewer, "read:dashboard:any", "read:dashboard:region");
  return { ...(await resolveDashboardFilter(input)), provinces };
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

export type Dashboard = Awaited<ReturnType<typeof dashboardOf>>;

/**
 * Forward stage moves each caseworker recorded in the period, as days spent in the stage
 * left → moves (decisions 027 and 038), for the caseworker table's count and median. Read
 * from the array counters, one row of counts per caseworker and month: without a filter
 * on the participants' dimensions dash_caseworker_move_days, with one (or a coordinator's
 * provinces) dash_caseworker_move_days_by under it; the arrays are added up here.
 */
async function caseworkerMoves(f: DashboardFilter, start: string, end: string): Promise<Map<string, Map<number, number>>> {
  const out = new Map<string, Map<number, number>>();
  // A coordinator's scope is a filter on the provinces like any other.
  const filtered = Boolean(f.provinceCode || f.migrantStatus || f.source || f.cohort || f.provinces);
  const found = await rows<{ caseworker_id: string; counts: (number | null)[] }>(
    filtered
      ? sql`select mv.caseworker_id, mv.counts from dash_caseworker_move_days_by mv where ${inPeriod(f, "mv")}`
      : sql`select mv.caseworker_id, mv.counts from dash_caseworker_move_days mv
            where mv.month >= ${start}::date and mv.month < ${end}::date`,
  );
  // (No join to users: only the listed caseworkers' entries are read from the map.)
  for (const r of found) {
    const byDays = out.get(r.caseworker_id) ?? new Map<number, number>();
    r.counts.forEach((n, days) => n && byDays.set(days, (byDays.get(days) ?? 0) + Number(n)));
    out.set(r.caseworker_id, byDays);
  }
  return out;
}

type CaseworkerFigures = {
  id: string;
  name: string;
  disabled: boolean;
  caseload: number;
  servicesInPeriod: number;
  services: number;
  overdue: number;
  openHelp: number;
};

/**
 * The caseworker table's figures: the caseworkers in the filter's scope, and each counter
 * summed by caseworker in its own query (they run side by side on the pool), joined here
 * by id. One statement joining the five sums to users was planned as nested loops (a
 * province scope on users.role is estimated at one row) and cost 2–4 times the sums.
 */
async function caseworkerTable(f: DashboardFilter, thisMonth: string, start: string, end: string, today: string): Promise<CaseworkerFigures[]> {
  type Sum = { caseworker_id: string; n: number };
  const byId = (list: Sum[]) => new Map(list.map((r) => [r.caseworker_id, Number(r.n)]));
  const [staff, load, done, period, due, help] = await Promise.all([
    rows<{ id: string; name: string; disabled: boolean }>(sql`
      select u.id, u.name, u.disabled_at is not null as disabled from users u
      where u.role = 'caseworker' and ${f.provinces ? provinceScope(f.provinces, sql`u.province_code`) : sql`true`}
      order by u.name`),
    rows<Sum & { with_follow_up: number }>(sql`
      select c.caseworker_id, sum(c.n)::int as n, sum(c.n_follow_up)::int as with_follow_up
      from dash_caseload c where ${counterDims(f, "c")} group by 1`),
    rows<Sum>(sql`
      select s.caseworker_id, sum(s.n)::int as n from dash_caseworker_services s
      where s.month = ${`${thisMonth}-01`}::date and ${counterDims(f, "s")} group by 1`),
    rows<Sum>(sql`
      select s.caseworker_id, sum(s.n)::int as n from dash_caseworker_services s
      where s.month >= ${start}::date and s.month < ${end}::date and ${counterDims(f, "s")} group by 1`),
    // Overdue = open participants with a follow-up date, minus those due today or later.
    rows<Sum>(sql`
      select fu.caseworker_id, sum(fu.n)::int as n from dash_follow_ups fu
      where fu.follow_up_on >= ${today}::date and ${counterDims(f, "fu")} group by 1`),
    // Open help requests of the participants assigned to each caseworker (decision 038).
    rows<Sum>(sql`
      select h.caseworker_id, sum(h.n)::int as n from dash_help_open h where ${counterDims(f, "h")} group by 1`),
  ]);
  const caseload = new Map(load.map((r) => [r.caseworker_id, r]));
  const [doneOf, periodOf, dueOf, helpOf] = [done, period, due, help].map(byId);
  return staff.map((u) => ({
    ...u,
    caseload: Number(caseload.get(u.id)?.n ?? 0),
    servicesInPeriod: periodOf.get(u.id) ?? 0,
    services: doneOf.get(u.id) ?? 0,
    overdue: Number(caseload.get(u.id)?.with_follow_up ?? 0) - (dueOf.get(u.id) ?? 0),
    openHelp: helpOf.get(u.id) ?? 0,
  }));
}

export async function getDashboard(viewer: SessionUser, input: DashboardFilterInput) {
  return dashboardOf(await dashboardFilterFor(viewer, input));
}

/**
 * The dashboard's figures for a partner with progress:read (GET /api/v1/progress), in the
 * provinces of its region: the same figures as the dashboard's from the same code, less
 * the caseworker table and the assignment queue (staff and workflow, not progress).
 */
export async function getProgressForApi(actor: ApiClientActor, input: DashboardFilterInput) {
  if (!hasApiScope(actor, "progress:read")) forbidden();
  const d = await dashboardOf({ ...(await resolveDashboardFilter(input)), provinces: actor.provinces }, { staff: false });
  return {
    period: { from: d.filter.from, to: d.filter.to },
    filter: {
      provinceCode: d.filter.provinceCode ?? null,
      migrantStatus: d.filter.migrantStatus ?? null,
      source: d.filter.source ?? null,
      cohort: d.filter.cohort ?? null,
    },
    headline: d.headline,
    perMonth: d.perMonth,
    funnel: d.funnel as ((typeof d.funnel)[number] & { stage: "registration" | "training" | "lms" | "completed" })[],
    withdrawn: d.withdrawn,
    blockers: d.blockers,
    byProvince: d.byProvince,
    byCountry: d.byCountry,
  };
}

/** Every figure of the dashboard under a filter whose scope is already decided. */
async function dashboardOf(f: DashboardFilter, opts: { staff?: boolean } = {}) {
  // The caseworker table and the assignment queue (staff and workflow): the most costly
  // reads, left out where only progress is asked for (the partner API).
  const staff = opts.staff ?? true;
  const months = monthsBetween(f.from, f.to);
  const thisMonth = f.to;
  const today = todayInJakarta();

  // The queries are independent: they run side by side on the pool's connections.
  const { start, end } = monthRange(f);
  const [cohortRows, perMonthRows, targetRows, reachedRows, spellRows, blockers, countryRows, caseworkerRows, moveRows, [waitingRow]] =
    await Promise.all([
      rows<{ stage: Stage; province_code: string; migrant_status: string; n: number }>(sql`
        select c.stage, c.province_code, c.migrant_status, sum(c.n)::int as n from dash_cohort c
        where ${inPeriod(f, "c")} group by 1, 2, 3 having sum(c.n) > 0`),
      rows<{ month: string; services: number }>(sql`
        select to_char(s.month, 'YYYY-MM') as month, sum(s.n)::int as services from dash_services s
        where ${inPeriod(f, "s")} group by 1`),
      readDb
        .select({ month: targets.month, count: targets.count })
        .from(targets)
        .where(sql`${targets.month} >= ${f.from} and ${targets.month} <= ${f.to}`),
      // Reached = the participant has been in that stage at some time (a stage change into
      // it, or the record's current stage), so moving back does not un-count a stage.
      rows<{ stage: Stage; n: number }>(sql`
        select r.stage, sum(r.n)::int as n from dash_reached r where ${inPeriod(f, "r")} group by 1`),
      rows<{ stage: Stage; days: number; n: number }>(sql`
        select sp.stage, sp.days, sum(sp.n)::int as n from dash_spells sp where ${inPeriod(f, "sp")}
        group by 1, 2 having sum(sp.n) > 0`),
      rows<{ code: string; name_id: string; name_en: string; n: number }>(sql`
        select b.code, b.name_id, b.name_en, sum(x.n)::int as n
        from dash_services x join blockers b on b.code = x.blocker_code
        where ${inPeriod(f, "x")}
        group by b.code, b.name_id, b.name_en, b.sort_order having sum(x.n) > 0
        order by n desc, b.sort_order`),
      rows<{ code: string; n: number }>(sql`
        select c.country_code as code, sum(c.n)::int as n from dash_country c
        where ${inPeriod(f, "c")} and c.country_code <> ''
        group by 1 having sum(c.n) > 0 order by n desc, code limit 10`),
      !staff ? [] : caseworkerTable(f, thisMonth, start, end, today),
      staff ? caseworkerMoves(f, start, end) : new Map<string, Map<number, number>>(),
      // Waiting for a caseworker, programme-wide whatever the filter (what the assignment
      // page lists): every participant minus the assigned ones, both from the counters. The
      // oldest wait is a min() over the unassigned, which PostgreSQL answers from an index
      // either way (participants_caseworker_idx when few wait, participants_created_idx in
      // order when many do).
      // A coordinator's: the same in their provinces.
      !staff ? [] : rows<{ n: number; oldest: string | Date | null }>(sql`
        select ((select coalesce(sum(c.n), 0) from dash_cohort c where ${counterDims({ provinces: f.provinces }, "c")})
          - (select coalesce(sum(c.n), 0) from dash_caseload c where ${counterDims({ provinces: f.provinces }, "c")}))::int as n,
          (select min(p.created_at) from participants p where p.caseworker_id is null
            and ${f.provinces ? provinceScope(f.provinces, sql`p.province_code`) : sql`true`}) as oldest`),
    ]);

  const moves = new Map(
    [...moveRows].map(([caseworkerId, byDays]) => {
      const bins = [...byDays].filter(([, count]) => count > 0).map(([value, count]) => ({ value, count }));
      return [caseworkerId, { moves: bins.reduce((sum, b) => sum + b.count, 0), medianDays: histogramMedian(bins) }];
    }),
  );
  const caseworkers = caseworkerRows.map((c) => ({ ...c, moves: moves.get(c.id)?.moves ?? 0, medianDays: moves.get(c.id)?.medianDays ?? null }));

  const perMonth = months.map((month) => ({
    month,
    services: perMonthRows.find((r) => r.month === month)?.services ?? 0,
    target: targetRows.find((r) => r.month === month)?.count ?? null,
  }));
  const servicesDelivered = perMonth.reduce((sum, m) => sum + m.services, 0);
  const targetTotal = targetRows.reduce((sum, t) => sum + t.count, 0);

  const sumWhere = (keep: (r: (typeof cohortRows)[number]) => boolean) =>
    cohortRows.reduce((sum, r) => (keep(r) ? sum + r.n : sum), 0);
  const headline = {
    registered: sumWhere(() => true),
    calon: sumWhere((r) => r.migrant_status === "calon"),
    mantan: sumWhere((r) => r.migrant_status === "mantan"),
  };

  const journey: Stage[] = ["registration", "training", "lms", "completed"];
  const reached = (s: Stage) => reachedRows.find((r) => r.stage === s)?.n ?? 0;
  const funnel = journey.map((stage, i) => ({
    stage,
    reached: reached(stage),
    current: sumWhere((r) => r.stage === stage),
    conversion: i === 0 ? null : reached(journey[i - 1]) === 0 ? null : reached(stage) / reached(journey[i - 1]),
    medianDays: histogramMedian(spellRows.filter((r) => r.stage === stage).map((r) => ({ value: r.days, count: r.n }))),
  }));
  const withdrawn = sumWhere((r) => r.stage === "withdrawn");

  const provinceTotals = new Map<string, number>();
  for (const r of cohortRows) provinceTotals.set(r.province_code, (provinceTotals.get(r.province_code) ?? 0) + r.n);
  const byProvince = [...provinceTotals]
    .map(([code, n]) => ({ code, n }))
    .sort((a, b) => b.n - a.n || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
    .slice(0, 10);

  // A period without registrations or services says so, and points to the latest that has some.
  const empty = headline.registered === 0 && servicesDelivered === 0;
  const latestWithData = empty ? await defaultPeriod({ targets: false }) : null;
  const oldest = waitingRow?.oldest ? new Date(waitingRow.oldest) : null;

  return {
    filter: f,
    months,
    empty,
    latestWithData,
    waiting: { count: waitingRow?.n ?? 0, oldestSince: oldest, oldestDays: oldest ? daysSince(oldest, today) : null },
    headline: { ...headline, servicesDelivered, targetTotal },
    perMonth,
    funnel,
    withdrawn,
    blockers: blockers.map((b) => ({ code: b.code, nameId: b.name_id, nameEn: b.name_en, count: b.n })),
    byProvince,
    byCountry: countryRows,
    caseworkers,
    thisMonth,
  };
}

export const DASHBOARD_STAGES = STAGES;

/** Whole calendar days in Jakarta from a moment to today (YYYY-MM-DD in Jakarta). */
function daysSince(at: Date, today: string): number {
  const day = new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
  return Math.max(0, Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / 86_400_000));
}

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

/** Programme-wide counts (kept for the summary line of the PMO pages), from the aggregates. */
export async function getProgrammeSummary(viewer: SessionUser) {
  requirePermission(viewer, "read:dashboard:any");
  const [stageRows, [services]] = await Promise.all([
    rows<{ stage: Stage; n: number }>(sql`select stage, sum(n)::int as n from dash_cohort group by stage`),
    rows<{ n: number | null }>(sql`select sum(n)::int as n from dash_services`),
  ]);
  const byStage = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  for (const r of stageRows) byStage[r.stage] = r.n;
  const participants = Object.values(byStage).reduce((sum, n) => sum + n, 0);
  return { participants, services: services?.n ?? 0, byStage };
}

import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { executeRows, readDb } from "@/db";
import { MIGRANT_STATUSES, SOURCES, type MigrantStatus, type Source } from "@/db/schema";
import { histogramMedian } from "@/lib/median";
import { shiftMonth, type DashboardFilterInput } from "@/lib/validation/dashboard";
import type { SessionUser } from "./permissions";
import { counterDims, dashboardFilterFor, type DashboardFilter } from "./programme";

// The PMO dashboard's comparisons (issue 18): calon against purna, self-registered against
// assisted against imported, and each import cohort against everyone else, side by side
// for the dashboard's period. Read from the same counters as getDashboard (dash_cohort,
// dash_reached, dash_spells, dash_services: docs/decisions/013), grouped by migrant status,
// source and cohort in one pass each, then split into the three comparisons here; so it
// stays a few thousand counter rows at a million participants.
// lib/data/comparisons.test.ts recomputes every figure with plain SQL over the raw rows.
//
// Definitions (docs/decisions/026-comparisons.md):
// - a group's participants are those registered in the period, as on the dashboard;
//   "reached" a stage = has ever been in it (the funnel's "reached"), share = of registered;
// - median days in a stage: the funnel's, over the group's finished spells;
// - share blocked = the group's services in force dated in the period with the outcome
//   "blocked", divided by all its services dated in the period (the dashboard's blockers,
//   per group); the top three blockers by count;
// - the province filter and the filters on the other dimensions apply; the filter on the
//   compared dimension does not (the groups would be empty), its group is `selected`;
// - cohorts: each cohort with participants registered in the period (only the chosen one
//   under a cohort filter), against everyone else under the same filters.

export const COMPARED_STAGES = ["training", "lms", "completed"] as const;
export const SPELL_STAGES = ["registration", "training", "lms", "completed"] as const;
type ComparedStage = (typeof COMPARED_STAGES)[number];
type SpellStage = (typeof SPELL_STAGES)[number];

export type ComparisonGroup = {
  /** The status or source code, the cohort's name, or "others" (everyone else). */
  key: string;
  selected: boolean;
  registered: number;
  reached: Record<ComparedStage, { count: number; share: number | null }>;
  medianDays: Record<SpellStage, number | null>;
  services: number;
  blocked: number;
  blockedShare: number | null;
  topBlockers: { code: string; nameId: string; nameEn: string; count: number }[];
};

export type Comparisons = {
  filter: DashboardFilter;
  status: ComparisonGroup[];
  source: ComparisonGroup[];
  cohorts: { cohort: string; selected: boolean; members: ComparisonGroup; others: ComparisonGroup }[];
};

type Dims = { migrant_status: string; source: string; cohort: string };
type Keep = (r: Dims) => boolean;

export async function getComparisons(viewer: SessionUser, input: DashboardFilterInput): Promise<Comparisons> {
  const f = await dashboardFilterFor(viewer, input);
  const start = `${f.from}-01`;
  const end = `${shiftMonth(f.to, 1)}-01`; // exclusive
  // Only the period and the province in SQL: each comparison drops its own dimension's
  // filter, so status, source and cohort are grouped by and filtered below.
  const where = (a: string) =>
    sql`${sql.raw(a)}.month >= ${start}::date and ${sql.raw(a)}.month < ${end}::date and ${counterDims({ provinceCode: f.provinceCode, provinces: f.provinces }, a)}`;
  const read = <T>(query: SQL) => executeRows<T & Dims>(query, readDb);

  const [registered, reached, spells, services] = await Promise.all([
    read<{ n: number }>(sql`
      select c.migrant_status, c.source, c.cohort, sum(c.n)::int as n from dash_cohort c
      where ${where("c")} group by 1, 2, 3 having sum(c.n) <> 0`),
    read<{ stage: ComparedStage; n: number }>(sql`
      select r.migrant_status, r.source, r.cohort, r.stage, sum(r.n)::int as n from dash_reached r
      where ${where("r")} and r.stage in ('training', 'lms', 'completed') group by 1, 2, 3, 4 having sum(r.n) <> 0`),
    read<{ stage: SpellStage; days: number; n: number }>(sql`
      select sp.migrant_status, sp.source, sp.cohort, sp.stage, sp.days, sum(sp.n)::int as n from dash_spells sp
      where ${where("sp")} group by 1, 2, 3, 4, 5 having sum(sp.n) > 0`),
    read<{ blocker_code: string; name_id: string | null; name_en: string | null; sort_order: number | null; n: number }>(sql`
      select x.migrant_status, x.source, x.cohort, x.blocker_code, b.name_id, b.name_en, b.sort_order, sum(x.n)::int as n
      from dash_services x left join blockers b on b.code = x.blocker_code
      where ${where("x")} group by 1, 2, 3, 4, 5, 6, 7 having sum(x.n) <> 0`),
  ]);

  const sum = (list: { n: number }[]) => list.reduce((total, r) => total + r.n, 0);
  function group(key: string, selected: boolean, keep: Keep): ComparisonGroup {
    const n = sum(registered.filter(keep));
    const mine = reached.filter(keep);
    const reachedBy = Object.fromEntries(
      COMPARED_STAGES.map((stage) => {
        const count = sum(mine.filter((r) => r.stage === stage));
        return [stage, { count, share: n ? count / n : null }];
      }),
    ) as ComparisonGroup["reached"];
    const mySpells = spells.filter(keep);
    const medianDays = Object.fromEntries(
      SPELL_STAGES.map((stage) => [
        stage,
        histogramMedian(mySpells.filter((r) => r.stage === stage).map((r) => ({ value: r.days, count: r.n }))),
      ]),
    ) as ComparisonGroup["medianDays"];
    const myServices = services.filter(keep);
    const byBlocker = new Map<string, ComparisonGroup["topBlockers"][number] & { order: number }>();
    for (const r of myServices) {
      if (r.blocker_code === "") continue;
      const b = byBlocker.get(r.blocker_code) ?? {
        code: r.blocker_code,
        nameId: r.name_id ?? r.blocker_code,
        nameEn: r.name_en ?? r.blocker_code,
        order: r.sort_order ?? 0,
        count: 0,
      };
      b.count += r.n;
      byBlocker.set(r.blocker_code, b);
    }
    const blockers = [...byBlocker.values()].filter((b) => b.count > 0);
    const total = sum(myServices);
    const blocked = blockers.reduce((s, b) => s + b.count, 0);
    return {
      key,
      selected,
      registered: n,
      reached: reachedBy,
      medianDays,
      services: total,
      blocked,
      blockedShare: total ? blocked / total : null,
      topBlockers: blockers
        .sort((a, b) => b.count - a.count || a.order - b.order)
        .slice(0, 3)
        .map(({ code, nameId, nameEn, count }) => ({ code, nameId, nameEn, count })),
    };
  }

  const byStatus: Keep = (r) => !f.migrantStatus || r.migrant_status === f.migrantStatus;
  const bySource: Keep = (r) => !f.source || r.source === f.source;
  const byCohort: Keep = (r) => !f.cohort || r.cohort === f.cohort;

  const status = MIGRANT_STATUSES.map((s: MigrantStatus) =>
    group(s, f.migrantStatus === s, (r) => r.migrant_status === s && bySource(r) && byCohort(r)),
  );
  const source = SOURCES.map((s: Source) => group(s, f.source === s, (r) => r.source === s && byStatus(r) && byCohort(r)));

  // Largest first; the cohort filter narrows the list to its cohort.
  const cohortSizes = new Map<string, number>();
  for (const r of registered) {
    if (r.cohort === "" || !byStatus(r) || !bySource(r) || !byCohort(r)) continue;
    cohortSizes.set(r.cohort, (cohortSizes.get(r.cohort) ?? 0) + r.n);
  }
  const cohorts = [...cohortSizes]
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .map(([cohort]) => ({
      cohort,
      selected: f.cohort === cohort,
      members: group(cohort, f.cohort === cohort, (r) => r.cohort === cohort && byStatus(r) && bySource(r)),
      others: group("others", false, (r) => r.cohort !== cohort && byStatus(r) && bySource(r)),
    }));

  return { filter: f, status, source, cohorts };
}

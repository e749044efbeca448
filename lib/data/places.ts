import "server-only";
import { sql } from "drizzle-orm";
import { executeRows, readDb } from "@/db";
import { provinces } from "@/lib/reference/regions";
import type { DashboardFilterInput } from "@/lib/validation/dashboard";
import { shiftMonth } from "@/lib/validation/dashboard";
import type { SessionUser } from "./permissions";
import { counterDims, dashboardFilterFor, type DashboardFilter } from "./programme";

// Where the participants come from: the PMO dashboard's map (app/pmo/province-map-section.tsx).
// Read from dash_cohort (participants by registration month, province and current stage,
// kept by triggers: docs/decisions/013), so it stays a few thousand counter rows at a
// million participants. lib/data/places.test.ts recomputes it with plain SQL.
//
// Definitions:
// - participants = registered in the period (Jakarta months), under the filter's status,
//   source and cohort;
// - completed = those of them whose stage is now "completed";
// - completion rate = completed / participants (null without participants).
// The map shows every province whatever the province filter, so that another one can be
// chosen; the chosen one is marked (`selected`).

export type ProvinceFigure = {
  code: string;
  participants: number;
  completed: number;
  completionRate: number | null;
};

export type ProvinceFigures = {
  filter: DashboardFilter;
  selected: string | null;
  /** The 38 provinces in code order, then any other code the data holds. */
  provinces: ProvinceFigure[];
  total: { participants: number; completed: number };
};

export async function getProvinceFigures(viewer: SessionUser, input: DashboardFilterInput): Promise<ProvinceFigures> {
  const filter = await dashboardFilterFor(viewer, input);
  const start = `${filter.from}-01`;
  const end = `${shiftMonth(filter.to, 1)}-01`;
  const dims = counterDims({ ...filter, provinceCode: undefined }, "c");
  const rows = await executeRows<{ code: string; participants: number; completed: number }>(
    sql`
      select c.province_code as code, sum(c.n)::int as participants,
        coalesce(sum(c.n) filter (where c.stage = 'completed'), 0)::int as completed
      from dash_cohort c
      where c.month >= ${start}::date and c.month < ${end}::date and ${dims}
      group by 1 having sum(c.n) > 0`,
    readDb,
  );
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const known = new Set(provinces.map((p) => p.code));
  const codes = [...provinces.map((p) => p.code), ...rows.map((r) => r.code).filter((c) => !known.has(c)).sort()];
  const figures = codes.map((code) => {
    const participants = byCode.get(code)?.participants ?? 0;
    const completed = byCode.get(code)?.completed ?? 0;
    return { code, participants, completed, completionRate: participants ? completed / participants : null };
  });
  return {
    filter,
    selected: filter.provinceCode ?? null,
    provinces: figures,
    total: {
      participants: figures.reduce((sum, f) => sum + f.participants, 0),
      completed: figures.reduce((sum, f) => sum + f.completed, 0),
    },
  };
}

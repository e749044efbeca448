import "server-only";
import { sql } from "drizzle-orm";
import { executeRows, readDb } from "@/db";
import { shiftMonth, type DashboardFilterInput } from "@/lib/validation/dashboard";
import type { SessionUser } from "./permissions";
import { counterDims, dashboardFilterFor, type DashboardFilter } from "./programme";

// The PMO dashboard's "over time" figures that getDashboard does not already give:
// registrations per week by migrant status. Read from the dash_weekly counter (migration
// 0015, docs/decisions/013), kept by the same triggers as the other dash_* tables.
//
// A week is the ISO week of the registration in Jakarta time (Monday to Sunday). The
// period is whole months, as everywhere on the dashboard, so the first and last weeks can
// lie partly outside it: they count only the period's days (dash_weekly is keyed by week
// and month) and are marked partial. The weeks add up to the dashboard's "registered".

export type WeeklyRegistrations = {
  filter: DashboardFilter;
  weeks: {
    /** The Monday, YYYY-MM-DD. */
    week: string;
    /** The days of the week inside the period (the whole week unless partial). */
    from: string;
    to: string;
    partial: boolean;
    calon: number;
    mantan: number;
  }[];
};

const DAY = 86_400_000;
const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
/** The Monday of a date's ISO week. */
export function mondayOf(iso: string): string {
  const weekday = (new Date(`${iso}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return addDays(iso, -weekday);
}

export async function getWeeklyRegistrations(viewer: SessionUser, input: DashboardFilterInput): Promise<WeeklyRegistrations> {
  const f = await dashboardFilterFor(viewer, input);
  const start = `${f.from}-01`;
  const end = `${shiftMonth(f.to, 1)}-01`; // exclusive
  const last = addDays(end, -1);
  const firstMonday = mondayOf(start);

  // The week bound lets the primary key (week first) narrow the read to the period.
  const found = await executeRows<{ week: string; migrant_status: string; n: number }>(
    sql`
      select to_char(w.week, 'YYYY-MM-DD') as week, w.migrant_status, sum(w.n)::int as n from dash_weekly w
      where w.week >= ${firstMonday}::date and w.week < ${end}::date
        and w.month >= ${start}::date and w.month < ${end}::date and ${counterDims(f, "w")}
      group by 1, 2 having sum(w.n) <> 0`,
    readDb,
  );
  const count = new Map(found.map((r) => [`${r.week}|${r.migrant_status}`, r.n]));

  const weeks: WeeklyRegistrations["weeks"] = [];
  for (let week = firstMonday; week <= last; week = addDays(week, 7)) {
    const sunday = addDays(week, 6);
    const from = week < start ? start : week;
    const to = sunday > last ? last : sunday;
    weeks.push({
      week,
      from,
      to,
      partial: from !== week || to !== sunday,
      calon: count.get(`${week}|calon`) ?? 0,
      mantan: count.get(`${week}|mantan`) ?? 0,
    });
  }
  return { filter: f, weeks };
}

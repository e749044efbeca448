import { z } from "zod";
import { MIGRANT_STATUSES, SOURCES } from "@/db/schema";
import type { QueryFields } from "./query";

// The PMO dashboard's filter (from the query string) and the target form. A value that
// does not parse falls back to "no filter" rather than an error page.

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const month = z.string().regex(MONTH).optional().catch(undefined);

export const dashboardFilterSchema = z
  .object({
    from: month,
    to: month,
    provinceCode: z.string().regex(/^\d{2}$/).optional().catch(undefined),
    migrantStatus: z.enum(MIGRANT_STATUSES).optional().catch(undefined),
    source: z.enum(SOURCES).optional().catch(undefined),
    // An imported cohort's name (imports.cohort), as the cohort select offers it.
    cohort: z.string().trim().min(1).max(200).optional().catch(undefined),
  })
  .transform((f) => (f.from && f.to && f.from > f.to ? { ...f, from: f.to, to: f.from } : f));
export type DashboardFilterInput = z.infer<typeof dashboardFilterSchema>;

export const targetSchema = z.object({
  month: z.string({ error: "required" }).regex(MONTH, { error: "target.month" }),
  count: z.coerce
    .number({ error: "target.count" })
    .int({ error: "target.count" })
    .min(0, { error: "target.count" })
    .max(10_000_000, { error: "target.count" }),
});
export type TargetInput = z.infer<typeof targetSchema>;

/** Every month from `from` to `to` inclusive, as YYYY-MM. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split("-").map(Number);
  const [ty, tm] = to.split("-").map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, "0")}`);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
    if (out.length > 240) break;
  }
  return out;
}

export function shiftMonth(month: string, delta: number): string {
  const [y, m] = month.split("-").map(Number);
  const index = y * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** The dashboard's filter from a page's query string (the dashboard and the survey page). */
export function dashboardFilterFromParams(fields: QueryFields): DashboardFilterInput {
  return dashboardFilterSchema.parse(fields);
}

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

/** The names of the dashboard filter's query parameters, in the order a link writes them. */
export const DASHBOARD_QUERY_KEYS = ["from", "to", "provinceCode", "migrantStatus", "source", "cohort"] as const;

/** The month pickers' fields: a month select and a year select for each end of the period. */
export const MONTH_PICKER_KEYS = ["fromMonth", "fromYear", "toMonth", "toYear"] as const;

const pickerMonth = z.string().regex(/^(0?[1-9]|1[0-2])$/).optional().catch(undefined);
const pickerYear = z.string().regex(/^\d{4}$/).optional().catch(undefined);
const pickerSchema = z.object({ fromMonth: pickerMonth, fromYear: pickerYear, toMonth: pickerMonth, toYear: pickerYear });

/**
 * The filter form's month and year selects send fromMonth/fromYear/toMonth/toYear (a GET
 * form, so it works without JavaScript and in browsers without type=month). The page
 * redirects such a query to the one every link uses, from=YYYY-MM&to=YYYY-MM with the other
 * filters as they were: this returns that query string (without "?"), or null when the
 * query has no picker field and is already in that shape. A picker left half-filled keeps
 * the from/to already in the query, if any.
 */
export function dashboardQueryFromPickers(fields: QueryFields): string | null {
  if (!MONTH_PICKER_KEYS.some((key) => fields[key] !== undefined)) return null;
  const picked = pickerSchema.parse(fields);
  const month = (m?: string, y?: string) => (m && y ? `${y}-${m.padStart(2, "0")}` : undefined);
  const out = new URLSearchParams();
  const values: Record<string, string | undefined> = {
    ...fields,
    from: month(picked.fromMonth, picked.fromYear) ?? fields.from,
    to: month(picked.toMonth, picked.toYear) ?? fields.to,
  };
  for (const key of DASHBOARD_QUERY_KEYS) {
    const value = values[key];
    if (value !== undefined) out.set(key, value);
  }
  return out.toString();
}

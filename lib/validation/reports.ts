import { z } from "zod";
import { dashboardFilterSchema, type DashboardFilterInput } from "./dashboard";
import type { QueryFields } from "./query";

// The monthly report's filter (/pmo/reports and its downloads): one month and the
// dashboard's other filters, read with the dashboard's own schema, so a value the
// dashboard ignores is ignored here too.

export type ReportFilterInput = Omit<DashboardFilterInput, "from" | "to"> & { month?: string };

/** The names of the report's query parameters, in the order a link writes them. */
export const REPORT_QUERY_KEYS = ["month", "provinceCode", "migrantStatus", "source", "cohort"] as const;

/** The month picker's fields (components/month-picker.tsx named "month"). */
export const REPORT_PICKER_KEYS = ["monthMonth", "monthYear"] as const;

export function reportFilterFromParams(fields: QueryFields): ReportFilterInput {
  const f = dashboardFilterSchema.parse({ ...fields, from: fields.month, to: fields.month });
  return { month: f.from, provinceCode: f.provinceCode, migrantStatus: f.migrantStatus, source: f.source, cohort: f.cohort };
}

/** The query string (without "?") of a report's filter, as the page's links write it. */
export function reportQuery(f: ReportFilterInput): string {
  const out = new URLSearchParams();
  for (const key of REPORT_QUERY_KEYS) {
    const value = f[key];
    if (value) out.set(key, value);
  }
  return out.toString();
}

const pickerSchema = z.object({
  monthMonth: z.string().regex(/^(0?[1-9]|1[0-2])$/).optional().catch(undefined),
  monthYear: z.string().regex(/^\d{4}$/).optional().catch(undefined),
});

/**
 * The GET form's month and year selects send monthMonth/monthYear: the page redirects such
 * a query to the one its links use (month=YYYY-MM and the other filters). Returns that query
 * string, or null when the query has no picker field.
 */
export function reportQueryFromPickers(fields: QueryFields): string | null {
  if (!REPORT_PICKER_KEYS.some((key) => fields[key] !== undefined)) return null;
  const picked = pickerSchema.parse(fields);
  const month = picked.monthMonth && picked.monthYear ? `${picked.monthYear}-${picked.monthMonth.padStart(2, "0")}` : fields.month;
  return reportQuery(reportFilterFromParams({ ...fields, month }));
}

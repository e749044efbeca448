import { z } from "zod";
import { MIGRANT_STATUSES, SOURCES, STAGES } from "@/db/schema";
import { isCountryCode } from "@/lib/reference/countries";
import { isProvinceCode } from "@/lib/reference/regions";
import type { QueryFields } from "./query";

// The PMO's filter over all participants, read from the query string by the list page and
// by the export route alike (the export is "exactly what the list shows"). Parameter
// names follow the registration form's (CONTRACT.md) and the dashboard's filter. A value
// that does not parse is dropped: a hand-edited or stale link shows the list unfiltered
// on that field instead of an error page.

export const PMO_PAGE_SIZE = 50;
/** The caseworker filter's value for "no caseworker assigned yet". */
export const NOT_ASSIGNED = "none";
export const PURPOSE_MIN = 10;
export const PURPOSE_MAX = 500;

const optional = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

export const participantFilterSchema = z.object({
  q: z.string().trim().max(100).catch("").default(""),
  stage: optional(z.enum(STAGES)),
  provinceCode: optional(z.string().refine(isProvinceCode)),
  migrantStatus: optional(z.enum(MIGRANT_STATUSES)),
  countryCode: optional(z.string().trim().toUpperCase().length(2).refine(isCountryCode)),
  caseworker: optional(z.union([z.literal(NOT_ASSIGNED), z.uuid().toLowerCase()])),
  source: optional(z.enum(SOURCES)),
  cohort: optional(z.string().trim().min(1).max(200)),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});
export type ParticipantFilter = z.infer<typeof participantFilterSchema>;

export const FILTER_KEYS = ["q", "stage", "provinceCode", "migrantStatus", "countryCode", "caseworker", "source", "cohort"] as const;

/**
 * The filter from a query string (queryFields, with the sealed search opened). A value of
 * spaces only means "no filter".
 */
export function parseParticipantFilter(fields: QueryFields): ParticipantFilter {
  const given = (key: string) => (fields[key]?.trim() ? fields[key] : undefined);
  return participantFilterSchema.parse(Object.fromEntries([...FILTER_KEYS, "page"].map((k) => [k, given(k)])));
}

/** The filter as a query string (without "?"), for links, the export and redirects. */
export function filterQuery(filter: Partial<ParticipantFilter>, opts: { page?: number } = {}): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filter[key];
    if (value) params.set(key, String(value));
  }
  if (opts.page && opts.page > 1) params.set("page", String(opts.page));
  return params.toString();
}

/** The filter without paging: what an export covers and what its audit event records. */
export function filterOnly(filter: ParticipantFilter): Omit<ParticipantFilter, "page"> {
  const { page: _page, ...rest } = filter;
  return rest;
}

// Message keys of the "pmoParticipants" catalogue.
export const exportPurposeSchema = z.object({
  purpose: z
    .string({ error: "purposeRequired" })
    .trim()
    .min(1, { error: "purposeRequired" })
    .min(PURPOSE_MIN, { error: "purposeTooShort" })
    .max(PURPOSE_MAX, { error: "purposeTooLong" }),
});
export type ExportPurposeError = "purposeRequired" | "purposeTooShort" | "purposeTooLong";
export const EXPORT_PURPOSE_ERRORS: readonly ExportPurposeError[] = ["purposeRequired", "purposeTooShort", "purposeTooLong"];

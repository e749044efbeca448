import type { CaseloadQuery } from "@/lib/validation/caseworker";

/** The caseload's query string (without "?"), search in clear: seal it before it goes into a link. */
export function caseloadQuery(query: Partial<CaseloadQuery>, page: number): string {
  const params = new URLSearchParams();
  if (query.q) params.set("q", query.q);
  if (query.stage) params.set("stage", query.stage);
  if (page > 1) params.set("page", String(page));
  return params.toString();
}

import type { AssignmentQuery } from "@/lib/validation/pmo-staff";

/** The assignment list's query string (without "?"), search in clear: seal it before it goes into a link. */
export function assignmentQuery(query: Partial<AssignmentQuery>, page = 1): string {
  const params = new URLSearchParams();
  if (query.assigned && query.assigned !== "unassigned") params.set("assigned", query.assigned);
  if (query.stage) params.set("stage", query.stage);
  if (query.province) params.set("province", query.province);
  if (query.q) params.set("q", query.q);
  if (page > 1) params.set("page", String(page));
  return params.toString();
}

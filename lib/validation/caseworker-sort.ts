import { z } from "zod";
import type { QueryFields } from "./query";

// The PMO dashboard's caseworker table: the column it is sorted by and the direction
// (`cwSort=moves&cwDir=desc`), from links in the column headers, so sorting needs no
// script. Anything else is the default: by name, A to Z.

export const CASEWORKER_SORT_KEYS = ["name", "caseload", "servicesInPeriod", "services", "moves", "medianDays", "overdue", "openHelp"] as const;
export type CaseworkerSortKey = (typeof CASEWORKER_SORT_KEYS)[number];
export type SortDirection = "asc" | "desc";
export type CaseworkerSort = { key: CaseworkerSortKey; dir: SortDirection };

export const DEFAULT_CASEWORKER_SORT: CaseworkerSort = { key: "name", dir: "asc" };

const keySchema = z.enum(CASEWORKER_SORT_KEYS).catch("name");
const dirSchema = z.enum(["asc", "desc"]).optional().catch(undefined);

/** The direction a column starts in when first chosen: names A to Z, figures largest first. */
export const firstDirection = (key: CaseworkerSortKey): SortDirection => (key === "name" ? "asc" : "desc");

export function caseworkerSortFromParams(fields: QueryFields): CaseworkerSort {
  const key = keySchema.parse(fields.cwSort ?? "name");
  return { key, dir: dirSchema.parse(fields.cwDir) ?? firstDirection(key) };
}

/** The sort a header's link asks for: the same column turned round, or another in its first direction. */
export function nextSort(current: CaseworkerSort, key: CaseworkerSortKey): CaseworkerSort {
  if (current.key === key) return { key, dir: current.dir === "asc" ? "desc" : "asc" };
  return { key, dir: firstDirection(key) };
}

type Sortable = { id: string; name: string } & Record<Exclude<CaseworkerSortKey, "name">, number | null>;

/**
 * The rows in the chosen order. A median that cannot be given (no moves) comes last in
 * either direction; ties go by name, then id, so the order is the same on every load.
 */
export function sortCaseworkers<T extends Sortable>(list: readonly T[], sort: CaseworkerSort): T[] {
  const sign = sort.dir === "asc" ? 1 : -1;
  const byName = (a: T, b: T) => a.name.localeCompare(b.name, "id") || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return [...list].sort((a, b) => {
    if (sort.key === "name") return sign * byName(a, b);
    const x = a[sort.key];
    const y = b[sort.key];
    if (x === null || y === null) return x === y ? byName(a, b) : x === null ? 1 : -1;
    return sign * (x - y) || byName(a, b);
  });
}

import { withoutAnyControlCharacters } from "./common";

// The query string of a page or a route handler, as its parsers read it. Every page and
// route handler reads its searchParams through queryFields, as every form is read through
// formFields (lib/forms.ts), and hands the result to its parser; app/query-strings.test.ts
// finds each one and checks that it does.
//
// No link this app makes carries a control character: one arrives only typed into the
// address bar or forged (`?cohort=%00`), and PostgreSQL refuses NUL in text, which made a
// server error of it. A query value is one line, so every control character goes, tab,
// newline and carriage return included.

/** What Next hands a page (a repeated parameter as an array), or a route handler's URL. */
export type QueryParams = URLSearchParams | Readonly<Record<string, string | string[] | undefined>>;

/**
 * The query string as queryFields reads it: at most one clean, non-empty string per name.
 * A page's searchParams (arrays for repeated names) does not fit, so a parser cannot be
 * handed one unread.
 */
export type QueryFields = Readonly<Record<string, string | undefined>>;

/**
 * The longest value kept: more than any parameter of ours holds (a sealed search is at
 * most about 2,700 characters), so only a forged value is left out.
 */
export const QUERY_VALUE_MAX = 4096;

/** One value as a parser may read it, or undefined when nothing usable is left. */
function queryValue(value: string | null | undefined): string | undefined {
  if (typeof value !== "string" || value.length > QUERY_VALUE_MAX) return undefined;
  const clean = withoutAnyControlCharacters(value.toWellFormed());
  return clean === "" ? undefined : clean;
}

/**
 * The query string as one string per name: the first value of a repeated parameter, every
 * control character dropped and a lone surrogate replaced. A value left empty, or one
 * longer than any of ours, counts as not given (every page reads that as "no filter").
 */
export function queryFields(raw: QueryParams): QueryFields {
  const names = raw instanceof URLSearchParams ? [...new Set(raw.keys())] : Object.keys(raw);
  const entries: [string, string][] = [];
  for (const name of names) {
    const given = raw instanceof URLSearchParams ? raw.get(name) : raw[name];
    const value = queryValue(Array.isArray(given) ? given[0] : given);
    if (value !== undefined) entries.push([name, value]);
  }
  return Object.fromEntries(entries);
}

import type { ValidationKey } from "./keys";

/** Minimum participant age in whole years. */
export const MIN_AGE = 18;

/** Earliest birth year accepted as plausible (catches "0990" typos). */
export const MIN_BIRTH_YEAR = 1900;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in a month (month 1–12) of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** True if year/month/day (all integers) is a real calendar date, year 1–9999. */
export function isRealDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    year >= 1 &&
    year <= 9999 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Strict "YYYY-MM-DD" that is a real calendar date (no time part, no trimming). */
export function isIsoDate(s: string): boolean {
  if (typeof s !== "string") return false;
  const m = ISO_RE.exec(s);
  if (!m) return false;
  return isRealDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Splits a valid ISO date; throws RangeError otherwise. */
export function splitIsoDate(s: string): { year: number; month: number; day: number } {
  if (!isIsoDate(s)) throw new RangeError(`Not an ISO date: ${JSON.stringify(s)}`);
  const [y, m, d] = s.split("-").map(Number);
  return { year: y, month: m, day: d };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

export function toIsoDate(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/**
 * Age in whole years on `onDate` (both "YYYY-MM-DD").
 * Someone born on 29 February becomes a year older on 1 March in
 * non-leap years (28 February is still the previous age).
 * Returns a negative number if onDate is before birthDate.
 * Throws RangeError if either argument is not a valid ISO date.
 */
export function ageOn(birthDate: string, onDate: string): number {
  const b = splitIsoDate(birthDate);
  const o = splitIsoDate(onDate);
  let age = o.year - b.year;
  if (o.month < b.month || (o.month === b.month && o.day < b.day)) age -= 1;
  return age;
}

const DMY_RE = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;

/**
 * Accepts "YYYY-MM-DD" or day-first "DD/MM/YYYY" (also "D/M/YYYY",
 * and "." or "-" as separator: "31.12.1990", "31-12-1990").
 * Surrounding whitespace is ignored. Returns an ISO date or null if the
 * input is not a real calendar date.
 */
export function parseFlexibleDate(s: string): string | null {
  if (typeof s !== "string") return null;
  const t = s.trim();
  if (isIsoDate(t)) return t;
  const m = DMY_RE.exec(t);
  if (!m) return null;
  const day = Number(m[1]);
  const month = Number(m[2]);
  const year = Number(m[3]);
  return isRealDate(year, month, day) ? toIsoDate(year, month, day) : null;
}

const jakartaFormatter = new Intl.DateTimeFormat("en-US", {
  timeZone: "Asia/Jakarta",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** Today's date ("YYYY-MM-DD") in Asia/Jakarta (WIB, UTC+7). */
export function todayInJakarta(now: Date = new Date()): string {
  const parts = jakartaFormatter.formatToParts(now);
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value);
  return toIsoDate(get("year"), get("month"), get("day"));
}

/**
 * A schema that depends on today's date, built once per day rather than once per request.
 * zod compiles an object schema into a function the first time it parses with it, which
 * costs ten times the parse itself (0.5 ms against 0.06 for the registration form), so a
 * schema built afresh for every request pays that compile every time. Keeps the last day's.
 */
export function builtPerDay<S>(build: (today: string) => S): (today?: string) => S {
  let built: { today: string; schema: S } | undefined;
  return (today = todayInJakarta()) => {
    if (built?.today !== today) built = { today, schema: build(today) };
    return built.schema;
  };
}

/**
 * Birth date of a participant: valid ISO date, year ≥ MIN_BIRTH_YEAR,
 * not after `today`, and at least MIN_AGE years old on `today`.
 * `today` defaults to todayInJakarta().
 */
export function checkBirthDate(
  birthDate: string,
  opts: { today?: string } = {},
): ValidationKey[] {
  const today = opts.today ?? todayInJakarta();
  if (!isIsoDate(birthDate) || splitIsoDate(birthDate).year < MIN_BIRTH_YEAR) {
    return ["date.invalid"];
  }
  if (birthDate > today) return ["date.future"];
  if (ageOn(birthDate, today) < MIN_AGE) return ["age.under18"];
  return [];
}

/**
 * Date the migrant worker came home to Indonesia. Blank → "returnDate.required"
 * when `required` (the caller decides, e.g. from the migrant status), otherwise
 * blank is fine. Must be a valid ISO date, not after `today`, and not before
 * `birthDate` (when a valid birthDate is given).
 */
export function checkReturnDate(
  returnDate: string | null | undefined,
  opts: { required: boolean; birthDate?: string; today?: string },
): ValidationKey[] {
  if (returnDate == null || returnDate.trim() === "") {
    return opts.required ? ["returnDate.required"] : [];
  }
  if (!isIsoDate(returnDate)) return ["date.invalid"];
  const today = opts.today ?? todayInJakarta();
  const errors: ValidationKey[] = [];
  if (returnDate > today) errors.push("returnDate.future");
  if (opts.birthDate && isIsoDate(opts.birthDate) && returnDate < opts.birthDate) {
    errors.push("returnDate.beforeBirth");
  }
  return errors;
}

import { isCommonPassword } from "./common-passwords";
import type { ValidationKey } from "./keys";
import type { Sex } from "./nik";

// ---------------------------------------------------------------------------
// Generic helpers
// ---------------------------------------------------------------------------

/** Trims and collapses runs of whitespace to one space (NFC-normalised). */
export function collapseSpaces(s: string): string {
  return String(s ?? "")
    .normalize("NFC")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Removes the control characters no keyboard types (C0 but tab, newline and carriage
 * return, and DEL). They arrive only pasted or forged; PostgreSQL refuses NUL in text.
 * Every form's text passes through this before its schema (lib/forms.ts formFields).
 */
export function withoutControlCharacters(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "");
}

// Every C0 control character and DEL, tab, newline and carriage return included: none
// belongs in a value of one line (a query parameter, a sign-in identifier).
const ANY_CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/g;

/** A value of one line without any control character (lib/validation/query.ts). */
export function withoutAnyControlCharacters(s: string): string {
  return s.replace(ANY_CONTROL_CHARACTER, "");
}

/** True when a value of one line holds a control character, tab, newline or CR included. */
export function hasControlCharacters(s: string): boolean {
  return withoutAnyControlCharacters(s) !== s;
}

/** True for null, undefined, "" or whitespace only. */
export function isBlank(value: string | null | undefined): boolean {
  return value == null || String(value).trim() === "";
}

/** ["required"] if blank, else []. */
export function checkRequired(value: string | null | undefined): ValidationKey[] {
  return isBlank(value) ? ["required"] : [];
}

/** Length in Unicode code points (an emoji or a CJK character counts once). */
export function charLength(s: string): number {
  return [...s].length;
}

// ---------------------------------------------------------------------------
// Email
// ---------------------------------------------------------------------------

export const EMAIL_MAX_LENGTH = 254;

/** Trim + lower-case. */
export function normalizeEmail(s: string): string {
  return String(s ?? "").trim().toLowerCase();
}

const EMAIL_LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/i;
const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/i;

/** Checks the email after normalizeEmail: "email.invalid" if malformed or longer than 254. */
export function checkEmail(s: string): ValidationKey[] {
  const email = normalizeEmail(s);
  if (email.length === 0 || email.length > EMAIL_MAX_LENGTH) return ["email.invalid"];
  const at = email.lastIndexOf("@");
  if (at <= 0 || email.indexOf("@") !== at) return ["email.invalid"];
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length > 64 || !EMAIL_LOCAL.test(local)) return ["email.invalid"];
  const labels = domain.split(".");
  if (labels.length < 2) return ["email.invalid"];
  if (!labels.every((l) => DOMAIN_LABEL.test(l))) return ["email.invalid"];
  if (!TLD.test(labels[labels.length - 1])) return ["email.invalid"];
  return [];
}

// ---------------------------------------------------------------------------
// Password (no composition rules; length only, counted in code points, not trimmed)
// ---------------------------------------------------------------------------

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

export function checkPassword(password: string): ValidationKey[] {
  const len = charLength(String(password ?? ""));
  if (len < PASSWORD_MIN_LENGTH) return ["password.tooShort"];
  if (len > PASSWORD_MAX_LENGTH) return ["password.tooLong"];
  // No composition rules, but not one of the passwords attackers try first.
  if (isCommonPassword(String(password))) return ["password.common"];
  return [];
}

// ---------------------------------------------------------------------------
// Full name
// ---------------------------------------------------------------------------

export const FULL_NAME_MIN_LENGTH = 2;
export const FULL_NAME_MAX_LENGTH = 100;

/** Trims and collapses spaces; store this form. */
export function normalizeFullName(s: string): string {
  return collapseSpaces(s);
}

/**
 * Letters of any script (with combining marks), apostrophes (' ’ ʼ), dots,
 * hyphens and spaces; must contain at least one letter.
 */
const NAME_CHARS = /^[\p{L}\p{M}'\u2019\u02BC.\- ]+$/u;
const HAS_LETTER = /\p{L}/u;

export function checkFullName(s: string): ValidationKey[] {
  const name = normalizeFullName(s);
  if (name === "") return ["fullName.required"];
  const len = charLength(name);
  if (len < FULL_NAME_MIN_LENGTH || len > FULL_NAME_MAX_LENGTH) return ["fullName.invalid"];
  if (!NAME_CHARS.test(name) || !HAS_LETTER.test(name)) return ["fullName.invalid"];
  return [];
}

// ---------------------------------------------------------------------------
// Address and sector of work (free text, length only, after collapsing spaces)
// ---------------------------------------------------------------------------

export const ADDRESS_MIN_LENGTH = 5;
export const ADDRESS_MAX_LENGTH = 300;

export function checkAddress(s: string): ValidationKey[] {
  const len = charLength(collapseSpaces(s));
  return len < ADDRESS_MIN_LENGTH || len > ADDRESS_MAX_LENGTH ? ["address.invalid"] : [];
}

export const SECTOR_MIN_LENGTH = 2;
export const SECTOR_MAX_LENGTH = 100;

export function checkSector(s: string): ValidationKey[] {
  const len = charLength(collapseSpaces(s));
  return len < SECTOR_MIN_LENGTH || len > SECTOR_MAX_LENGTH ? ["sector.required"] : [];
}

// ---------------------------------------------------------------------------
// Small enumerations / consent
// ---------------------------------------------------------------------------

export function isSex(value: unknown): value is Sex {
  return value === "L" || value === "P";
}

export function checkSex(value: unknown): ValidationKey[] {
  return isSex(value) ? [] : ["sex.invalid"];
}

/** Consent checkbox: only `true` (or the HTML checkbox value "on") counts. */
export function checkConsent(value: unknown): ValidationKey[] {
  return value === true || value === "on" || value === "true" ? [] : ["consent.required"];
}

/**
 * True if a regency code (Kemendagri "PP.RR" or "PPRR") lies in a province
 * (code "PP"). The caller still checks both codes exist in the reference
 * data ("province.invalid", "regency.invalid") and reports
 * "regency.notInProvince" when this returns false.
 */
export function regencyBelongsToProvince(regencyCode: string, provinceCode: string): boolean {
  const r = String(regencyCode ?? "").replace(/\./g, "");
  const p = String(provinceCode ?? "").replace(/\./g, "");
  return /^\d{2}$/.test(p) && /^\d{4}$/.test(r) && r.startsWith(p);
}

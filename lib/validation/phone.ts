import { parsePhoneNumberFromString, type NumberType } from "libphonenumber-js/max";

export type NormalizePhoneResult =
  | { ok: true; e164: string; country: string }
  | { ok: false; error: "phone.invalid" | "phone.notMobile" };

/** Number types accepted for foreign numbers (some countries can't tell mobile from fixed). */
const FOREIGN_OK_TYPES: ReadonlySet<NumberType> = new Set<NumberType>([
  "MOBILE",
  "FIXED_LINE_OR_MOBILE",
  undefined,
]);

/**
 * Digits and the separators people type; at most one "+", only at the start
 * (optionally inside a parenthesis: "(+62) 812-3456-7890").
 */
const ALLOWED = /^[\s(]*\+?[\d\s().\-\u2010-\u2015]+$/;

const MAX_INPUT_LENGTH = 32;

/**
 * Normalises a phone number to E.164.
 *
 * - Without "+"/"00" the number is read as Indonesian: "081234567890",
 *   "0812-3456-7890", "6281234567890", "81234567890" → "+6281234567890".
 * - Indonesian numbers must be mobile (+62 8…, type MOBILE): landlines,
 *   toll-free etc. → "phone.notMobile".
 * - Foreign numbers must start with "+" or "00" and be valid for their
 *   country; type MOBILE or FIXED_LINE_OR_MOBILE (or unknown) is accepted,
 *   a known fixed line / other service number → "phone.notMobile".
 * - Anything unparseable or invalid → "phone.invalid".
 */
export function normalizePhone(input: string): NormalizePhoneResult {
  const trimmed = String(input ?? "").trim();
  if (trimmed === "" || trimmed.length > MAX_INPUT_LENGTH || !ALLOWED.test(trimmed)) {
    return { ok: false, error: "phone.invalid" };
  }
  // International prefix "00" → "+". (No Indonesian national number starts with 00.)
  const text = trimmed.startsWith("00") ? "+" + trimmed.slice(2) : trimmed;
  if (!/\d/.test(text)) return { ok: false, error: "phone.invalid" };

  const parsed = parsePhoneNumberFromString(text, "ID");
  if (!parsed || !parsed.country || !parsed.isValid()) {
    return { ok: false, error: "phone.invalid" };
  }
  const type = parsed.getType();
  if (parsed.country === "ID") {
    if (type !== "MOBILE") return { ok: false, error: "phone.notMobile" };
  } else if (!FOREIGN_OK_TYPES.has(type)) {
    return { ok: false, error: "phone.notMobile" };
  }
  return { ok: true, e164: parsed.number, country: parsed.country };
}

const BULLET = "\u2022";

/**
 * "+6281234567890" → "+62812••••7890": keeps "+", the country calling code,
 * the first 3 and the last 4 digits of the national number; the rest become
 * bullets (U+2022). At least 4 digits are always hidden, so short national
 * numbers show fewer leading digits: "+85291234567" → "+852••••4567".
 * Input that can't be parsed as "+…" keeps only its last 4 digits visible.
 */
export function maskPhone(e164: string): string {
  const raw = String(e164 ?? "").trim();
  const parsed = raw.startsWith("+") ? parsePhoneNumberFromString(raw) : undefined;
  if (parsed) {
    const national: string = parsed.nationalNumber;
    const len = national.length;
    const tail = Math.min(4, len);
    const head = Math.min(3, Math.max(0, len - tail - 4));
    return (
      `+${parsed.countryCallingCode}` +
      national.slice(0, head) +
      BULLET.repeat(len - head - tail) +
      national.slice(len - tail)
    );
  }
  const digits = raw.replace(/\D/g, "");
  if (digits.length <= 4) return BULLET.repeat(digits.length);
  return BULLET.repeat(digits.length - 4) + digits.slice(-4);
}

import { isIsoDate, isLeapYear } from "./dates";
import type { ValidationKey } from "./keys";

export type Sex = "L" | "P";

export type NikParts = {
  ok: true;
  /** Digits 1–2. */
  provinceCode: string;
  /** Digits 1–4 (province + regency). */
  regencyCode: string;
  /** Digits 1–6 (province + regency + district). */
  districtCode: string;
  /** 1–31 (40 already subtracted for women). */
  birthDay: number;
  /** 1–12. */
  birthMonth: number;
  /** Two-digit year as written, e.g. "90". */
  birthYY: string;
  sex: Sex;
  /** Digits 13–16. */
  serial: string;
};

export type NikParseResult = NikParts | { ok: false; error: "nik.format" | "nik.birthDate" };

/** Removes whitespace, dots and dashes a user may type between digit groups. */
export function normalizeDigits(s: string): string {
  return String(s ?? "").replace(/[\s.\-\u2010-\u2015\u2212]/g, "");
}

const SIXTEEN_DIGITS = /^\d{16}$/;

/**
 * True if DD (1–31, already minus 40) / MM / two-digit YY is a real date.
 * 29 February counts as valid if 19YY or 20YY is a leap year.
 */
function isRealNikDate(day: number, month: number, yy: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  if (month === 2) {
    const leap = isLeapYear(1900 + yy) || isLeapYear(2000 + yy);
    return day <= (leap ? 29 : 28);
  }
  return day <= ([4, 6, 9, 11].includes(month) ? 30 : 31);
}

/** Sex from the raw day field (01–31 men, 41–71 women), or null if out of range. */
function sexFromRawDay(rawDay: number): Sex | null {
  if (rawDay >= 1 && rawDay <= 31) return "L";
  if (rawDay >= 41 && rawDay <= 71) return "P";
  return null;
}

/**
 * Splits a NIK into its parts. Input is normalised with normalizeDigits first.
 * Fails with "nik.format" if not 16 digits and "nik.birthDate" if the embedded
 * date is not a real date. The serial is returned as-is (checkNik flags 0000).
 */
export function parseNik(nik: string): NikParseResult {
  const n = normalizeDigits(nik);
  if (!SIXTEEN_DIGITS.test(n)) return { ok: false, error: "nik.format" };
  const rawDay = Number(n.slice(6, 8));
  const month = Number(n.slice(8, 10));
  const birthYY = n.slice(10, 12);
  const sex = sexFromRawDay(rawDay);
  const day = sex === "P" ? rawDay - 40 : rawDay;
  if (sex === null || !isRealNikDate(day, month, Number(birthYY))) {
    return { ok: false, error: "nik.birthDate" };
  }
  return {
    ok: true,
    provinceCode: n.slice(0, 2),
    regencyCode: n.slice(0, 4),
    districtCode: n.slice(0, 6),
    birthDay: day,
    birthMonth: month,
    birthYY,
    sex,
    serial: n.slice(12, 16),
  };
}

export type CheckNikOptions = {
  /** Participant's birth date "YYYY-MM-DD"; ignored if blank or not a valid ISO date. */
  birthDate?: string;
  /** Participant's sex; compared with the day field (+40 for women). */
  sex?: Sex;
  /** Known province codes (2 digits), e.g. from the reference table. */
  isProvinceCode: (code: string) => boolean;
};

/**
 * All problems with a NIK, each as its own key ([] = fine).
 * Not 16 digits → only "nik.format". Otherwise any of "nik.province",
 * "nik.birthDate", "nik.serial", "nik.birthDateMismatch", "nik.sexMismatch".
 */
export function checkNik(nik: string, opts: CheckNikOptions): ValidationKey[] {
  const n = normalizeDigits(nik);
  if (!SIXTEEN_DIGITS.test(n)) return ["nik.format"];

  const errors: ValidationKey[] = [];
  if (!opts.isProvinceCode(n.slice(0, 2))) errors.push("nik.province");

  const rawDay = Number(n.slice(6, 8));
  const month = Number(n.slice(8, 10));
  const yy = n.slice(10, 12);
  const nikSex = sexFromRawDay(rawDay);
  const day = nikSex === "P" ? rawDay - 40 : rawDay;
  const dateOk = nikSex !== null && isRealNikDate(day, month, Number(yy));
  if (!dateOk) errors.push("nik.birthDate");

  if (n.slice(12, 16) === "0000") errors.push("nik.serial");

  if (dateOk && opts.birthDate && isIsoDate(opts.birthDate)) {
    const [y, m, d] = opts.birthDate.split("-");
    if (y.slice(2) !== yy || Number(m) !== month || Number(d) !== day) {
      errors.push("nik.birthDateMismatch");
    }
  }

  if (nikSex !== null && opts.sex && opts.sex !== nikSex) {
    errors.push("nik.sexMismatch");
  }

  return errors;
}

const BULLET = "\u2022";

/** "3174 0112 3456 0001" → "3174••••••••0001". Anything not 16 digits: bullets except the last 4. */
/** A stored NIK shown masked: only its last four digits are kept in clear (nik_last4). */
export function maskNikLast4(last4: string | null): string {
  return last4 ? BULLET.repeat(12) + last4 : "";
}

export function maskNik(nik: string): string {
  const n = normalizeDigits(nik);
  if (SIXTEEN_DIGITS.test(n)) return n.slice(0, 4) + BULLET.repeat(8) + n.slice(12);
  if (n.length <= 4) return BULLET.repeat(n.length);
  return BULLET.repeat(n.length - 4) + n.slice(-4);
}

/** Last 4 digits of the normalised NIK ("" if it has fewer than 4 characters). */
export function nikLast4(nik: string): string {
  const n = normalizeDigits(nik);
  return n.length >= 4 ? n.slice(-4) : "";
}

import type { ValidationKey } from "./keys";
import { normalizeDigits } from "./nik";

/**
 * At most this many participants may share one KK number. Enforced by the DB
 * layer (it needs a count), which reports "kk.limit".
 */
export const MAX_PARTICIPANTS_PER_KK = 2;

/**
 * Checks a Kartu Keluarga number ([] = fine). Input is normalised with
 * normalizeDigits (spaces, dots, dashes removed).
 * Not 16 digits → only "kk.format"; otherwise "kk.province" (first 2 digits
 * not a known province) and/or "kk.serial" (last 4 digits are 0000).
 */
export function checkKk(
  kk: string,
  opts: { isProvinceCode: (code: string) => boolean },
): ValidationKey[] {
  const n = normalizeDigits(kk);
  if (!/^\d{16}$/.test(n)) return ["kk.format"];
  const errors: ValidationKey[] = [];
  if (!opts.isProvinceCode(n.slice(0, 2))) errors.push("kk.province");
  if (n.slice(12) === "0000") errors.push("kk.serial");
  return errors;
}

import { z } from "zod";
import { resolveCountry } from "@/lib/reference/countries";
import { findProvince, isNikProvinceCode } from "@/lib/reference/regions";
import {
  checkBirthDate,
  checkFullName,
  checkNik,
  checkReturnDate,
  collapseSpaces,
  isBlank,
  normalizeDigits,
  normalizeFullName,
  normalizePhone,
  parseFlexibleDate,
  todayInJakarta,
  type Sex,
  type ValidationKey,
} from "./index";

// The cohort import file (CONTRACT.md, "Cohort import file") and the check of one of its
// rows. The rules are registration's own (NIK and its agreement with birth date and sex,
// age, phone, province, country); the file has no KK column, so the 2-per-KK rule does
// not apply. Pure functions: lib/data/imports.ts adds what needs the database (NIKs and
// phones already registered, repeats inside the file).

export const IMPORT_COLUMNS = [
  "nik",
  "nama_lengkap",
  "tanggal_lahir",
  "jenis_kelamin",
  "no_hp",
  "kode_provinsi",
  "negara_penempatan",
  "tanggal_kedatangan",
  "lokasi_karantina",
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 200_000;
/** A line longer than this is no row of a quarantine list (and would only eat memory). */
export const MAX_LINE_CHARS = 4000;
export const QUARANTINE_LOCATION_MAX = 200;
export const COHORT_MAX = 200;

/**
 * Why a row was refused, as stored in import_rows.reasons: "column:key" or, for a repeat
 * inside the file, "column:key:line" (the line it repeats). The key is a validation key
 * (registration's) or one of the import's own below.
 */
export type ImportReason = string;

export const IMPORT_ONLY_KEYS = ["import.nikScientific", "import.nikInFile", "import.phoneInFile"] as const;
export type ImportReasonKey = ValidationKey | (typeof IMPORT_ONLY_KEYS)[number];

export function reason(column: ImportColumn, key: ImportReasonKey, line?: number): ImportReason {
  return line === undefined ? `${column}:${key}` : `${column}:${key}:${line}`;
}

export function parseReason(value: string): { column: string; key: string; line?: number } {
  const [column, key, line] = value.split(":");
  return { column, key: key ?? "", ...(line ? { line: Number(line) } : {}) };
}

/** What an accepted row becomes (import_rows.data): registration's normalised forms. */
export type ImportRowData = {
  nik: string;
  fullName: string;
  birthDate: string;
  sex: Sex;
  phone: string;
  provinceCode: string;
  countryCode: string;
  arrivalDate: string;
  quarantineLocation: string | null;
};

export type ImportRowCheck = {
  /** The NIK as 16 digits when it has that shape (used to find repeats), else null. */
  nik: string | null;
  /** The phone in E.164 when it is valid, else null. */
  phone: string | null;
  reasons: ImportReason[];
  /**
   * The normalised row when it passed every rule; otherwise what could be read of it
   * (name and masked-to-be NIK), so that a report can point at the row.
   */
  data: ImportRowData | { fullName: string };
};

/** One data row of the file, by column (the header decides the order). */
export type ImportRecord = Record<ImportColumn, string>;

/**
 * Checks one row with registration's rules. `today` (Jakarta) decides age and dates in
 * the future. Every problem of the row is reported, each with its column.
 */
export function checkImportRow(record: ImportRecord, today = todayInJakarta()): ImportRowCheck {
  const reasons: ImportReason[] = [];
  const add = (column: ImportColumn, keys: readonly ImportReasonKey[]) => {
    for (const key of keys) reasons.push(reason(column, key));
  };
  const value = (column: ImportColumn) => String(record[column] ?? "").trim();
  const present = (column: ImportColumn) => {
    if (isBlank(record[column])) add(column, ["required"]);
    return !isBlank(record[column]);
  };

  const fullName = normalizeFullName(value("nama_lengkap"));
  if (present("nama_lengkap")) add("nama_lengkap", checkFullName(fullName));

  // As at registration, the NIK and the arrival date are compared with a birth date that
  // passed its own checks only.
  let birthDate: string | null = null;
  let birthOk = false;
  if (present("tanggal_lahir")) {
    birthDate = parseFlexibleDate(value("tanggal_lahir"));
    if (!birthDate) add("tanggal_lahir", ["date.invalid"]);
    else {
      const problems = checkBirthDate(birthDate, { today });
      add("tanggal_lahir", problems);
      birthOk = problems.length === 0;
    }
  }

  const sexText = value("jenis_kelamin").toUpperCase();
  const sex: Sex | undefined = sexText === "L" || sexText === "P" ? sexText : undefined;
  if (present("jenis_kelamin") && !sex) add("jenis_kelamin", ["sex.invalid"]);

  const nik = normalizeDigits(value("nik"));
  const nikShaped = /^\d{16}$/.test(nik);
  if (present("nik")) {
    // Excel shows a 16-digit number as 3.17401E+15 and keeps only 15 digits of it.
    if (/^\d+(?:[.,]\d+)?e\+?\d+$/i.test(value("nik"))) add("nik", ["import.nikScientific"]);
    else add("nik", checkNik(nik, { birthDate: birthOk ? birthDate! : undefined, sex, isProvinceCode: isNikProvinceCode }));
  }

  const phone = normalizePhone(value("no_hp"));
  if (present("no_hp") && !phone.ok) add("no_hp", [phone.error]);

  const provinceCode = value("kode_provinsi");
  if (present("kode_provinsi") && !findProvince(provinceCode)) add("kode_provinsi", ["province.invalid"]);

  const country = resolveCountry(value("negara_penempatan"));
  if (present("negara_penempatan") && (!country || country === "ID")) add("negara_penempatan", ["country.invalid"]);

  // The quarantine list's arrival date is the day the worker came home: the return date
  // of a "mantan" PMI, with registration's rules for it.
  let arrivalDate: string | null = null;
  if (present("tanggal_kedatangan")) {
    arrivalDate = parseFlexibleDate(value("tanggal_kedatangan"));
    if (!arrivalDate) add("tanggal_kedatangan", ["date.invalid"]);
    else add("tanggal_kedatangan", checkReturnDate(arrivalDate, { required: true, birthDate: birthOk ? birthDate! : undefined, today }));
  }

  const location = collapseSpaces(value("lokasi_karantina"));
  if ([...location].length > QUARANTINE_LOCATION_MAX) add("lokasi_karantina", ["tooLong"]);

  // In the file's column order, whatever order the rules ran in.
  reasons.sort((a, b) => columnIndex(a) - columnIndex(b));
  const result = { nik: nikShaped ? nik : null, phone: phone.ok ? phone.e164 : null };
  if (reasons.length > 0) return { ...result, reasons, data: { fullName: fullName.slice(0, 200) } };
  return {
    ...result,
    reasons,
    data: {
      nik,
      fullName,
      birthDate: birthDate!,
      sex: sex!,
      phone: phone.ok ? phone.e164 : "",
      provinceCode,
      countryCode: country!,
      arrivalDate: arrivalDate!,
      quarantineLocation: location === "" ? null : location,
    },
  };
}

const columnIndex = (r: ImportReason) => IMPORT_COLUMNS.indexOf(r.slice(0, r.indexOf(":")) as ImportColumn);

/** The header row's problems: columns missing, and columns the format does not have. */
export function checkHeader(header: readonly string[]): { missing: string[]; unknown: string[]; repeated: string[] } {
  const names = header.map((h) => normalizeHeader(h));
  const expected = new Set<string>(IMPORT_COLUMNS);
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) repeated.add(n);
    seen.add(n);
  }
  return {
    missing: IMPORT_COLUMNS.filter((c) => !seen.has(c)),
    unknown: names.filter((n) => !expected.has(n)).map((n) => (n === "" ? '""' : n)),
    repeated: [...repeated],
  };
}

/** Header names compare without case and surrounding spaces ("NIK " is "nik"). */
export function normalizeHeader(name: string): string {
  return String(name ?? "").trim().toLowerCase();
}

// ---------------------------------------------------------------------------
// Forms: the upload (cohort name) and the confirmation (caseworkers)
// ---------------------------------------------------------------------------

/** Message keys of the "pmoImports" catalogue. */
export const cohortSchema = z
  .string({ error: "cohortRequired" })
  .transform((s) => collapseSpaces(s))
  .pipe(z.string().min(1, { error: "cohortRequired" }).max(COHORT_MAX, { error: "cohortTooLong" }));

export const MAX_IMPORT_CASEWORKERS = 200;

export const confirmImportSchema = z.object({
  importId: z.uuid({ error: "notFound" }),
  caseworkerIds: z
    .array(z.uuid({ error: "caseworkerInvalid" }).toLowerCase())
    .max(MAX_IMPORT_CASEWORKERS, { error: "caseworkerInvalid" })
    .transform((ids) => [...new Set(ids)]),
});
export type ConfirmImportInput = z.infer<typeof confirmImportSchema>;

/** The history's and the report's paging. */
export const REPORT_PAGE_SIZE = 100;
export const reportPageSchema = z.coerce.number().int().min(1).max(10_000).catch(1);

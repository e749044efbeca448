import { z } from "zod";
import { MIGRANT_STATUSES, SEXES } from "@/db/schema";
import { resolveCountry } from "@/lib/reference/countries";
import { findProvince, findRegency, isNikProvinceCode } from "@/lib/reference/regions";
import {
  checkAddress,
  checkBirthDate,
  checkConsent,
  checkEmail,
  checkFullName,
  checkKk,
  checkNik,
  checkPassword,
  checkReturnDate,
  checkSector,
  isBlank,
  normalizeDigits,
  normalizeEmail,
  normalizeFullName,
  normalizePhone,
  builtPerDay,
  type ValidationKey,
} from "./index";

// The registration form (self and assisted) as one zod schema: zod carries the shape
// and the issues, the rules themselves are the plain functions beside this file. Every
// issue's message is a key of the "validation" catalogue, translated where it is shown.

const field = (max: number) => z.string({ error: "required" }).max(max, { error: "tooLong" }).default("");

const registrationShape = {
  fullName: field(200),
  nik: field(40),
  kk: field(40),
  birthDate: field(20),
  sex: field(2),
  phone: field(40),
  email: field(254),
  provinceCode: field(2),
  regencyCode: field(4),
  address: field(300),
  migrantStatus: field(10),
  countryCode: field(80),
  sector: field(100),
  returnDate: field(20),
  consent: z.string().max(10).optional(),
  submissionId: z.uuid({ error: "form.error" }),
};

export const CONSENT_VERSION = "2021-06-v1";

export type RegistrationData = {
  fullName: string;
  nik: string;
  kk: string;
  birthDate: string;
  sex: (typeof SEXES)[number];
  phone: string;
  email: string | null;
  provinceCode: string;
  regencyCode: string;
  address: string;
  migrantStatus: (typeof MIGRANT_STATUSES)[number];
  countryCode: string;
  sector: string;
  returnDate: string | null;
  submissionId: string;
};

type Raw = z.infer<z.ZodObject<typeof registrationShape>>;

function check(raw: Raw, ctx: z.RefinementCtx, today: string): RegistrationData | undefined {
  const issue = (path: string, keys: ValidationKey[]) => {
    for (const message of keys) ctx.addIssue({ code: "custom", path: [path], message });
  };
  const required = (path: keyof Raw, value: string | undefined) => {
    if (isBlank(value)) issue(path, ["required"]);
    return !isBlank(value);
  };

  const sex = SEXES.find((s) => s === raw.sex);
  if (required("sex", raw.sex) && !sex) issue("sex", ["sex.invalid"]);
  const birthOk = required("birthDate", raw.birthDate) && checkBirthDate(raw.birthDate, { today }).length === 0;
  if (!isBlank(raw.birthDate)) issue("birthDate", checkBirthDate(raw.birthDate, { today }));

  if (required("fullName", raw.fullName)) issue("fullName", checkFullName(raw.fullName));
  if (required("nik", raw.nik)) {
    issue(
      "nik",
      checkNik(raw.nik, { birthDate: birthOk ? raw.birthDate : undefined, sex, isProvinceCode: isNikProvinceCode }),
    );
  }
  if (required("kk", raw.kk)) issue("kk", checkKk(raw.kk, { isProvinceCode: isNikProvinceCode }));

  const phone = normalizePhone(raw.phone);
  if (required("phone", raw.phone) && !phone.ok) issue("phone", [phone.ok ? "phone.invalid" : phone.error]);
  if (!isBlank(raw.email)) issue("email", checkEmail(raw.email));

  const province = findProvince(raw.provinceCode);
  if (required("provinceCode", raw.provinceCode) && !province) issue("provinceCode", ["province.invalid"]);
  const regency = findRegency(raw.regencyCode);
  if (required("regencyCode", raw.regencyCode)) {
    if (!regency) issue("regencyCode", ["regency.invalid"]);
    else if (province && regency.provinceCode !== province.code) issue("regencyCode", ["regency.notInProvince"]);
  }
  if (required("address", raw.address)) issue("address", checkAddress(raw.address));

  const status = MIGRANT_STATUSES.find((s) => s === raw.migrantStatus);
  if (required("migrantStatus", raw.migrantStatus) && !status) issue("migrantStatus", ["migrantStatus.invalid"]);
  const country = resolveCountry(raw.countryCode);
  if (required("countryCode", raw.countryCode) && (!country || country === "ID")) {
    issue("countryCode", ["country.invalid"]);
  }
  if (required("sector", raw.sector)) issue("sector", checkSector(raw.sector));
  issue(
    "returnDate",
    checkReturnDate(raw.returnDate, {
      required: status === "mantan",
      birthDate: birthOk ? raw.birthDate : undefined,
      today,
    }),
  );
  issue("consent", checkConsent(raw.consent));

  return {
    fullName: normalizeFullName(raw.fullName),
    nik: normalizeDigits(raw.nik),
    kk: normalizeDigits(raw.kk),
    birthDate: raw.birthDate,
    sex: sex ?? "L",
    phone: phone.ok ? phone.e164 : "",
    email: isBlank(raw.email) ? null : normalizeEmail(raw.email),
    provinceCode: raw.provinceCode,
    regencyCode: raw.regencyCode,
    address: raw.address.trim().replace(/\s+/g, " "),
    migrantStatus: status ?? "calon",
    countryCode: country ?? "",
    sector: raw.sector.trim().replace(/\s+/g, " "),
    returnDate: status === "mantan" && !isBlank(raw.returnDate) ? raw.returnDate : null,
    submissionId: raw.submissionId,
  };
}

/** Assisted registration: the caseworker fills it in; no password. */
export const assistedRegistrationSchema = builtPerDay((today) =>
  z.object(registrationShape).transform((raw, ctx) => check(raw, ctx, today) ?? z.NEVER),
);

/** Self-registration: the same fields plus the password the worker chooses. */
export const selfRegistrationSchema = builtPerDay((today) =>
  z
    .object({ ...registrationShape, password: z.string({ error: "required" }).max(1024).default("") })
    .transform((raw, ctx) => {
      if (isBlank(raw.password)) ctx.addIssue({ code: "custom", path: ["password"], message: "required" });
      else for (const message of checkPassword(raw.password)) ctx.addIssue({ code: "custom", path: ["password"], message });
      const data = check(raw, ctx, today);
      return data ? { ...data, password: raw.password } : z.NEVER;
    }),
);

export type SelfRegistrationData = RegistrationData & { password: string };

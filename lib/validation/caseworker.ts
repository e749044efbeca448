import { z } from "zod";
import { CHANNELS, OUTCOMES, STAGES } from "@/db/schema";
import { checkAddress, checkEmail, isBlank, normalizeEmail } from "./common";
import { builtPerDay, isIsoDate } from "./dates";
import { normalizePhone } from "./phone";
import { findProvince, findRegency } from "@/lib/reference/regions";

// Schemas of the caseworker's forms on a participant's page. Messages are keys of the
// "validation" catalogue; the data layer adds the checks that need the database
// (assignment, registration date, the catalogue, the record's version).

const optionalText = (max: number, key: string) =>
  z
    .string()
    .max(max, { error: key })
    .optional()
    .transform((v) => (isBlank(v) ? null : v!.trim()));

const isoDate = z
  .string({ error: "required" })
  .trim()
  .min(1, { error: "required" })
  .refine(isIsoDate, { error: "date.invalid" });

const optionalDate = z
  .string()
  .trim()
  .optional()
  .transform((v) => (isBlank(v) ? null : v!))
  .refine((v) => v === null || isIsoDate(v), { error: "date.invalid" });

const code = z.string().trim().max(60).optional().transform((v) => (isBlank(v) ? null : v!));

export const participantIdField = z.uuid({ error: "form.error" });
const version = z.coerce.number({ error: "form.error" }).int().min(1);

export const serviceLogSchema = builtPerDay((today) =>
  z
    .object({
      participantId: participantIdField,
      submissionId: z.uuid({ error: "form.error" }),
      correctsId: z
        .string()
        .optional()
        .transform((v) => (isBlank(v) ? null : v!))
        .refine((v) => v === null || z.uuid().safeParse(v).success, { error: "form.error" }),
      serviceCode: z.string({ error: "serviceLog.unknownService" }).trim().min(1, { error: "serviceLog.unknownService" }).max(60),
      occurredOn: isoDate.refine((v) => v <= today, { error: "date.future" }),
      channel: z.enum(CHANNELS, { error: "serviceLog.invalidChannel" }),
      outcome: z.enum(OUTCOMES, { error: "serviceLog.invalidOutcome" }),
      blockerCode: code,
      notes: optionalText(2000, "notes.tooLong"),
      nextFollowUpOn: optionalDate,
    })
    .superRefine((v, ctx) => {
      if (v.outcome === "blocked" && !v.blockerCode) {
        ctx.addIssue({ code: "custom", path: ["blockerCode"], message: "serviceLog.blockerRequired" });
      }
      if (v.outcome !== "blocked" && v.blockerCode) {
        ctx.addIssue({ code: "custom", path: ["blockerCode"], message: "serviceLog.blockerNotAllowed" });
      }
      if (v.nextFollowUpOn && v.nextFollowUpOn < v.occurredOn) {
        ctx.addIssue({ code: "custom", path: ["nextFollowUpOn"], message: "serviceLog.followUpBeforeService" });
      }
    }),
);
export type ServiceLogInput = z.infer<ReturnType<typeof serviceLogSchema>>;

const reason = z
  .string({ error: "reason.required" })
  .trim()
  .min(3, { error: "reason.required" })
  .max(500, { error: "tooLong" });

export const stageChangeSchema = z.object({
  participantId: participantIdField,
  version,
  toStage: z.enum(STAGES, { error: "stage.invalid" }),
  reason,
});
export type StageChangeInput = z.infer<typeof stageChangeSchema>;

export const contactSchema = z
  .object({
    participantId: participantIdField,
    version,
    phone: z.string({ error: "required" }).max(40, { error: "tooLong" }),
    email: z.string().max(254, { error: "tooLong" }).optional().default(""),
    address: z.string({ error: "required" }).max(300, { error: "tooLong" }),
    // The place of residence, as in registration: a change of province moves the
    // participant to another region (docs/decisions/037-province-moves.md).
    provinceCode: z.string({ error: "required" }).max(10, { error: "province.invalid" }),
    regencyCode: z.string({ error: "required" }).max(10, { error: "regency.invalid" }),
  })
  .transform((v, ctx) => {
    const phone = normalizePhone(v.phone);
    if (isBlank(v.phone)) ctx.addIssue({ code: "custom", path: ["phone"], message: "required" });
    else if (!phone.ok) ctx.addIssue({ code: "custom", path: ["phone"], message: phone.error });
    if (!isBlank(v.email)) {
      for (const message of checkEmail(v.email)) ctx.addIssue({ code: "custom", path: ["email"], message });
    }
    if (isBlank(v.address)) ctx.addIssue({ code: "custom", path: ["address"], message: "required" });
    else for (const message of checkAddress(v.address)) ctx.addIssue({ code: "custom", path: ["address"], message });
    const province = isBlank(v.provinceCode) ? undefined : findProvince(v.provinceCode.trim());
    if (isBlank(v.provinceCode)) ctx.addIssue({ code: "custom", path: ["provinceCode"], message: "required" });
    else if (!province) ctx.addIssue({ code: "custom", path: ["provinceCode"], message: "province.invalid" });
    const regency = isBlank(v.regencyCode) ? undefined : findRegency(v.regencyCode.trim());
    if (isBlank(v.regencyCode)) ctx.addIssue({ code: "custom", path: ["regencyCode"], message: "required" });
    else if (!regency) ctx.addIssue({ code: "custom", path: ["regencyCode"], message: "regency.invalid" });
    else if (province && regency.provinceCode !== province.code) {
      ctx.addIssue({ code: "custom", path: ["regencyCode"], message: "regency.notInProvince" });
    }
    return {
      participantId: v.participantId,
      version: v.version,
      phone: phone.ok ? phone.e164 : "",
      email: isBlank(v.email) ? null : normalizeEmail(v.email),
      address: v.address.trim().replace(/\s+/g, " "),
      provinceCode: province?.code ?? "",
      regencyCode: regency?.code ?? "",
    };
  });
export type ContactInput = z.infer<typeof contactSchema>;

export const milestonesSchema = builtPerDay((today) => {
  const pastDate = optionalDate.refine((v) => v === null || v <= today, { error: "date.future" });
  return z.object({
    participantId: participantIdField,
    version,
    cardNumber: z
      .string()
      .optional()
      .transform((v) => (isBlank(v) ? null : v!.replace(/[\s.-]/g, "")))
      .refine((v) => v === null || /^\d{16}$/.test(v), { error: "cardNumber.invalid" }),
    cardReceivedOn: pastDate,
    wave: z
      .string()
      .optional()
      .transform((v) => (isBlank(v) ? null : Number(v)))
      .refine((v) => v === null || (Number.isInteger(v) && v >= 1 && v <= 999), { error: "wave.invalid" }),
    trainingBoughtOn: pastDate,
    // The LMS session may be planned ahead.
    lmsSessionOn: optionalDate,
  });
});
export type MilestonesInput = z.infer<ReturnType<typeof milestonesSchema>>;

/** Caseload filters from the query string; anything unexpected falls back to the default. */
export const caseloadQuerySchema = z.object({
  q: z.string().trim().max(100).catch("").default(""),
  stage: z.enum(STAGES).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});
export type CaseloadQuery = z.infer<typeof caseloadQuerySchema>;

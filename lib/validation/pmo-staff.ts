import { z } from "zod";
import { STAGES } from "@/db/schema";
import { checkEmail, checkFullName, isBlank, normalizeEmail, normalizeFullName } from "./common";
import { isIsoDate } from "./dates";
import { normalizePhone } from "./phone";
import { isProvinceCode } from "@/lib/reference/regions";

// Schemas of the PMO's staff pages: caseworker accounts, assignments, the audit log.
// Messages are keys of the "validation" catalogue where one fits, otherwise of
// pmoCaseworkers.errors (the keys starting with "assignment." or "caseworker.").

/** At most this many participants move in one submit (two pages of the list). */
export const MAX_BULK_ASSIGN = 200;
/** The value of the target select that removes the assignment. */
export const UNASSIGN = "none";

const uuid = z.uuid({ error: "form.error" });

/** A caseworker's province: two digits of a known province, or "" for none. */
const caseworkerProvince = z
  .string()
  .trim()
  .optional()
  .default("")
  .refine((v) => v === "" || isProvinceCode(v), { error: "caseworker.provinceUnknown" })
  .transform((v) => (v === "" ? null : v));

/** A staff account's name, email and phone as typed (caseworkers, regional coordinators). */
export const staffContactFields = {
  name: z.string({ error: "fullName.required" }).max(200, { error: "tooLong" }).default(""),
  email: z.string({ error: "required" }).max(254, { error: "tooLong" }).default(""),
  phone: z.string().max(40, { error: "tooLong" }).optional().default(""),
};

/** Checks the contact fields beside each field and returns them normalised (phone in E.164 or null). */
export function staffContact(v: { name: string; email: string; phone: string }, ctx: z.RefinementCtx) {
  for (const message of checkFullName(v.name)) ctx.addIssue({ code: "custom", path: ["name"], message });
  if (isBlank(v.email)) ctx.addIssue({ code: "custom", path: ["email"], message: "required" });
  else for (const message of checkEmail(v.email)) ctx.addIssue({ code: "custom", path: ["email"], message });
  const phone = isBlank(v.phone) ? null : normalizePhone(v.phone);
  if (phone && !phone.ok) ctx.addIssue({ code: "custom", path: ["phone"], message: phone.error });
  return { name: normalizeFullName(v.name), email: normalizeEmail(v.email), phone: phone?.ok ? phone.e164 : null };
}

export const newCaseworkerSchema = z
  .object({ ...staffContactFields, provinceCode: caseworkerProvince })
  .transform((v, ctx) => ({ ...staffContact(v, ctx), provinceCode: v.provinceCode }));
export type NewCaseworker = z.infer<typeof newCaseworkerSchema>;

/** A new code: which caseworker. */
export const caseworkerIdSchema = z.object({ caseworkerId: uuid });

/** Disable or enable: which caseworker, and which of the two. */
export const caseworkerStatusSchema = z.object({
  caseworkerId: uuid,
  status: z.enum(["disable", "enable"], { error: "form.error" }),
});

/** A caseworker's province set or cleared by the PMO. */
export const caseworkerProvinceSchema = z.object({ caseworkerId: uuid, provinceCode: caseworkerProvince });
export type CaseworkerProvinceInput = z.infer<typeof caseworkerProvinceSchema>;

/** The automatic assignment rule switched on or off (docs/decisions/020). */
export const assignmentRuleSchema = z.object({ autoAssign: z.enum(["on", "off"], { error: "form.error" }).transform((v) => v === "on") });
export type AssignmentRuleInput = z.infer<typeof assignmentRuleSchema>;

/**
 * Assignment: the ticked participants (checkbox values, repeated `participantIds`) and
 * the target, a caseworker's id or UNASSIGN. Ids are deduplicated and lower-cased.
 */
export const assignmentSchema = z.object({
  participantIds: z
    .array(z.string().trim().toLowerCase().pipe(z.uuid({ error: "assignment.unknownParticipant" })), {
      error: "assignment.noneSelected",
    })
    .min(1, { error: "assignment.noneSelected" })
    .max(MAX_BULK_ASSIGN, { error: "assignment.tooMany" })
    .transform((ids) => [...new Set(ids)]),
  caseworkerId: z
    .string({ error: "assignment.chooseTarget" })
    .trim()
    .toLowerCase()
    .pipe(
      z.union([z.literal(UNASSIGN, { error: "assignment.chooseTarget" }), z.uuid({ error: "assignment.chooseTarget" })], {
        error: "assignment.chooseTarget",
      }),
    )
    .transform((v) => (v === UNASSIGN ? null : v)),
});
export type AssignmentInput = z.infer<typeof assignmentSchema>;

const page = z.coerce.number().int().min(1).max(10_000).catch(1).default(1);
const optionalDate = z
  .string()
  .trim()
  .refine(isIsoDate)
  .optional()
  .catch(undefined);

/**
 * The participant list of the assignment form, from the query string: `assigned` is
 * "unassigned" (the default: who waits for a caseworker), "all", or a caseworker's id.
 */
export const assignmentQuerySchema = z.object({
  assigned: z
    .union([z.enum(["unassigned", "all"]), z.uuid()])
    .catch("unassigned")
    .default("unassigned"),
  stage: z.enum(STAGES).optional().catch(undefined),
  province: z
    .string()
    .regex(/^[1-9][0-9]$/)
    .optional()
    .catch(undefined),
  q: z.string().trim().max(100).catch("").default(""),
  page,
});
export type AssignmentQuery = z.infer<typeof assignmentQuerySchema>;

/**
 * Audit log filters: `actorId` is a staff member's id, chosen from a list, or "system"
 * (events with no person behind them). The actor is never typed: no part of an email
 * travels in the URL.
 */
export const auditQuerySchema = z.object({
  actorId: z
    .union([z.literal("system"), z.uuid().toLowerCase()])
    .optional()
    .catch(undefined),
  action: z.string().trim().max(100).catch("").default(""),
  record: z.string().trim().max(100).catch("").default(""),
  from: optionalDate,
  to: optionalDate,
  page,
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

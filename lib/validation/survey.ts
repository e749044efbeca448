import { z } from "zod";
import { EMPLOYMENT_STATUSES, PLANS_ABROAD, TRAINING_HELPED } from "@/db/schema";
import { BLOCKERS } from "@/lib/reference/services";
import { isBlank, withoutControlCharacters } from "./common";

// The evaluation survey (Survei Evaluasi) at /me/survey. The participant is found from
// the session; participantId is the form's own record, checked against it by the data layer.

/** What was hardest: the blocker codes the PMO already counts, plus "other" with free text. */
export const HARDEST_CHOICES = [...BLOCKERS.map((b) => b.code), "other"] as const;
export const SATISFACTION_SCALE = [1, 2, 3, 4, 5] as const;
export const HARDEST_OTHER_MAX = 500;

const choice = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: "survey.choose" });

export const surveySchema = z
  .object({
    participantId: z.uuid({ error: "form.error" }),
    employmentStatus: choice(EMPLOYMENT_STATUSES),
    trainingHelped: choice(TRAINING_HELPED),
    satisfaction: z.coerce
      .number({ error: "survey.choose" })
      .int({ error: "survey.choose" })
      .min(1, { error: "survey.choose" })
      .max(5, { error: "survey.choose" }),
    // Checkboxes: none, one or several values under the same name.
    hardest: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
      .pipe(z.array(z.enum(HARDEST_CHOICES as unknown as [string, ...string[]], { error: "survey.choose" })).max(HARDEST_CHOICES.length)),
    hardestOther: z
      .string()
      .max(HARDEST_OTHER_MAX, { error: "tooLong" })
      .optional()
      .transform((v) => (isBlank(v) ? null : v!.trim().replace(/\s+/g, " "))),
    plansAbroad: choice(PLANS_ABROAD),
  })
  .transform((v, ctx) => {
    const hardest = [...new Set(v.hardest)];
    // Text about "other" ticks "other"; "other" ticked needs its text.
    if (v.hardestOther && !hardest.includes("other")) hardest.push("other");
    if (hardest.includes("other") && !v.hardestOther) {
      ctx.addIssue({ code: "custom", path: ["hardestOther"], message: "survey.otherRequired" });
    }
    const order = (code: string) => HARDEST_CHOICES.indexOf(code as (typeof HARDEST_CHOICES)[number]);
    return { ...v, hardest: hardest.sort((a, b) => order(a) - order(b)) };
  });
export type SurveyInput = z.infer<typeof surveySchema>;

/** The survey form's fields as zod expects them: checkboxes as a list. */
export function surveyFields(formData: FormData): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value === "string" && !key.startsWith("$") && key !== "hardest") fields[key] = withoutControlCharacters(value);
  }
  fields.hardest = formData.getAll("hardest").filter((v): v is string => typeof v === "string");
  return fields;
}

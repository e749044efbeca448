"use server";

import { getTranslations } from "next-intl/server";
import { revalidatePath } from "next/cache";
import { requireUser } from "@/lib/data/session";
import { submitSurvey } from "@/lib/data/survey";
import { formError, formSuccess, type FormState } from "@/lib/forms";
import { surveyFields, surveySchema } from "@/lib/validation/survey";

/** A failed answer keeps every ticked box (the generic form state keeps one value per name). */
async function refused(error: Parameters<typeof formError>[0], formData: FormData): Promise<FormState> {
  const state = await formError(error, formData);
  return { ...state, values: { ...state.values, hardest: formData.getAll("hardest").map(String).join(",") } };
}

export async function submitSurveyAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = surveySchema.safeParse(surveyFields(formData));
  if (!parsed.success) return refused(parsed.error, formData);
  const result = await submitSurvey(await requireUser(), parsed.data);
  if (!result.ok) return refused(result.fieldErrors, formData);
  revalidatePath("/me/survey");
  revalidatePath("/me");
  return formSuccess((await getTranslations("survey"))("saved"));
}

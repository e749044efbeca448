"use server";

import { getTranslations } from "next-intl/server";
import { revalidatePath } from "next/cache";
import { createHelpRequest } from "@/lib/data/help";
import { requireUser } from "@/lib/data/session";
import { formError, formFields, formSuccess, type FormState } from "@/lib/forms";
import { helpRequestSchema } from "@/lib/validation/help";

export async function askForHelpAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = helpRequestSchema.safeParse(formFields(formData));
  if (!parsed.success) return formError(parsed.error, formData);
  const result = await createHelpRequest(await requireUser(), parsed.data);
  if (!result.ok) return formError(result.fieldErrors, formData);
  revalidatePath("/me/help");
  revalidatePath("/me");
  return formSuccess((await getTranslations("help"))("sent"));
}

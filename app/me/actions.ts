"use server";

import { getTranslations } from "next-intl/server";
import { revalidatePath } from "next/cache";
import { updateOwnContact } from "@/lib/data/self-service";
import { requireUser } from "@/lib/data/session";
import { formError, formFields, formSuccess, type FormState } from "@/lib/forms";
import { ownContactSchema } from "@/lib/validation/own-contact";

// The participant's own forms on /me. Each action: parse, check the user, call the data
// layer (which checks that the record is the participant's own), answer with form state.

export async function updateOwnContactAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = ownContactSchema.safeParse(formFields(formData));
  if (!parsed.success) return formError(parsed.error, formData);
  const result = await updateOwnContact(await requireUser(), parsed.data);
  if (!result.ok) return formError(result.fieldErrors, formData);
  revalidatePath("/me");
  return formSuccess((await getTranslations("meSelf"))("saved"));
}

"use server";

import { getTranslations } from "next-intl/server";
import { revalidatePath } from "next/cache";
import { setTarget } from "@/lib/data/programme";
import { requireUser } from "@/lib/data/session";
import { formError, formFields, formSuccess, type FormState } from "@/lib/forms";
import { targetSchema } from "@/lib/validation/dashboard";

export async function setTargetAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = targetSchema.safeParse(formFields(formData));
  if (!parsed.success) return formError(parsed.error, formData);
  await setTarget(await requireUser(), parsed.data);
  revalidatePath("/pmo");
  return formSuccess((await getTranslations("pmo"))("targetSaved"));
}

"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requestDeletion, withdrawConsent, type DataRequestResult } from "@/lib/data/data-rights";
import { requireUser } from "@/lib/data/session";
import { formError, formFields, type FormState } from "@/lib/forms";
import { dataRequestSchema, type DataRequestInput } from "@/lib/validation/data-rights";

async function ask(
  formData: FormData,
  send: (viewer: Awaited<ReturnType<typeof requireUser>>, input: DataRequestInput) => Promise<DataRequestResult>,
  sent: "deletion" | "consent_withdrawal",
): Promise<FormState> {
  const parsed = dataRequestSchema.safeParse(formFields(formData));
  if (!parsed.success) return formError(parsed.error, formData);
  const result = await send(await requireUser(), parsed.data);
  if (!result.ok) return formError(result.fieldErrors, formData);
  revalidatePath("/me/data");
  // The page shows the request and its deadline at the top, with or without JavaScript.
  redirect(`/me/data?sent=${sent}`);
}

export async function requestDeletionAction(_prev: FormState, formData: FormData): Promise<FormState> {
  return ask(formData, requestDeletion, "deletion");
}

export async function withdrawConsentAction(_prev: FormState, formData: FormData): Promise<FormState> {
  return ask(formData, withdrawConsent, "consent_withdrawal");
}

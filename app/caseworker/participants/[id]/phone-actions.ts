"use server";

import { getTranslations } from "next-intl/server";
import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { requireUserWith } from "@/lib/data/session";
import { clientIp } from "@/lib/data/throttle";
import { confirmPhone, sendPhoneConfirmation } from "@/lib/data/verification-codes";
import { formError, formFields, formSuccess, type FormState } from "@/lib/forms";
import { phoneCodeRequestSchema, phoneCodeSchema } from "@/lib/validation/verification";

// The caseworker, sitting with the worker, confirms the worker's phone: a code goes to
// the worker's WhatsApp, the worker reads it out, the caseworker types it in. The data
// layer checks that the participant is assigned to this caseworker (404 otherwise).

const pathOf = (participantId: string) => `/caseworker/participants/${participantId}`;

export async function sendPhoneCodeAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = phoneCodeRequestSchema.safeParse(formFields(formData));
  if (!parsed.success) return formError(parsed.error, formData);
  const result = await sendPhoneConfirmation(await requireUserWith("update:participant:assigned"), parsed.data.participantId);
  if (!result.ok) return formError({ form: [result.error] }, formData);
  revalidatePath(pathOf(parsed.data.participantId));
  return formSuccess((await getTranslations("phoneConfirm"))("sentTo", { phone: result.sentTo }));
}

export async function confirmPhoneAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = phoneCodeSchema.safeParse(formFields(formData));
  if (!parsed.success) return formError(parsed.error, formData);
  const result = await confirmPhone(await requireUserWith("update:participant:assigned"), parsed.data, clientIp(await headers()));
  if (!result.ok) return formError(result.fieldErrors, formData);
  revalidatePath(pathOf(parsed.data.participantId));
  return formSuccess((await getTranslations("phoneConfirm"))("done"));
}

"use server";

import { getTranslations } from "next-intl/server";
import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { setPreferredChannel, updateOwnContact } from "@/lib/data/self-service";
import { requireUser, requireUserWith } from "@/lib/data/session";
import { clientIp } from "@/lib/data/throttle";
import { confirmPhone, sendPhoneConfirmation } from "@/lib/data/verification-codes";
import { formError, formFields, formSuccess, type FormState } from "@/lib/forms";
import { ownContactSchema } from "@/lib/validation/own-contact";
import { phoneCodeRequestSchema, phoneCodeSchema, preferredChannelSchema } from "@/lib/validation/verification";

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

export async function setPreferredChannelAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = preferredChannelSchema.safeParse(formFields(formData));
  if (!parsed.success) return formError(parsed.error, formData);
  const result = await setPreferredChannel(await requireUser(), parsed.data);
  if (!result.ok) return formError(result.fieldErrors, formData);
  revalidatePath("/me");
  return formSuccess((await getTranslations("messageChannel"))("saved"));
}

export async function sendOwnPhoneCodeAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = phoneCodeRequestSchema.safeParse(formFields(formData));
  if (!parsed.success) return formError(parsed.error, formData);
  const result = await sendPhoneConfirmation(await requireUserWith("update:participant:own"), parsed.data.participantId);
  if (!result.ok) return formError({ form: [result.error] }, formData);
  revalidatePath("/me");
  return formSuccess((await getTranslations("phoneConfirm"))("sentTo", { phone: result.sentTo }));
}

export async function confirmOwnPhoneAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = phoneCodeSchema.safeParse(formFields(formData));
  if (!parsed.success) return formError(parsed.error, formData);
  const result = await confirmPhone(await requireUserWith("update:participant:own"), parsed.data, clientIp(await headers()));
  if (!result.ok) return formError(result.fieldErrors, formData);
  revalidatePath("/me");
  return formSuccess((await getTranslations("phoneConfirm"))("done"));
}

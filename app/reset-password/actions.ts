"use server";

import { getTranslations } from "next-intl/server";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { clientIp } from "@/lib/data/throttle";
import { requestPasswordReset, resetPasswordWithCode } from "@/lib/data/verification-codes";
import { formError, formFields, typedValues, type FormState } from "@/lib/forms";
import { resetRequestSchema, resetSchema } from "@/lib/validation/verification";

// /reset-password: a forgotten password, in two steps. Neither answer tells whether an
// account exists: the first always says a code is on its way if the account has
// somewhere to send it, the second has one message for every failure.

export type ResetState = FormState & { step?: "code" };

export async function requestResetAction(_prev: ResetState, formData: FormData): Promise<ResetState> {
  const parsed = resetRequestSchema.safeParse(formFields(formData));
  if (!parsed.success) return formError(parsed.error, formData);
  await requestPasswordReset({ identifier: parsed.data.identifier, ip: clientIp(await headers()) });
  const t = await getTranslations("passwordReset");
  return { ok: true, step: "code", attempt: crypto.randomUUID(), message: t("requested"), values: { identifier: parsed.data.identifier } };
}

export async function resetAction(_prev: ResetState, formData: FormData): Promise<ResetState> {
  const t = await getTranslations("passwordReset");
  const parsed = resetSchema.safeParse(formFields(formData));
  if (!parsed.success) return { ...(await formError(parsed.error, formData)), step: "code" };
  const result = await resetPasswordWithCode({ ...parsed.data, ip: clientIp(await headers()) });
  if (!result.ok) {
    if (!result.failed) return { ...(await formError(result.fieldErrors, formData)), step: "code" };
    return { ok: false, step: "code", attempt: crypto.randomUUID(), message: t("failed"), values: typedValues(formData) };
  }
  // Every session of the account has ended; the person signs in with the new password.
  redirect("/login?reset=done");
}

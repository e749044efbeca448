"use server";

import { signIn } from "@/lib/auth";
import { registerSelf } from "@/lib/data/participants";
import { formError, formFields, type FormState } from "@/lib/forms";
import { selfRegistrationSchema } from "@/lib/validation/registration";

export async function registerAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = selfRegistrationSchema().safeParse(formFields(formData));
  if (!parsed.success) return formError(parsed.error, formData);
  const result = await registerSelf(parsed.data);
  if (!result.ok) return formError(result.fieldErrors, formData);
  // Signs the new participant in; throws the redirect to /me.
  await signIn("credentials", { identifier: parsed.data.phone, password: parsed.data.password, redirectTo: "/me" });
  return { ok: true };
}

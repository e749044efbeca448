"use server";

import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { signIn } from "@/lib/auth";
import { headers } from "next/headers";
import { activateAccount } from "@/lib/data/activation";
import { clientIp } from "@/lib/data/throttle";
import { issueSignInTicket } from "@/lib/data/users";
import { formError, formFields, typedValues, type FormState } from "@/lib/forms";
import { checkConsent, isBlank } from "@/lib/validation";

const activateForm = z.object({
  identifier: z.string().max(254).default(""),
  code: z.string().max(40).default(""),
  password: z.string().max(1024).default(""),
  consent: z.string().max(10).optional(),
});

export async function activateAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const t = await getTranslations("activation");
  // One answer for every failure the person cannot fix by themselves: it must not tell
  // whether the account or the code exists.
  const failed = (): FormState => ({
    ok: false,
    attempt: crypto.randomUUID(),
    message: t("failed"),
    values: typedValues(formData),
  });
  const parsed = activateForm.safeParse(formFields(formData));
  if (!parsed.success) return failed();
  const { identifier, code, password, consent } = parsed.data;

  const missing: Record<string, string[]> = {};
  for (const [field, value] of Object.entries({ identifier, code, password })) {
    if (isBlank(value)) missing[field] = ["required"];
  }
  if (Object.keys(missing).length > 0) return formError(missing, formData);

  const ip = clientIp(await headers());
  const result = await activateAccount({ identifier, code, password, consent: checkConsent(consent).length === 0, ip });
  if (!result.ok) return result.failed ? failed() : formError(result.fieldErrors, formData);
  // Signs the person in; throws the redirect. The login page sends a signed-in user on to
  // their role's home (/me for a worker, /caseworker). The code has just proved who they
  // are and the password was set with it, so a sign-in ticket stands in for checking the
  // password again with argon2.
  const ticket = (await issueSignInTicket(result.userId)) ?? "";
  await signIn("credentials", { identifier, ticket, redirectTo: "/login" });
  return { ok: true };
}

"use server";

import { AuthError } from "next-auth";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { signIn } from "@/lib/auth";
import { formFields, type FormState } from "@/lib/forms";

const signInForm = z.object({
  identifier: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(1024),
});

export async function signInAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const t = await getTranslations("login");
  const parsed = signInForm.safeParse(formFields(formData));
  const identifier = String(formData.get("identifier") ?? "").slice(0, 254);
  // One message for every failure: it must not tell whether the account exists.
  const failed: FormState = { ok: false, attempt: crypto.randomUUID(), message: t("failed"), values: { identifier } };
  if (!parsed.success) return failed;
  try {
    // The login page sends a signed-in user on to their role's home.
    await signIn("credentials", { ...parsed.data, redirectTo: "/login" });
  } catch (error) {
    if (error instanceof AuthError) {
      const locked = (error as AuthError & { code?: string }).code === "locked";
      return locked ? { ...failed, message: t("locked") } : failed;
    }
    throw error; // the redirect after success
  }
  return failed;
}

"use client";

import { useActionState } from "react";
import { ActionForm } from "@/components/action-form";
import { Field, FormMessage, SubmitButton } from "@/components/field";
import { useTexts } from "@/components/texts";
import type { FormState } from "@/lib/forms";
import { changePasswordAction } from "./actions";

/** The current password and a new one; works without JavaScript (components/action-form.tsx). */
export function PasswordForm() {
  const t = useTexts("account");
  const [state, action, pending] = useActionState(changePasswordAction, {} as FormState);
  const e = state.fieldErrors ?? {};
  return (
    <ActionForm action={action} className="space-y-4" noValidate key={state.attempt}>
      <FormMessage message={e.form?.length ? e.form.join(" ") : state.message} />
      <Field name="currentPassword" label={t("currentPassword")} errors={e.currentPassword} required>
        {(p) => <input {...p} type="password" autoComplete="current-password" maxLength={1024} />}
      </Field>
      <Field name="newPassword" label={t("newPassword")} hint={t("newPasswordHint")} errors={e.newPassword} required>
        {(p) => <input {...p} type="password" autoComplete="new-password" maxLength={128} />}
      </Field>
      <SubmitButton pending={pending}>{t("submit")}</SubmitButton>
    </ActionForm>
  );
}

"use client";

import { useActionState } from "react";
import { ActionForm } from "@/components/action-form";
import { Field, SubmitButton } from "@/components/field";
import { ErrorSummary } from "@/components/error-summary";
import { useTexts } from "@/components/texts";
import type { FormState } from "@/lib/forms";
import { changePasswordAction } from "./actions";

/** The current password and a new one; works without JavaScript (components/action-form.tsx). */
export function PasswordForm() {
  const t = useTexts("account");
  const tForms = useTexts("forms");
  const [state, action, pending] = useActionState(changePasswordAction, {} as FormState);
  const e = state.fieldErrors ?? {};
  // Passwords are never sent back: after a refusal both fields are empty and say so.
  const again = state.attempt && !state.ok ? tForms("passwordAgain") : undefined;
  return (
    <ActionForm action={action} className="space-y-4" noValidate key={state.attempt}>
      <ErrorSummary state={state} order={["currentPassword", "newPassword"]} />
      <Field name="currentPassword" label={t("currentPassword")} hint={again} errors={e.currentPassword} required>
        {(p) => <input {...p} type="password" autoComplete="current-password" maxLength={1024} />}
      </Field>
      <Field name="newPassword" label={t("newPassword")} hint={again ? `${again} ${t("newPasswordHint")}` : t("newPasswordHint")} errors={e.newPassword} required>
        {(p) => <input {...p} type="password" autoComplete="new-password" maxLength={128} />}
      </Field>
      <SubmitButton pending={pending}>{t("submit")}</SubmitButton>
    </ActionForm>
  );
}

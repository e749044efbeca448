"use client";

import { ActionForm } from "@/components/action-form";
import { useActionState } from "react";
import { useTexts } from "@/components/texts";
import { Field, SubmitButton } from "@/components/field";
import { ErrorSummary } from "@/components/error-summary";
import { signInAction } from "./actions";

export function LoginForm() {
  const t = useTexts("login");
  const tForms = useTexts("forms");
  const [state, formAction, pending] = useActionState(signInAction, {});
  return (
    <ActionForm action={formAction} className="space-y-4" noValidate>
      <ErrorSummary state={state} />
      <Field name="identifier" label={t("identifier")} hint={t("identifierHint")} required>
        {(p) => <input {...p} type="text" autoComplete="username" inputMode="email" defaultValue={state.values?.identifier} />}
      </Field>
      <Field name="password" label={t("password")} hint={state.attempt ? tForms("passwordAgain") : undefined} required>
        {(p) => <input {...p} type="password" autoComplete="current-password" />}
      </Field>
      <SubmitButton pending={pending}>{t("submit")}</SubmitButton>
    </ActionForm>
  );
}

"use client";

import { ActionForm } from "@/components/action-form";
import { useActionState } from "react";
import { useTexts } from "@/components/texts";
import { Field, FormMessage, SubmitButton } from "@/components/field";
import { signInAction } from "./actions";

export function LoginForm() {
  const t = useTexts("login");
  const [state, formAction, pending] = useActionState(signInAction, {});
  return (
    <ActionForm action={formAction} className="space-y-4" noValidate>
      <FormMessage message={state.message} />
      <Field name="identifier" label={t("identifier")} hint={t("identifierHint")} required>
        {(p) => <input {...p} type="text" autoComplete="username" inputMode="email" defaultValue={state.values?.identifier} />}
      </Field>
      <Field name="password" label={t("password")} required>
        {(p) => <input {...p} type="password" autoComplete="current-password" />}
      </Field>
      <SubmitButton pending={pending}>{t("submit")}</SubmitButton>
    </ActionForm>
  );
}

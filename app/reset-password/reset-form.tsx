"use client";

import { useActionState } from "react";
import { ActionForm } from "@/components/action-form";
import { ErrorSummary } from "@/components/error-summary";
import { Field, FormMessage, SubmitButton } from "@/components/field";
import { useTexts } from "@/components/texts";
import { requestResetAction, resetAction, type ResetState } from "./actions";

/**
 * The two steps of a forgotten password: the phone number or email (a code is sent to
 * the confirmed phone's WhatsApp, or to the email), then the code and a new password.
 * `startWithCode`: the person already has a code (/reset-password?step=code).
 */
export function ResetPasswordForm({ startWithCode }: { startWithCode: boolean }) {
  const t = useTexts("passwordReset");
  const [requested, requestAction, requesting] = useActionState(requestResetAction, {} as ResetState);
  const [reset, resetFormAction, resetting] = useActionState(resetAction, {} as ResetState);
  const onCodeStep = startWithCode || requested.step === "code" || reset.step === "code";
  const identifier = reset.values?.identifier ?? requested.values?.identifier ?? "";
  if (!onCodeStep) {
    const e = requested.fieldErrors ?? {};
    return (
      <ActionForm action={requestAction} className="space-y-4" noValidate key={requested.attempt}>
        <ErrorSummary state={requested} order={["identifier"]} />
        <Field name="identifier" label={t("identifier")} hint={t("identifierHint")} errors={e.identifier} required>
          {(p) => <input {...p} type="text" autoComplete="username" inputMode="email" defaultValue={requested.values?.identifier} maxLength={254} />}
        </Field>
        <SubmitButton pending={requesting}>{t("send")}</SubmitButton>
      </ActionForm>
    );
  }
  const e = reset.fieldErrors ?? {};
  return (
    <div className="space-y-4">
      {requested.ok && !reset.attempt ? <FormMessage tone="ok" message={requested.message} /> : null}
      <ActionForm action={resetFormAction} className="space-y-4" noValidate key={reset.attempt}>
        {reset.fieldErrors ? <ErrorSummary state={reset} order={["identifier", "code", "password"]} /> : <FormMessage message={reset.message} />}
        <Field name="identifier" label={t("identifier")} errors={e.identifier} required>
          {(p) => <input {...p} type="text" autoComplete="username" inputMode="email" defaultValue={identifier} maxLength={254} />}
        </Field>
        <Field name="code" label={t("code")} hint={t("codeHint")} errors={e.code} required>
          {(p) => (
            <input
              {...p}
              type="text"
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={12}
              defaultValue={reset.values?.code}
              className={`${p.className} max-w-40 font-mono text-lg tracking-widest`}
            />
          )}
        </Field>
        <Field name="password" label={t("password")} hint={t("passwordHint")} errors={e.password} required>
          {(p) => <input {...p} type="password" autoComplete="new-password" maxLength={128} />}
        </Field>
        <SubmitButton pending={resetting}>{t("submit")}</SubmitButton>
      </ActionForm>
    </div>
  );
}

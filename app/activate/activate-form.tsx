"use client";

import { ActionForm } from "@/components/action-form";
import { useActionState } from "react";
import { useTexts } from "@/components/texts";
import { Field, SubmitButton } from "@/components/field";
import { ErrorSummary } from "@/components/error-summary";
import type { FormState } from "@/lib/forms";
import { activateAction } from "./actions";

type ConsentTexts = { title: string; text: string; label: string };

/** /activate: phone or email, the one-time code, a new password, and consent if still pending. */
export function ActivateForm({ consent }: { consent: ConsentTexts }) {
  const [state, formAction, pending] = useActionState(activateAction, {} as FormState);
  return (
    <ActionForm action={formAction} className="space-y-4" noValidate>
      <Fields key={state.attempt ?? "first"} state={state} pending={pending} consent={consent} />
    </ActionForm>
  );
}

function Fields({ state, pending, consent }: { state: FormState; pending: boolean; consent: ConsentTexts }) {
  const t = useTexts("activation");
  const tForms = useTexts("forms");
  const v = state.values ?? {};
  const e = state.fieldErrors ?? {};
  return (
    <>
      <ErrorSummary state={state} order={["identifier", "code", "password", "consent"]} />
      <Field name="identifier" label={t("identifier")} hint={t("identifierHint")} errors={e.identifier} required>
        {(p) => <input {...p} type="text" autoComplete="username" inputMode="email" defaultValue={v.identifier} maxLength={254} />}
      </Field>
      <Field name="code" label={t("code")} hint={t("codeHint")} errors={e.code} required>
        {(p) => (
          <input
            {...p}
            type="text"
            autoComplete="one-time-code"
            autoCapitalize="characters"
            spellCheck={false}
            defaultValue={v.code}
            maxLength={40}
            className={`${p.className} font-mono text-lg uppercase tracking-widest`}
          />
        )}
      </Field>
      <Field name="password" label={t("password")} hint={state.attempt && !state.ok ? `${tForms("passwordAgain")} ${t("passwordHint")}` : t("passwordHint")} errors={e.password} required>
        {(p) => <input {...p} type="password" autoComplete="new-password" maxLength={128} />}
      </Field>
      <fieldset className="space-y-2 rounded-md border border-slate-300 bg-white p-4">
        <legend className="px-1 text-lg font-semibold">{consent.title}</legend>
        <p id="consent-text" className="text-sm">
          {consent.text}
        </p>
        <p id="consent-hint" className="text-sm text-slate-600">
          {t("consentHint")}
        </p>
        <label className="flex items-center gap-2 font-medium">
          <input
            type="checkbox"
            id="f-consent"
            name="consent"
            value="on"
            defaultChecked={v.consent === "on"}
            className="h-5 w-5"
            aria-describedby={e.consent ? "consent-text consent-hint f-consent-error" : "consent-text consent-hint"}
            aria-invalid={e.consent ? true : undefined}
          />
          {consent.label}
        </label>
        {e.consent ? (
          <p id="f-consent-error" className="text-sm font-medium text-red-700">
            {e.consent.join(" ")}
          </p>
        ) : null}
      </fieldset>
      <SubmitButton pending={pending}>{t("submit")}</SubmitButton>
    </>
  );
}

"use client";

import { useActionState } from "react";
import { useTexts } from "@/components/texts";
import { ActionForm } from "@/components/action-form";
import { Field, FormMessage, SubmitButton } from "@/components/field";
import { ErrorSummary } from "@/components/error-summary";
import { askForHelpAction } from "./actions";

type State = { ok?: boolean; attempt?: string; message?: string; fieldErrors?: Record<string, string[]>; values?: Record<string, string> };

export function HelpForm(props: { participantId: string; submissionId: string; topics: { code: string; label: string }[] }) {
  const t = useTexts("help");
  const [state, action, pending] = useActionState(askForHelpAction, {} as State);
  const e = state.ok ? {} : (state.fieldErrors ?? {});
  const v = state.ok ? {} : (state.values ?? {});
  return (
    <ActionForm action={action} className="space-y-4" noValidate key={state.attempt}>
      {state.ok ? <FormMessage tone="ok" message={state.message} /> : <ErrorSummary state={state} order={["topic", "message"]} />}
      <input type="hidden" name="participantId" value={props.participantId} />
      <input type="hidden" name="submissionId" value={props.submissionId} />
      <Field name="topic" label={t("topic")} errors={e.topic} required>
        {(p) => (
          <select {...p} defaultValue={v.topic ?? ""}>
            <option value="">{t("chooseTopic")}</option>
            {props.topics.map((o) => (
              <option key={o.code} value={o.code}>
                {o.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field name="message" label={t("message")} hint={t("messageHint")} errors={e.message} required>
        {(p) => <textarea {...p} rows={5} maxLength={1000} defaultValue={v.message ?? ""} />}
      </Field>
      <SubmitButton pending={pending}>{t("submit")}</SubmitButton>
    </ActionForm>
  );
}

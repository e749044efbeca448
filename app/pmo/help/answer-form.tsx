"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { ActionForm } from "@/components/action-form";
import { inputClass, SubmitButton } from "@/components/field";
import { ErrorSummary } from "@/components/error-summary";
import { answerQueueAction } from "./actions";

type State = { ok?: boolean; attempt?: string; message?: string; fieldErrors?: Record<string, string[]>; values?: Record<string, string> };

/** One answer form per request in the queue: ids carry the request's id, so several fit on a page. */
export function QueueAnswerForm({ requestId }: { requestId: string }) {
  const t = useTranslations("pmoHelp");
  const [state, action, pending] = useActionState(answerQueueAction, {} as State);
  const e = state.fieldErrors ?? {};
  const id = `answer-${requestId}`;
  const errorId = e.answer?.length ? `${id}-error` : undefined;
  return (
    <ActionForm action={action} className="space-y-2" noValidate key={state.attempt}>
      <ErrorSummary state={state} targets={{ answer: id }} />
      <input type="hidden" name="requestId" value={requestId} />
      <label htmlFor={id} className="block font-medium">
        {t("answer")}
      </label>
      <textarea
        id={id}
        name="answer"
        rows={3}
        maxLength={2000}
        required
        defaultValue={state.values?.answer ?? ""}
        aria-invalid={errorId ? true : undefined}
        aria-describedby={errorId}
        className={inputClass}
      />
      {errorId ? (
        <p id={errorId} className="text-sm font-medium text-red-700">
          {e.answer!.join(" ")}
        </p>
      ) : null}
      <SubmitButton pending={pending}>{t("submit")}</SubmitButton>
    </ActionForm>
  );
}

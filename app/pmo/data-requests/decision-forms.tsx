"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { ActionForm } from "@/components/action-form";
import { inputClass, SubmitButton } from "@/components/field";
import { ErrorSummary } from "@/components/error-summary";
import { completeDataRequestAction, refuseDataRequestAction } from "./actions";

type State = { ok?: boolean; attempt?: string; message?: string; fieldErrors?: Record<string, string[]>; values?: Record<string, string> };

function ErrorText({ id, errors }: { id: string; errors?: string[] }) {
  return errors?.length ? (
    <p id={id} className="text-sm font-medium text-red-700">
      {errors.join(" ")}
    </p>
  ) : null;
}

/** Completing a request; a deletion also asks for a tick. Ids carry the request's id, so several fit on a page. */
export function CompleteForm({ requestId, kind }: { requestId: string; kind: "deletion" | "consent_withdrawal" }) {
  const t = useTranslations("pmoDataRequests");
  const [state, action, pending] = useActionState(completeDataRequestAction, {} as State);
  const e = state.fieldErrors ?? {};
  const noteId = `complete-note-${requestId}`;
  const confirmId = `complete-confirm-${requestId}`;
  return (
    <ActionForm action={action} className="space-y-2" noValidate key={state.attempt} data-form="complete">
      <ErrorSummary state={state} order={["note", "confirm"]} targets={{ note: noteId, confirm: confirmId }} />
      <input type="hidden" name="requestId" value={requestId} />
      {kind === "consent_withdrawal" ? <p className="text-sm text-slate-700">{t("withdrawalEffect")}</p> : null}
      <label htmlFor={noteId} className="block font-medium">
        {t("noteLabel")}
      </label>
      <p id={`${noteId}-hint`} className="text-sm text-slate-600">
        {t("noteHint")}
      </p>
      <textarea
        id={noteId}
        name="note"
        rows={2}
        maxLength={2000}
        defaultValue={state.values?.note ?? ""}
        aria-invalid={e.note?.length ? true : undefined}
        aria-describedby={[`${noteId}-hint`, e.note?.length ? `${noteId}-error` : ""].filter(Boolean).join(" ")}
        className={inputClass}
      />
      <ErrorText id={`${noteId}-error`} errors={e.note} />
      {kind === "deletion" ? (
        <>
          <p className="flex items-start gap-2">
            <input
              type="checkbox"
              id={confirmId}
              name="confirm"
              className="mt-1 h-5 w-5"
              aria-invalid={e.confirm?.length ? true : undefined}
              aria-describedby={e.confirm?.length ? `${confirmId}-error` : undefined}
            />
            <label htmlFor={confirmId}>{t("eraseConfirm")}</label>
          </p>
          <ErrorText id={`${confirmId}-error`} errors={e.confirm} />
        </>
      ) : null}
      <SubmitButton pending={pending}>{kind === "deletion" ? t("completeDeletion") : t("completeWithdrawal")}</SubmitButton>
    </ActionForm>
  );
}

/** Refusing a deletion request, with the reason the participant reads. */
export function RefuseForm({ requestId }: { requestId: string }) {
  const t = useTranslations("pmoDataRequests");
  const [state, action, pending] = useActionState(refuseDataRequestAction, {} as State);
  const e = state.fieldErrors ?? {};
  const noteId = `refuse-note-${requestId}`;
  return (
    <ActionForm action={action} className="space-y-2" noValidate key={state.attempt} data-form="refuse">
      <ErrorSummary state={state} targets={{ note: noteId }} />
      <input type="hidden" name="requestId" value={requestId} />
      <label htmlFor={noteId} className="block font-medium">
        {t("refuseLabel")} <span aria-hidden="true">*</span>
      </label>
      <p id={`${noteId}-hint`} className="text-sm text-slate-600">
        {t("refuseHint")}
      </p>
      <textarea
        id={noteId}
        name="note"
        rows={2}
        maxLength={2000}
        required
        defaultValue={state.values?.note ?? ""}
        aria-invalid={e.note?.length ? true : undefined}
        aria-describedby={[`${noteId}-hint`, e.note?.length ? `${noteId}-error` : ""].filter(Boolean).join(" ")}
        className={inputClass}
      />
      <ErrorText id={`${noteId}-error`} errors={e.note} />
      <button
        type="submit"
        disabled={pending}
        className="rounded-md border border-red-800 bg-white px-5 py-2.5 font-semibold text-red-800 hover:bg-red-50 focus:outline-2 focus:outline-offset-2 focus:outline-red-800 disabled:opacity-60"
      >
        {t("refuse")}
      </button>
    </ActionForm>
  );
}

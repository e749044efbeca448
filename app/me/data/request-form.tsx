"use client";

import { useActionState } from "react";
import { useTexts } from "@/components/texts";
import { ActionForm } from "@/components/action-form";
import { Field } from "@/components/field";
import { ErrorSummary } from "@/components/error-summary";
import { requestDeletionAction, withdrawConsentAction } from "./actions";

type State = { ok?: boolean; attempt?: string; message?: string; fieldErrors?: Record<string, string[]>; values?: Record<string, string> };

/** A deletion request or a consent withdrawal: an optional reason and a tick. */
export function DataRequestForm({ kind, participantId }: { kind: "deletion" | "consent_withdrawal"; participantId: string }) {
  const t = useTexts("dataRights");
  const [state, action, pending] = useActionState(kind === "deletion" ? requestDeletionAction : withdrawConsentAction, {} as State);
  const e = state.fieldErrors ?? {};
  const v = state.values ?? {};
  const prefix = kind === "deletion" ? "delete" : "withdraw";
  const confirmId = `${prefix}-confirm`;
  const confirmError = e.confirm?.length ? `${confirmId}-error` : undefined;
  return (
    <ActionForm action={action} className="space-y-4" noValidate key={state.attempt} data-form={kind}>
      <ErrorSummary state={state} order={["reason", "confirm"]} targets={{ reason: `f-${prefix}-reason`, confirm: confirmId }} />
      <input type="hidden" name="participantId" value={participantId} />
      <Field name={`${prefix}-reason`} label={t("reason")} hint={t("reasonHint")} errors={e.reason}>
        {(p) => <textarea {...p} name="reason" rows={3} maxLength={1000} defaultValue={v.reason ?? ""} />}
      </Field>
      <div className="space-y-1">
        <p className="flex items-start gap-2">
          <input
            type="checkbox"
            id={confirmId}
            name="confirm"
            required
            defaultChecked={v.confirm === "on"}
            className="mt-1 h-5 w-5"
            aria-invalid={confirmError ? true : undefined}
            aria-describedby={confirmError}
          />
          <label htmlFor={confirmId}>{kind === "deletion" ? t("deleteConfirm") : t("withdrawConfirm")}</label>
        </p>
        {confirmError ? (
          <p id={confirmError} className="text-sm font-medium text-red-700">
            {e.confirm!.join(" ")}
          </p>
        ) : null}
      </div>
      {/* Secondary, not the filled button of the download: these end the programme's help or
          erase the account, so they look like what they are, and ask for the tick above first. */}
      <button
        type="submit"
        disabled={pending}
        aria-disabled={pending}
        data-variant="secondary-warning"
        className="rounded-md border-2 border-red-800 bg-white px-5 py-2 font-semibold text-red-800 hover:bg-red-50 focus:outline-2 focus:outline-offset-2 focus:outline-red-800 disabled:opacity-60"
      >
        {kind === "deletion" ? t("deleteSubmit") : t("withdrawSubmit")}
      </button>
    </ActionForm>
  );
}

"use client";

import { useActionState } from "react";
import { useTexts } from "@/components/texts";
import { ActionForm } from "@/components/action-form";
import { Field, SubmitButton } from "@/components/field";
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
      <SubmitButton pending={pending}>{kind === "deletion" ? t("deleteSubmit") : t("withdrawSubmit")}</SubmitButton>
    </ActionForm>
  );
}

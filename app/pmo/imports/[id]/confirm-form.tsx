"use client";

import { useActionState } from "react";
import { ActionForm } from "@/components/action-form";
import { SubmitButton } from "@/components/field";
import { ErrorSummary } from "@/components/error-summary";
import type { FormState } from "@/lib/forms";
import { confirmImportAction } from "./actions";

type Props = {
  importId: string;
  caseworkers: { id: string; name: string }[];
  labels: { legend: string; none: string; submit: string };
};

/** The confirmation: which caseworkers to spread the new participants over, and go. */
export function ConfirmForm({ importId, caseworkers, labels }: Props) {
  const [state, action, pending] = useActionState(confirmImportAction, {} as FormState);
  return (
    <ActionForm action={action} className="space-y-4" key={state.attempt}>
      <ErrorSummary state={state} />
      <input type="hidden" name="importId" value={importId} />
      <fieldset className="space-y-2">
        <legend className="font-medium text-slate-900">{labels.legend}</legend>
        {caseworkers.length === 0 ? <p className="text-sm text-slate-700">{labels.none}</p> : null}
        <ul className="grid gap-1 sm:grid-cols-2">
          {caseworkers.map((c, i) => (
            <li key={c.id}>
              <label className="flex items-center gap-2">
                <input type="checkbox" id={i === 0 ? "f-caseworkerId" : undefined} name="caseworkerId" value={c.id} className="h-5 w-5" />
                {c.name}
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <SubmitButton pending={pending}>{labels.submit}</SubmitButton>
    </ActionForm>
  );
}

"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { ActionForm } from "@/components/action-form";
import { Field, FormMessage, SubmitButton } from "@/components/field";
import { ErrorSummary } from "@/components/error-summary";
import { setTargetAction } from "./actions";

type State = { ok?: boolean; attempt?: string; message?: string; fieldErrors?: Record<string, string[]>; values?: Record<string, string> };

export function TargetForm({ defaultMonth }: { defaultMonth: string }) {
  const t = useTranslations("pmo");
  const [state, action, pending] = useActionState(setTargetAction, {} as State);
  const e = state.ok ? {} : (state.fieldErrors ?? {});
  const v = state.ok ? {} : (state.values ?? {});
  return (
    <ActionForm action={action} className="flex flex-wrap items-end gap-3" noValidate key={state.attempt}>
      <div className="w-full">
        {state.ok ? <FormMessage tone="ok" message={state.message} /> : <ErrorSummary state={state} order={["month", "count"]} />}
      </div>
      <Field name="month" label={t("targetMonth")} errors={e.month} required>
        {(p) => <input {...p} type="month" defaultValue={v.month ?? defaultMonth} />}
      </Field>
      <Field name="count" label={t("targetCount")} errors={e.count} required>
        {(p) => <input {...p} type="number" min={0} step={1} inputMode="numeric" defaultValue={v.count ?? ""} />}
      </Field>
      <SubmitButton pending={pending}>{t("saveTarget")}</SubmitButton>
    </ActionForm>
  );
}

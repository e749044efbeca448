"use client";

import { useActionState, type ReactNode } from "react";
import { useTexts } from "@/components/texts";
import { ActionForm } from "@/components/action-form";
import { FormMessage, inputClass, SubmitButton } from "@/components/field";
import { ErrorSummary } from "@/components/error-summary";
import { submitSurveyAction } from "./actions";

type State = { ok?: boolean; attempt?: string; message?: string; fieldErrors?: Record<string, string[]>; values?: Record<string, string> };
type Option = { code: string; label: string };

export type SurveyFormProps = {
  participantId: string;
  /** The saved answer, to change it. */
  saved: { employmentStatus: string; trainingHelped: string; satisfaction: number; hardest: string[]; hardestOther: string | null; plansAbroad: string } | null;
  options: { employmentStatus: Option[]; trainingHelped: Option[]; satisfaction: Option[]; hardest: Option[]; plansAbroad: Option[] };
};

/** A group of radio buttons or checkboxes: a fieldset whose legend is the question. */
function Choices(props: {
  name: string;
  legend: string;
  type: "radio" | "checkbox";
  options: Option[];
  checked: (code: string) => boolean;
  errors?: string[];
  required?: boolean;
  children?: ReactNode;
}) {
  const errorId = props.errors?.length ? `f-${props.name}-error` : undefined;
  return (
    <fieldset className="space-y-2" aria-describedby={errorId}>
      <legend className="mb-1 font-medium text-slate-900">
        {props.legend}
        {props.required ? <span aria-hidden="true"> *</span> : null}
      </legend>
      {props.options.map((o, i) => (
        <label key={o.code} className="flex items-start gap-3 rounded-md border border-slate-300 bg-white p-3 has-[:checked]:border-teal-700 has-[:checked]:bg-teal-50">
          <input
            type={props.type}
            id={i === 0 ? `f-${props.name}` : undefined}
            name={props.name}
            value={o.code}
            defaultChecked={props.checked(o.code)}
            required={props.type === "radio" && props.required ? true : undefined}
            aria-invalid={errorId ? true : undefined}
            className="mt-1 h-5 w-5 shrink-0 accent-teal-800"
          />
          <span>{o.label}</span>
        </label>
      ))}
      {props.children}
      {errorId ? (
        <p id={errorId} className="text-sm font-medium text-red-700">
          {props.errors!.join(" ")}
        </p>
      ) : null}
    </fieldset>
  );
}

export function SurveyForm(props: SurveyFormProps) {
  const [state, action, pending] = useActionState(submitSurveyAction, {} as State);
  return (
    <ActionForm action={action} className="space-y-6" noValidate>
      <SurveyFields key={state.attempt ?? "first"} {...props} state={state} pending={pending} />
    </ActionForm>
  );
}

function SurveyFields({ state, pending, participantId, saved, options }: SurveyFormProps & { state: State; pending: boolean }) {
  const t = useTexts("survey");
  const e = state.ok ? {} : (state.fieldErrors ?? {});
  // After a refusal show what was chosen; otherwise the saved answer.
  const typed = !state.ok && state.values ? state.values : null;
  const value = (name: "employmentStatus" | "trainingHelped" | "satisfaction" | "plansAbroad") =>
    typed ? (typed[name] ?? "") : saved ? String(saved[name]) : "";
  const hardest = typed ? (typed.hardest ?? "").split(",").filter(Boolean) : (saved?.hardest ?? []);
  const other = typed ? (typed.hardestOther ?? "") : (saved?.hardestOther ?? "");
  const otherError = e.hardestOther;
  return (
    <>
      {state.ok ? (
        <FormMessage tone="ok" message={state.message} />
      ) : (
        <ErrorSummary state={state} order={["employmentStatus", "trainingHelped", "satisfaction", "hardest", "hardestOther", "plansAbroad"]} />
      )}
      <input type="hidden" name="participantId" value={participantId} />
      <Choices name="employmentStatus" legend={t("employmentStatusLabel")} type="radio" required options={options.employmentStatus} checked={(c) => value("employmentStatus") === c} errors={e.employmentStatus} />
      <Choices name="trainingHelped" legend={t("trainingHelpedLabel")} type="radio" required options={options.trainingHelped} checked={(c) => value("trainingHelped") === c} errors={e.trainingHelped} />
      <Choices name="satisfaction" legend={t("satisfactionLabel")} type="radio" required options={options.satisfaction} checked={(c) => value("satisfaction") === c} errors={e.satisfaction} />
      <Choices name="hardest" legend={t("hardestLabel")} type="checkbox" options={options.hardest} checked={(c) => hardest.includes(c)} errors={e.hardest}>
        <div className="space-y-1 pl-8">
          <label htmlFor="f-hardestOther" className="block text-sm font-medium">
            {t("hardestOther")}
          </label>
          <textarea
            id="f-hardestOther"
            name="hardestOther"
            rows={2}
            maxLength={500}
            defaultValue={other}
            aria-invalid={otherError?.length ? true : undefined}
            aria-describedby={otherError?.length ? "f-hardestOther-error" : undefined}
            className={inputClass}
          />
          {otherError?.length ? (
            <p id="f-hardestOther-error" className="text-sm font-medium text-red-700">
              {otherError.join(" ")}
            </p>
          ) : null}
        </div>
      </Choices>
      <Choices name="plansAbroad" legend={t("plansAbroadLabel")} type="radio" required options={options.plansAbroad} checked={(c) => value("plansAbroad") === c} errors={e.plansAbroad} />
      <SubmitButton pending={pending}>{saved ? t("update") : t("submit")}</SubmitButton>
    </>
  );
}

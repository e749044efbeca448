"use client";

import { useActionState, useEffect, useRef, type ReactNode } from "react";
import { useTranslations } from "next-intl";
import { ActionForm } from "@/components/action-form";
import { ActivationCodePanel } from "@/components/activation-code";
import { Field, FormMessage, SubmitButton } from "@/components/field";
import { ErrorSummary } from "@/components/error-summary";
import {
  assignParticipantsAction,
  createCaseworkerAction,
  issueCaseworkerCodeAction,
  setAssignmentRuleAction,
  setCaseworkerProvinceAction,
  setCaseworkerStatusAction,
  type AssignmentRuleState,
  type AssignState,
  type CaseworkerCodeState,
  type CaseworkerProvinceState,
  type CaseworkerStatusState,
  type CreateCaseworkerState,
} from "./actions";

// The forms of /pmo/caseworkers. Each posts a server action and works as a plain HTML
// form without JavaScript. Needs the "pmoCaseworkers" and "activation" namespaces.

/** The answer above a form: the confirmation, or what is wrong with the form as a whole. */
function Answer({ state, order, targets }: { state: { ok?: boolean; message?: string; fieldErrors?: Record<string, string[]> }; order?: readonly string[]; targets?: Record<string, string> }) {
  if (state.ok) return <FormMessage tone="ok" message={state.message} />;
  return <ErrorSummary state={state} order={order} targets={targets} />;
}

/** Takes keyboard and screen reader focus once, when it appears (a new code, a new account). */
function FocusOnMount({ children, className }: { children: ReactNode; className?: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.focus(), []);
  return (
    <div ref={box} tabIndex={-1} className={`outline-none ${className ?? ""}`}>
      {children}
    </div>
  );
}

/** Provinces for the select fields, passed in by the page (the reference list stays on the server). */
export type ProvinceOption = { code: string; name: string };

/**
 * The automatic assignment rule (docs/decisions/020): its state and one button that
 * switches it. A plain POST without JavaScript; the page then shows the new state.
 */
export function AssignmentRuleForm({ on }: { on: boolean }) {
  const t = useTranslations("pmoCaseworkers");
  const [state, action, pending] = useActionState(setAssignmentRuleAction, {} as AssignmentRuleState);
  return (
    <div className="space-y-3">
      <Answer key={state.attempt} state={state} />
      <p id="rule-state" className="font-medium">
        {t("ruleStatus", { state: on ? t("ruleOn") : t("ruleOff") })}
      </p>
      <ActionForm action={action}>
        <input type="hidden" name="autoAssign" value={on ? "off" : "on"} />
        <SubmitButton pending={pending}>{on ? t("ruleTurnOff") : t("ruleTurnOn")}</SubmitButton>
      </ActionForm>
    </div>
  );
}

/**
 * One caseworker's province: a select and a save button (works without JavaScript).
 * `required`: no "none" (a regional coordinator's caseworkers keep one of their provinces).
 */
export function CaseworkerProvinceForm({
  id,
  name,
  provinceCode,
  provinces,
  required = false,
}: {
  id: string;
  name: string;
  provinceCode: string | null;
  provinces: ProvinceOption[];
  required?: boolean;
}) {
  const t = useTranslations("pmoCaseworkers");
  const [state, action, pending] = useActionState(setCaseworkerProvinceAction, {} as CaseworkerProvinceState);
  const selectId = `province-${id}`;
  const errors = state.ok ? undefined : state.fieldErrors?.provinceCode;
  const errorId = errors?.length ? `${selectId}-error` : undefined;
  return (
    <ActionForm action={action} className="space-y-1">
      <Answer key={state.attempt} state={state} />
      <input type="hidden" name="caseworkerId" value={id} />
      <label htmlFor={selectId} className="block text-sm font-medium">
        {t("provinceOf")}
        <span className="sr-only">: {name}</span>
      </label>
      <div className="flex flex-wrap items-center gap-2">
        <select
          id={selectId}
          name="provinceCode"
          defaultValue={state.ok || !state.values ? (provinceCode ?? "") : (state.values.provinceCode ?? "")}
          aria-describedby={["province-hint", errorId].filter(Boolean).join(" ")}
          aria-invalid={errorId ? true : undefined}
          className="max-w-56 rounded-md border border-slate-400 px-2 py-1.5 text-sm"
        >
          {required ? null : <option value="">{t("provinceNone")}</option>}
          {provinces.map((p) => (
            <option key={p.code} value={p.code}>
              {p.name}
            </option>
          ))}
        </select>
        <button type="submit" className={smallButton} disabled={pending} aria-label={`${t("provinceSave")}: ${name}`}>
          {t("provinceSave")}
        </button>
      </div>
      {errorId ? (
        <p id={errorId} className="text-sm font-medium text-red-700">
          {errors!.join(" ")}
        </p>
      ) : null}
    </ActionForm>
  );
}

/** `provinceRequired`: a regional coordinator's new caseworker must have one of their provinces. */
export function CreateCaseworkerForm({ provinces, provinceRequired = false }: { provinces: ProvinceOption[]; provinceRequired?: boolean }) {
  const [state, action, pending] = useActionState(createCaseworkerAction, {} as CreateCaseworkerState);
  const t = useTranslations("pmoCaseworkers");
  const e = state.ok ? {} : (state.fieldErrors ?? {});
  const v = !state.ok && state.values ? state.values : {};
  return (
    <div className="space-y-4">
      {state.created ? (
        <FocusOnMount key={state.attempt} className="space-y-2">
          <h3 className="text-lg font-semibold text-teal-900">{t("createdTitle", { name: state.created.name })}</h3>
          <p>{t("createdSteps", { email: state.created.email })}</p>
          <ActivationCodePanel {...state.created.activation} />
        </FocusOnMount>
      ) : null}
      <ActionForm action={action} className="max-w-xl space-y-3" noValidate>
        {/* Remounted on each answer: cleared after success, what was typed after an error. */}
        <div key={state.attempt ?? "first"} className="space-y-3">
          {state.ok ? null : <Answer state={state} order={["name", "email", "phone", "provinceCode"]} />}
          <Field name="name" label={t("name")} errors={e.name} required>
            {(p) => <input {...p} type="text" autoComplete="off" maxLength={200} defaultValue={v.name ?? ""} />}
          </Field>
          <Field name="email" label={t("email")} hint={t("emailHint")} errors={e.email} required>
            {(p) => <input {...p} type="email" autoComplete="off" maxLength={254} defaultValue={v.email ?? ""} />}
          </Field>
          <Field name="phone" label={t("phone")} hint={t("phoneHint")} errors={e.phone} optionalLabel={t("optional")}>
            {(p) => <input {...p} type="tel" autoComplete="off" maxLength={40} defaultValue={v.phone ?? ""} />}
          </Field>
          <Field
            name="provinceCode"
            label={t("provinceOf")}
            hint={t("provinceHint")}
            errors={e.provinceCode}
            required={provinceRequired}
            optionalLabel={provinceRequired ? undefined : t("optional")}
          >
            {(p) => (
              <select {...p} defaultValue={v.provinceCode ?? ""}>
                {provinceRequired ? null : <option value="">{t("provinceNone")}</option>}
                {provinces.map((o) => (
                  <option key={o.code} value={o.code}>
                    {o.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <SubmitButton pending={pending}>{t("createSubmit")}</SubmitButton>
        </div>
      </ActionForm>
    </div>
  );
}

const smallButton =
  "rounded-md border border-teal-800 px-3 py-1.5 text-sm font-semibold text-teal-900 hover:bg-teal-50 focus:outline-2 focus:outline-offset-2 focus:outline-teal-800 disabled:opacity-60";

/**
 * Disable or enable one caseworker, and make a new activation code for them. The page
 * shows the buttons' explanations once, as #disable-hint and #code-hint.
 */
export function CaseworkerActions({ id, name, disabled }: { id: string; name: string; disabled: boolean }) {
  const t = useTranslations("pmoCaseworkers");
  const [status, statusAction, statusPending] = useActionState(setCaseworkerStatusAction, {} as CaseworkerStatusState);
  const [code, codeAction, codePending] = useActionState(issueCaseworkerCodeAction, {} as CaseworkerCodeState);
  return (
    <div className="space-y-2">
      <Answer state={status} />
      <div className="flex flex-wrap gap-2">
        <ActionForm action={statusAction}>
          <input type="hidden" name="caseworkerId" value={id} />
          <input type="hidden" name="status" value={disabled ? "enable" : "disable"} />
          <button
            type="submit"
            className={smallButton}
            disabled={statusPending}
            aria-label={`${disabled ? t("enable") : t("disable")}: ${name}`}
            aria-describedby={disabled ? undefined : "disable-hint"}
          >
            {disabled ? t("enable") : t("disable")}
          </button>
        </ActionForm>
        {disabled ? null : (
          <ActionForm action={codeAction}>
            <input type="hidden" name="caseworkerId" value={id} />
            <button
              type="submit"
              className={smallButton}
              disabled={codePending}
              aria-label={`${t("newCode")}: ${name}`}
              aria-describedby="code-hint"
            >
              {t("newCode")}
            </button>
          </ActionForm>
        )}
      </div>
      {code.issued && !disabled ? (
        <FocusOnMount key={code.attempt} className="space-y-2">
          <p className="font-semibold">{t("codeFor", { name })}</p>
          <ActivationCodePanel {...code.issued} />
        </FocusOnMount>
      ) : (
        <Answer state={code.ok ? {} : code} />
      )}
    </div>
  );
}

export type AssignRow = {
  id: string;
  fullName: string;
  nikMasked: string;
  stage: string;
  province: string;
  caseworker: string | null;
};

/**
 * The participant list with a checkbox per row, the target caseworker, one submit:
 * every ticked participant moves in one transaction.
 */
type AssignFormProps = {
  rows: AssignRow[];
  /** Active caseworkers: who may receive participants. */
  caseworkers: { id: string; name: string }[];
  /** The target value meaning "no caseworker" (UNASSIGN, passed in so that zod stays out of the browser bundle). */
  unassignValue: string;
};

export function AssignForm(props: AssignFormProps) {
  const [state, action, pending] = useActionState(assignParticipantsAction, {} as AssignState);
  return (
    <ActionForm action={action} className="space-y-3" noValidate>
      <AssignFields key={state.attempt ?? "first"} {...props} state={state} pending={pending} />
    </ActionForm>
  );
}

function AssignFields({ rows, caseworkers, unassignValue, state, pending }: AssignFormProps & { state: AssignState; pending: boolean }) {
  const t = useTranslations("pmoCaseworkers");
  const e = state.ok ? {} : (state.fieldErrors ?? {});
  const selected = new Set(state.ok ? [] : (state.selected ?? []));
  const table = useRef<HTMLTableElement>(null);
  const all = useRef<HTMLInputElement>(null);
  // "Select all" needs JavaScript: it stays hidden on a page that has none.
  useEffect(() => {
    if (all.current) all.current.hidden = false;
  }, []);
  const toggleAll = (checked: boolean) => {
    table.current?.querySelectorAll<HTMLInputElement>('input[name="participantIds"]').forEach((box) => (box.checked = checked));
  };
  const idsError = e.participantIds?.length ? "participantIds-error" : undefined;
  return (
    <>
      <Answer state={state} order={["participantIds", "caseworkerId"]} targets={rows.length ? { participantIds: `pick-${rows[0].id}` } : {}} />
      {rows.length === 0 ? (
        <p>{t("noParticipants")}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          {idsError ? (
            <p id={idsError} className="p-3 text-sm font-medium text-red-700">
              {e.participantIds!.join(" ")}
            </p>
          ) : null}
          <table ref={table} className="w-full text-left text-sm" aria-label={t("listLabel")} aria-describedby={idsError}>
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className="w-12 p-2">
                  <span className="sr-only">{t("select")}</span>
                  <input
                    ref={all}
                    hidden
                    type="checkbox"
                    aria-label={t("selectAll")}
                    className="h-5 w-5"
                    onChange={(ev) => toggleAll(ev.target.checked)}
                  />
                </th>
                <th scope="col" className="p-2">{t("participant")}</th>
                <th scope="col" className="p-2">{t("nik")}</th>
                <th scope="col" className="p-2">{t("stage")}</th>
                <th scope="col" className="p-2">{t("province")}</th>
                <th scope="col" className="p-2">{t("currentCaseworker")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200">
              {rows.map((r) => (
                <tr key={r.id}>
                  <td className="p-2">
                    <input
                      id={`pick-${r.id}`}
                      type="checkbox"
                      name="participantIds"
                      value={r.id}
                      defaultChecked={selected.has(r.id)}
                      className="h-5 w-5"
                    />
                  </td>
                  <td className="p-2">
                    <label htmlFor={`pick-${r.id}`} className="font-medium">
                      {r.fullName}
                    </label>
                  </td>
                  <td className="p-2 font-mono">{r.nikMasked}</td>
                  <td className="p-2">{r.stage}</td>
                  <td className="p-2">{r.province}</td>
                  <td className="p-2">{r.caseworker ?? t("none")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-64">
          <Field name="caseworkerId" label={t("target")} errors={e.caseworkerId} required>
            {(p) => (
              <select {...p} defaultValue={state.ok ? "" : (state.target ?? "")}>
                <option value="">{t("chooseTarget")}</option>
                {caseworkers.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
                <option value={unassignValue}>{t("removeAssignment")}</option>
              </select>
            )}
          </Field>
        </div>
        <SubmitButton pending={pending}>{t("assignSubmit")}</SubmitButton>
      </div>
    </>
  );
}

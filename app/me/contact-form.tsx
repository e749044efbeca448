"use client";

import { useActionState } from "react";
import { useTexts } from "@/components/texts";
import { ActionForm } from "@/components/action-form";
import { Field, FormMessage, SubmitButton } from "@/components/field";
import { ErrorSummary } from "@/components/error-summary";
import { ProvinceRegencyFields } from "@/components/province-regency-fields";
import { updateOwnContactAction } from "./actions";

type State = { ok?: boolean; attempt?: string; message?: string; fieldErrors?: Record<string, string[]>; values?: Record<string, string> };

/**
 * The participant's phone, email and address. A plain <details> keeps it out of the way
 * on a small screen; it opens by itself to show an answer.
 */
export function OwnContactForm(props: {
  participantId: string;
  version: number;
  phone: string;
  email: string;
  address: string;
  provinceCode: string;
  regencyCode: string;
  provinces: { code: string; name: string }[];
  regencies: { code: string; name: string }[];
}) {
  const t = useTexts("meSelf");
  const tRegister = useTexts("register");
  const tCommon = useTexts("common");
  const tForms = useTexts("forms");
  const [state, action, pending] = useActionState(updateOwnContactAction, {} as State);
  const e = state.ok ? {} : (state.fieldErrors ?? {});
  const v =
    state.ok || !state.values
      ? { phone: props.phone, email: props.email, address: props.address, provinceCode: props.provinceCode, regencyCode: props.regencyCode }
      : state.values;
  return (
    <details open={state.attempt ? true : undefined} className="rounded-lg border border-slate-200 bg-white p-4">
      <summary className="cursor-pointer font-semibold text-teal-900">{t("contactTitle")}</summary>
      <ActionForm action={action} className="mt-3 space-y-3" noValidate key={state.attempt}>
        {state.ok ? <FormMessage tone="ok" message={state.message} /> : <ErrorSummary state={state} order={["phone", "email", "provinceCode", "regencyCode", "address", "currentPassword"]} />}
        <p className="text-sm text-slate-700">{t("contactIntro")}</p>
        <input type="hidden" name="participantId" value={props.participantId} />
        <input type="hidden" name="version" value={props.version} />
        <Field name="phone" label={t("phone")} errors={e.phone} required>
          {(p) => <input {...p} type="tel" autoComplete="tel" defaultValue={v.phone} maxLength={40} />}
        </Field>
        <Field name="email" label={t("email")} errors={e.email} optionalLabel={tCommon("optional")}>
          {(p) => <input {...p} type="email" autoComplete="email" defaultValue={v.email} maxLength={254} />}
        </Field>
        <ProvinceRegencyFields
          provinces={props.provinces}
          regencies={props.regencies}
          values={v}
          errors={e}
          labels={{
            provinceCode: tRegister("provinceCode"),
            regencyCode: tRegister("regencyCode"),
            chooseProvince: tRegister("chooseProvince"),
            chooseRegency: tRegister("chooseRegency"),
          }}
        />
        <Field name="address" label={t("address")} errors={e.address} required>
          {(p) => <textarea {...p} rows={2} defaultValue={v.address} maxLength={300} />}
        </Field>
        <Field name="currentPassword" label={t("currentPassword")} hint={state.attempt && !state.ok ? `${tForms("passwordAgain")} ${t("currentPasswordHint")}` : t("currentPasswordHint")} errors={e.currentPassword}>
          {(p) => <input {...p} type="password" autoComplete="current-password" maxLength={1024} />}
        </Field>
        <SubmitButton pending={pending}>{t("saveContact")}</SubmitButton>
      </ActionForm>
    </details>
  );
}

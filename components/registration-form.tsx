"use client";

import { ActionForm } from "@/components/action-form";
import { useActionState, useState, type ReactNode } from "react";
import { useTexts } from "@/components/texts";
import { Field, SubmitButton } from "@/components/field";
import { ErrorSummary } from "@/components/error-summary";
import { ProvinceRegencyFields } from "@/components/province-regency-fields";

type Option = { code: string; name: string };
export type RegistrationFormState = {
  message?: string;
  attempt?: string;
  fieldErrors?: Record<string, string[]>;
  values?: Record<string, string>;
};

type FieldsProps = {
  withPassword: boolean;
  submissionId: string;
  provinces: Option[];
  /** Each regency's province is the first two digits of its code. */
  regencies: Option[];
  /** Codes of the countries most workers go to, offered first; named as in `countries`. */
  commonCountries: string[];
  countries: Option[];
  maxBirthDate: string;
  today: string;
  /** The submit button's text (default: the self-registration "Daftar"). */
  submitLabel?: string;
  /** Said above the consent text, e.g. who must read it to whom. */
  consentNote?: string;
  /** The consent checkbox's label (default: the worker's own "Saya setuju"). */
  consentLabel?: string;
  /**
   * Hints in place of the worker's own (by key, e.g. `nikHint`): the assisted form's speak
   * to the caseworker about the worker.
   */
  hints?: Partial<Record<HintKey, string>>;
};

type HintKey = "nikHint" | "kkHint" | "phoneHint" | "addressHint" | "countryHint" | "sectorHint" | "returnDateHint";

/** The fields in the order the form shows them, for the error summary's links. */
const FIELD_ORDER = ["form", "fullName", "nik", "kk", "birthDate", "sex", "phone", "email", "provinceCode", "regencyCode", "address", "migrantStatus", "countryCode", "sector", "returnDate", "password", "consent"];

export type RegistrationFormProps<S extends RegistrationFormState = RegistrationFormState> = FieldsProps & {
  action: (state: S, formData: FormData) => Promise<S>;
  /**
   * What to show instead of the form once the action's answer calls for it (assisted
   * registration shows the activation code); null keeps the form.
   */
  done?: (state: S) => ReactNode;
};

/** The registration form shared by self-registration and assisted registration. */
export function RegistrationForm<S extends RegistrationFormState>({ action, done, ...props }: RegistrationFormProps<S>) {
  const [state, formAction, pending] = useActionState<S, FormData>(action, {} as Awaited<S>);
  const finished = done?.(state);
  if (finished) return <>{finished}</>;
  // React resets a form after its action; remounting the fields for each answer makes
  // every input, select included, show again what was typed.
  return (
    <ActionForm action={formAction} className="space-y-6" noValidate>
      <Fields key={state.attempt ?? "first"} {...props} state={state} pending={pending} />
    </ActionForm>
  );
}

function Fields({ state, pending, ...props }: FieldsProps & { state: RegistrationFormState; pending: boolean }) {
  const t = useTexts("register");
  const tc = useTexts("common");
  const tSex = useTexts("sex");
  const tStatus = useTexts("migrantStatus");
  const tForms = useTexts("forms");
  const hint = (key: HintKey) => props.hints?.[key] ?? t(key);
  const v = state.values ?? {};
  const e = state.fieldErrors ?? {};
  const [status, setStatus] = useState(v.migrantStatus ?? "");
  const optional = tc("optional");

  return (
    <>
      <input type="hidden" name="submissionId" value={props.submissionId} />
      <ErrorSummary state={state} order={FIELD_ORDER} />

      <fieldset className="space-y-4">
        <legend className="mb-2 text-lg font-semibold">{t("sectionIdentity")}</legend>
        <Field name="fullName" label={t("fullName")} errors={e.fullName} required>
          {(p) => <input {...p} type="text" autoComplete="name" defaultValue={v.fullName} maxLength={200} />}
        </Field>
        <Field name="nik" label={t("nik")} hint={hint("nikHint")} errors={e.nik} required>
          {(p) => <input {...p} type="text" inputMode="numeric" autoComplete="off" defaultValue={v.nik} maxLength={40} />}
        </Field>
        <Field name="kk" label={t("kk")} hint={hint("kkHint")} errors={e.kk} required>
          {(p) => <input {...p} type="text" inputMode="numeric" autoComplete="off" defaultValue={v.kk} maxLength={40} />}
        </Field>
        <Field name="birthDate" label={t("birthDate")} errors={e.birthDate} required>
          {(p) => <input {...p} type="date" max={props.maxBirthDate} min="1900-01-01" defaultValue={v.birthDate} />}
        </Field>
        <fieldset aria-describedby={e.sex ? "f-sex-error" : undefined}>
          <legend className="font-medium">
            {t("sex")}
            <span aria-hidden="true"> *</span>
          </legend>
          <div className="mt-1 flex gap-6">
            {(["L", "P"] as const).map((s, i) => (
              <label key={s} className="flex items-center gap-2">
                <input type="radio" id={i === 0 ? "f-sex" : undefined} name="sex" value={s} defaultChecked={v.sex === s} className="h-5 w-5" />
                {tSex(s)}
              </label>
            ))}
          </div>
          {e.sex ? (
            <p id="f-sex-error" className="text-sm font-medium text-red-700">
              {e.sex.join(" ")}
            </p>
          ) : null}
        </fieldset>
      </fieldset>

      <fieldset className="space-y-4">
        <legend className="mb-2 text-lg font-semibold">{t("sectionContact")}</legend>
        <Field name="phone" label={t("phone")} hint={hint("phoneHint")} errors={e.phone} required>
          {(p) => <input {...p} type="tel" autoComplete="tel" defaultValue={v.phone} maxLength={40} />}
        </Field>
        <Field name="email" label={t("email")} errors={e.email} optionalLabel={optional}>
          {(p) => <input {...p} type="email" autoComplete="email" defaultValue={v.email} maxLength={254} />}
        </Field>
        <ProvinceRegencyFields
          provinces={props.provinces}
          regencies={props.regencies}
          values={v}
          errors={e}
          labels={{ provinceCode: t("provinceCode"), regencyCode: t("regencyCode"), chooseProvince: t("chooseProvince"), chooseRegency: t("chooseRegency") }}
        />
        <Field name="address" label={t("address")} hint={hint("addressHint")} errors={e.address} required>
          {(p) => <textarea {...p} rows={2} autoComplete="street-address" defaultValue={v.address} maxLength={300} />}
        </Field>
      </fieldset>

      <fieldset className="space-y-4">
        <legend className="mb-2 text-lg font-semibold">{t("sectionMigrant")}</legend>
        <fieldset aria-describedby={e.migrantStatus ? "f-migrantStatus-error" : undefined}>
          <legend className="font-medium">
            {t("migrantStatus")}
            <span aria-hidden="true"> *</span>
          </legend>
          <div className="mt-1 space-y-1">
            {(["calon", "mantan"] as const).map((s, i) => (
              <label key={s} className="flex items-center gap-2">
                <input
                  type="radio"
                  id={i === 0 ? "f-migrantStatus" : undefined}
                  name="migrantStatus"
                  value={s}
                  defaultChecked={v.migrantStatus === s}
                  onChange={() => setStatus(s)}
                  className="h-5 w-5"
                />
                {tStatus(s)}
              </label>
            ))}
          </div>
          {e.migrantStatus ? (
            <p id="f-migrantStatus-error" className="text-sm font-medium text-red-700">
              {e.migrantStatus.join(" ")}
            </p>
          ) : null}
        </fieldset>
        <Field name="countryCode" label={t("countryCode")} hint={hint("countryHint")} errors={e.countryCode} required>
          {(p) => (
            <select {...p} defaultValue={v.countryCode ?? ""}>
              <option value="">{t("chooseCountry")}</option>
              <optgroup label={t("commonCountries")}>
                {props.commonCountries.map((code) => (
                  <option key={code} value={code}>
                    {props.countries.find((o) => o.code === code)?.name ?? code}
                  </option>
                ))}
              </optgroup>
              <optgroup label={t("allCountries")}>
                {props.countries.map((o) => (
                  <option key={o.code} value={o.code}>
                    {o.name}
                  </option>
                ))}
              </optgroup>
            </select>
          )}
        </Field>
        <Field name="sector" label={t("sector")} hint={hint("sectorHint")} errors={e.sector} required>
          {(p) => <input {...p} type="text" defaultValue={v.sector} maxLength={100} />}
        </Field>
        {status !== "calon" ? (
          <Field name="returnDate" label={t("returnDate")} hint={hint("returnDateHint")} errors={e.returnDate}>
            {(p) => <input {...p} type="date" max={props.today} defaultValue={v.returnDate} />}
          </Field>
        ) : null}
      </fieldset>

      {props.withPassword ? (
        <fieldset className="space-y-4">
          <legend className="mb-2 text-lg font-semibold">{t("sectionAccount")}</legend>
          <Field name="password" label={t("password")} hint={state.attempt ? `${tForms("passwordAgain")} ${t("passwordHint")}` : t("passwordHint")} errors={e.password} required>
            {(p) => <input {...p} type="password" autoComplete="new-password" maxLength={128} />}
          </Field>
        </fieldset>
      ) : null}

      <fieldset className="space-y-2 rounded-md border border-slate-300 bg-white p-4">
        <legend className="px-1 text-lg font-semibold">{t("consentTitle")}</legend>
        {props.consentNote ? <p className="text-sm font-medium">{props.consentNote}</p> : null}
        <p id="consent-text" className="text-sm">
          {t("consentText")}
        </p>
        <label className="flex items-center gap-2 font-medium">
          <input
            type="checkbox"
            id="f-consent"
            name="consent"
            value="on"
            defaultChecked={v.consent === "on"}
            className="h-5 w-5"
            aria-describedby={e.consent ? "consent-text f-consent-error" : "consent-text"}
            aria-invalid={e.consent ? true : undefined}
          />
          {props.consentLabel ?? t("consent")}
        </label>
        {e.consent ? (
          <p id="f-consent-error" className="text-sm font-medium text-red-700">
            {e.consent.join(" ")}
          </p>
        ) : null}
      </fieldset>

      <SubmitButton pending={pending}>{pending ? tc("sending") : (props.submitLabel ?? t("submit"))}</SubmitButton>
    </>
  );
}

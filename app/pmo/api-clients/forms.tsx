"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { ActionForm } from "@/components/action-form";
import { ErrorSummary } from "@/components/error-summary";
import { Field, FormMessage, SubmitButton } from "@/components/field";
import { TakesFocus } from "@/components/takes-focus";
import { API_SCOPES } from "@/db/schema";
import type { FormState } from "@/lib/forms";
import { createApiClientAction, revokeApiClientAction, type CreateApiClientState } from "./actions";

// The forms of /pmo/api-clients. Each posts a server action and works as a plain HTML form
// without JavaScript. Needs the "pmoApiClients" and "validation" namespaces.

const ORDER = ["name", "organisation", "scopes", "regionId", "expiresOn"];

export function CreateApiClientForm({ regions }: { regions: { id: string; name: string }[] }) {
  const t = useTranslations("pmoApiClients");
  const [state, action, pending] = useActionState(createApiClientAction, {} as CreateApiClientState);
  const e = state.ok ? {} : (state.fieldErrors ?? {});
  const v = !state.ok && state.values ? state.values : {};
  const ticked = v.scopes ? v.scopes.split(",") : [];
  const scopeError = e.scopes?.length ? "api-client-scopes-error" : undefined;
  return (
    <div className="space-y-4">
      {state.created ? (
        <TakesFocus key={state.attempt} className="space-y-2 rounded-lg border-2 border-teal-800 bg-white p-4">
          <h3 className="text-lg font-semibold text-teal-900">{t("createdTitle", { name: state.created.name })}</h3>
          <p className="rounded-md bg-amber-50 p-2 font-medium text-amber-900">{t("keyOnce")}</p>
          <p className="font-medium text-slate-700">{t("keyLabel")}</p>
          <p id="api-key" className="font-mono text-base break-all text-slate-900" data-api-key>
            {state.created.key}
          </p>
        </TakesFocus>
      ) : null}
      <ActionForm action={action} className="max-w-2xl space-y-3" noValidate>
        <div key={state.attempt ?? "first"} className="space-y-3">
          {state.ok ? null : (
            <ErrorSummary state={state} order={ORDER} targets={Object.fromEntries(ORDER.map((name) => [name, `api-client-${name}`]))} />
          )}
          <Field name="name" id="api-client-name" label={t("name")} errors={e.name} required>
            {(p) => <input {...p} type="text" autoComplete="off" maxLength={80} defaultValue={v.name ?? ""} />}
          </Field>
          <Field name="organisation" id="api-client-organisation" label={t("organisation")} errors={e.organisation} required>
            {(p) => <input {...p} type="text" autoComplete="off" maxLength={120} defaultValue={v.organisation ?? ""} />}
          </Field>
          <fieldset id="api-client-scopes" tabIndex={-1} aria-describedby={scopeError} className="space-y-2">
            <legend className="font-medium text-slate-900">{t("scopes")}</legend>
            {scopeError ? (
              <p id={scopeError} className="text-sm font-medium text-red-700">
                {e.scopes!.join(" ")}
              </p>
            ) : null}
            {API_SCOPES.map((scope) => (
              <label key={scope} className="flex items-start gap-2 text-sm">
                <input type="checkbox" name="scopes" value={scope} defaultChecked={ticked.includes(scope)} className="mt-1 size-4" />
                <span>{t(`scopeNames.${scope}` as never)}</span>
              </label>
            ))}
          </fieldset>
          <Field name="regionId" id="api-client-regionId" label={t("region")} hint={t("regionHint")} errors={e.regionId} optionalLabel={t("optional")}>
            {(p) => (
              <select {...p} defaultValue={v.regionId ?? ""}>
                <option value="">{t("allRegions")}</option>
                {regions.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field name="expiresOn" id="api-client-expiresOn" label={t("expires")} hint={t("expiresHint")} errors={e.expiresOn} optionalLabel={t("optional")}>
            {(p) => <input {...p} type="date" defaultValue={v.expiresOn ?? ""} />}
          </Field>
        </div>
        <SubmitButton pending={pending}>{t("create")}</SubmitButton>
      </ActionForm>
    </div>
  );
}

/** Revokes one client's key at once: one button (none once revoked; the answer stays). */
export function RevokeApiClientForm({ client, revoked }: { client: { id: string; name: string }; revoked: boolean }) {
  const t = useTranslations("pmoApiClients");
  const [state, action, pending] = useActionState(revokeApiClientAction, {} as FormState);
  if (revoked) return state.ok ? <FormMessage key={state.attempt} tone="ok" message={state.message} /> : null;
  return (
    <ActionForm action={action} className="space-y-1">
      {state.ok ? <FormMessage key={state.attempt} tone="ok" message={state.message} /> : state.message ? <FormMessage tone="error" message={state.message} /> : null}
      <input type="hidden" name="clientId" value={client.id} />
      <button
        type="submit"
        disabled={pending}
        aria-label={t("revokeLabel", { name: client.name })}
        className="rounded-md border border-red-700 px-3 py-1.5 text-sm font-medium text-red-800"
      >
        {t("revoke")}
      </button>
    </ActionForm>
  );
}

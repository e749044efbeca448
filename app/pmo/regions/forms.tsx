"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { ActionForm } from "@/components/action-form";
import { ActivationCodePanel } from "@/components/activation-code";
import { ErrorSummary } from "@/components/error-summary";
import { Field, FormMessage, SubmitButton } from "@/components/field";
import { TakesFocus } from "@/components/takes-focus";
import {
  createCoordinatorAction,
  createRegionAction,
  setCoordinatorRegionsAction,
  setCoordinatorStatusAction,
  updateRegionAction,
  type CreateCoordinatorState,
  type RegionState,
} from "./actions";

// The forms of /pmo/regions. Each posts a server action and works as a plain HTML form
// without JavaScript. Needs the "pmoRegions" and "activation" namespaces.

/** A province for the checkboxes: in another region (`heldBy`) it cannot be ticked here. */
export type ProvinceChoice = { code: string; name: string; heldBy: string | null };
export type RegionChoice = { id: string; name: string };

function Answer({ state, order, idBase }: { state: RegionState; order: readonly string[]; idBase: string }) {
  if (state.ok) return <FormMessage tone="ok" message={state.message} />;
  return <ErrorSummary state={state} order={order} targets={Object.fromEntries(order.map((name) => [name, `${idBase}-${name}`]))} />;
}

/** Checkboxes of one repeated field, in a fieldset with its legend and its errors. */
function Choices({
  id,
  name,
  legend,
  hint,
  options,
  ticked,
  errors,
}: {
  id: string;
  name: string;
  legend: string;
  hint?: string;
  options: { value: string; label: string; note?: string | null; disabled?: boolean }[];
  ticked: string[];
  errors?: string[];
}) {
  const errorId = errors?.length ? `${id}-error` : undefined;
  return (
    <fieldset id={id} tabIndex={-1} aria-describedby={errorId} className="space-y-2">
      <legend className="font-medium text-slate-900">{legend}</legend>
      {hint ? <p className="text-sm text-slate-600">{hint}</p> : null}
      {errorId ? (
        <p id={errorId} className="text-sm font-medium text-red-700">
          {errors!.join(" ")}
        </p>
      ) : null}
      <div className="grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-2 lg:grid-cols-3">
        {options.map((o) => (
          <label key={o.value} className={`flex items-start gap-2 text-sm ${o.disabled ? "text-slate-600" : ""}`}>
            <input type="checkbox" name={name} value={o.value} defaultChecked={ticked.includes(o.value)} disabled={o.disabled} className="mt-1 size-4" />
            <span>
              {o.label}
              {o.note ? <span className="text-slate-600"> ({o.note})</span> : null}
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

const ticks = (state: RegionState, name: string, initial: string[]) =>
  !state.ok && state.values ? (state.values[name] ? state.values[name].split(",") : []) : initial;

/** A new region, or an existing one renamed and its provinces changed (`region` given). */
export function RegionForm({ region, provinces }: { region?: { id: string; name: string; provinceCodes: string[] }; provinces: ProvinceChoice[] }) {
  const t = useTranslations("pmoRegions");
  const [state, action, pending] = useActionState(region ? updateRegionAction : createRegionAction, {} as RegionState);
  const idBase = `region-${region?.id ?? "new"}`;
  const e = state.ok ? {} : (state.fieldErrors ?? {});
  const name = !state.ok && state.values ? (state.values.name ?? "") : (region?.name ?? "");
  const options = provinces.map((p) => ({
    value: p.code,
    label: p.name,
    note: p.heldBy && p.heldBy !== region?.name ? t("heldBy", { region: p.heldBy }) : null,
    disabled: Boolean(p.heldBy && p.heldBy !== region?.name),
  }));
  return (
    <ActionForm action={action} className="space-y-3" noValidate>
      <div key={state.attempt ?? "first"} className="space-y-3">
        <Answer state={state} order={["name", "provinceCodes"]} idBase={idBase} />
        {region ? <input type="hidden" name="regionId" value={region.id} /> : null}
        <Field name="name" id={`${idBase}-name`} label={t("regionName")} errors={e.name} required>
          {(p) => <input {...p} type="text" autoComplete="off" maxLength={80} defaultValue={state.ok && !region ? "" : name} />}
        </Field>
        <Choices
          id={`${idBase}-provinceCodes`}
          name="provinceCodes"
          legend={t("provinces")}
          hint={t("provincesHint")}
          options={options}
          ticked={state.ok && !region ? [] : ticks(state, "provinceCodes", region?.provinceCodes ?? [])}
          errors={e.provinceCodes}
        />
      </div>
      <SubmitButton pending={pending}>{region ? t("saveRegion") : t("createRegion")}</SubmitButton>
    </ActionForm>
  );
}

export function CreateCoordinatorForm({ regions }: { regions: RegionChoice[] }) {
  const t = useTranslations("pmoRegions");
  const [state, action, pending] = useActionState(createCoordinatorAction, {} as CreateCoordinatorState);
  const e = state.ok ? {} : (state.fieldErrors ?? {});
  const v = !state.ok && state.values ? state.values : {};
  return (
    <div className="space-y-4">
      {state.created ? (
        <TakesFocus key={state.attempt} className="space-y-2">
          <h3 className="text-lg font-semibold text-teal-900">{t("coordinatorCreated", { name: state.created.name })}</h3>
          <p>{t("coordinatorSteps", { email: state.created.email })}</p>
          <ActivationCodePanel {...state.created.activation} />
        </TakesFocus>
      ) : null}
      <ActionForm action={action} className="max-w-2xl space-y-3" noValidate>
        <div key={state.attempt ?? "first"} className="space-y-3">
          {state.ok ? null : <Answer state={state} order={["name", "email", "phone", "regionIds"]} idBase="coordinator-new" />}
          <Field name="name" id="coordinator-new-name" label={t("name")} errors={e.name} required>
            {(p) => <input {...p} type="text" autoComplete="off" maxLength={200} defaultValue={v.name ?? ""} />}
          </Field>
          <Field name="email" id="coordinator-new-email" label={t("email")} hint={t("emailHint")} errors={e.email} required>
            {(p) => <input {...p} type="email" autoComplete="off" maxLength={254} defaultValue={v.email ?? ""} />}
          </Field>
          <Field name="phone" id="coordinator-new-phone" label={t("phone")} errors={e.phone} optionalLabel={t("optional")}>
            {(p) => <input {...p} type="tel" autoComplete="off" maxLength={40} defaultValue={v.phone ?? ""} />}
          </Field>
          <Choices
            id="coordinator-new-regionIds"
            name="regionIds"
            legend={t("coordinatorRegions")}
            options={regions.map((r) => ({ value: r.id, label: r.name }))}
            ticked={ticks(state, "regionIds", [])}
            errors={e.regionIds}
          />
        </div>
        <SubmitButton pending={pending}>{t("createCoordinator")}</SubmitButton>
      </ActionForm>
    </div>
  );
}

/** The regions one coordinator works for: checkboxes and a save button. */
export function CoordinatorRegionsForm({ coordinator, regions }: { coordinator: { id: string; name: string; regionIds: string[] }; regions: RegionChoice[] }) {
  const t = useTranslations("pmoRegions");
  const [state, action, pending] = useActionState(setCoordinatorRegionsAction, {} as RegionState);
  const e = state.ok ? {} : (state.fieldErrors ?? {});
  return (
    <ActionForm action={action} className="space-y-2" noValidate>
      <div key={state.attempt ?? "first"} className="space-y-2">
        <Answer state={state} order={["regionIds"]} idBase={`coordinator-${coordinator.id}`} />
        <input type="hidden" name="coordinatorId" value={coordinator.id} />
        <Choices
          id={`coordinator-${coordinator.id}-regionIds`}
          name="regionIds"
          legend={t("regionsOf", { name: coordinator.name })}
          options={regions.map((r) => ({ value: r.id, label: r.name }))}
          ticked={ticks(state, "regionIds", coordinator.regionIds)}
          errors={e.regionIds}
        />
      </div>
      <SubmitButton pending={pending}>{t("saveCoordinator")}</SubmitButton>
    </ActionForm>
  );
}

/** Disable a coordinator (their sessions end at once) or enable them again: one button. */
export function CoordinatorStatusForm({ coordinator }: { coordinator: { id: string; name: string; disabled: boolean } }) {
  const t = useTranslations("pmoRegions");
  const [state, action, pending] = useActionState(setCoordinatorStatusAction, {} as RegionState);
  const label = coordinator.disabled ? t("enableCoordinator") : t("disableCoordinator");
  return (
    <ActionForm action={action} className="space-y-2">
      <Answer key={state.attempt} state={state} order={[]} idBase={`coordinator-${coordinator.id}-status`} />
      <input type="hidden" name="coordinatorId" value={coordinator.id} />
      <input type="hidden" name="status" value={coordinator.disabled ? "enable" : "disable"} />
      <button
        type="submit"
        disabled={pending}
        aria-label={`${label}: ${coordinator.name}`}
        className="rounded-md border border-slate-400 px-3 py-1.5 text-sm font-medium text-slate-900"
      >
        {label}
      </button>
    </ActionForm>
  );
}

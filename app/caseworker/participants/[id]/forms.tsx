"use client";

import { useActionState, useState } from "react";
import { useTranslations } from "next-intl";
import { ActionForm } from "@/components/action-form";
import { Field, FormMessage, SubmitButton } from "@/components/field";
import { ErrorSummary } from "@/components/error-summary";
import { TakesFocus } from "@/components/takes-focus";
import { ProvinceRegencyFields } from "@/components/province-regency-fields";
import { answerHelpAction, changeStageAction, logServiceAction, updateContactAction, updateMilestonesAction } from "./actions";

type State = {
  ok?: boolean;
  attempt?: string;
  message?: string;
  fieldErrors?: Record<string, string[]>;
  values?: Record<string, string>;
};
type Option = { code: string; name: string };

/**
 * The answer above a form: the confirmation, which takes the focus when it arrives (with
 * JavaScript or without), or the error summary, which takes it itself.
 */
function Answer({ state, order, targets }: { state: State; order?: readonly string[]; targets?: Record<string, string> }) {
  if (state.ok) {
    if (!state.message) return null;
    return (
      <TakesFocus key={state.attempt}>
        <FormMessage tone="ok" message={state.message} />
      </TakesFocus>
    );
  }
  return <ErrorSummary state={state} order={order} targets={targets} />;
}

export type LogServiceFormProps = {
  participantId: string;
  submissionId: string;
  today: string;
  minDate: string;
  currentStageLabel: string;
  currentServices: Option[];
  otherServices: Option[];
  blockers: Option[];
  channels: Option[];
  outcomes: Option[];
  correcting?: {
    id: string;
    serviceCode: string;
    occurredOn: string;
    channel: string;
    outcome: string;
    blockerCode: string | null;
    notes: string | null;
    nextFollowUpOn: string | null;
  };
  /** Answering a help request: the answer goes with the logged service, in one step. */
  answering?: { id: string; topic: string; message: string };
  /** A confirmation the page brings (a correction answers by a redirect), until the next answer. */
  notice?: string;
};

export function LogServiceForm(props: LogServiceFormProps) {
  // The page remounts this form (a new key) when it switches between logging and answering.
  const [state, action, pending] = useActionState(props.answering ? answerHelpAction : logServiceAction, {} as State);
  return (
    <ActionForm action={action} className="space-y-3" noValidate>
      <LogServiceFields key={state.attempt ?? "first"} {...props} state={state} pending={pending} />
    </ActionForm>
  );
}

function LogServiceFields({ state, pending, ...props }: LogServiceFormProps & { state: State; pending: boolean }) {
  const t = useTranslations("casefile");
  const tHelp = useTranslations("casefileHelp");
  const e = state.ok ? {} : (state.fieldErrors ?? {});
  // After an error show what was typed; otherwise the record being corrected, or defaults.
  const v: Record<string, string | null | undefined> = !state.ok && state.values ? state.values : { ...props.correcting, occurredOn: props.correcting?.occurredOn ?? props.today };
  const [outcome, setOutcome] = useState(v.outcome ?? "done");
  return (
    <>
      {state.attempt ? (
        <Answer state={state} order={["answer", "serviceCode", "occurredOn", "channel", "outcome", "blockerCode", "notes", "nextFollowUpOn"]} />
      ) : props.notice ? (
        <TakesFocus>
          <FormMessage tone="ok" message={props.notice} />
        </TakesFocus>
      ) : null}
      <input type="hidden" name="participantId" value={props.participantId} />
      <input type="hidden" name="submissionId" value={props.submissionId} />
      {props.correcting ? <input type="hidden" name="correctsId" value={props.correcting.id} /> : null}
      {props.answering ? <AnswerField answering={props.answering} error={e.answer} value={v.answer ?? ""} /> : null}
      <Field name="serviceCode" label={t("serviceCode")} errors={e.serviceCode} required>
        {(p) => (
          <select {...p} defaultValue={v.serviceCode ?? ""}>
            <option value="">{t("chooseService")}</option>
            <optgroup label={props.currentStageLabel}>
              {props.currentServices.map((o) => (
                <option key={o.code} value={o.code}>{o.name}</option>
              ))}
            </optgroup>
            <optgroup label={t("otherServices")}>
              {props.otherServices.map((o) => (
                <option key={o.code} value={o.code}>{o.name}</option>
              ))}
            </optgroup>
          </select>
        )}
      </Field>
      <Field name="occurredOn" label={t("occurredOn")} errors={e.occurredOn} required>
        {(p) => <input {...p} type="date" min={props.minDate} max={props.today} defaultValue={v.occurredOn ?? props.today} />}
      </Field>
      <Field name="channel" label={t("channel")} errors={e.channel} required>
        {(p) => (
          <select {...p} defaultValue={v.channel ?? "whatsapp"}>
            {props.channels.map((o) => (
              <option key={o.code} value={o.code}>{o.name}</option>
            ))}
          </select>
        )}
      </Field>
      <Field name="outcome" label={t("outcome")} errors={e.outcome} required>
        {(p) => (
          <select {...p} defaultValue={outcome} onChange={(ev) => setOutcome(ev.target.value)}>
            {props.outcomes.map((o) => (
              <option key={o.code} value={o.code}>{o.name}</option>
            ))}
          </select>
        )}
      </Field>
      <Field name="blockerCode" label={t("blockerCode")} errors={e.blockerCode} required={outcome === "blocked"}>
        {(p) => (
          <select {...p} defaultValue={v.blockerCode ?? ""}>
            <option value="">{t("chooseBlocker")}</option>
            {props.blockers.map((o) => (
              <option key={o.code} value={o.code}>{o.name}</option>
            ))}
          </select>
        )}
      </Field>
      <Field name="notes" label={t("notes")} errors={e.notes}>
        {(p) => <textarea {...p} rows={2} maxLength={2000} defaultValue={v.notes ?? ""} />}
      </Field>
      <Field name="nextFollowUpOn" label={t("nextFollowUpOn")} errors={e.nextFollowUpOn}>
        {(p) => <input {...p} type="date" min={props.minDate} defaultValue={v.nextFollowUpOn ?? ""} />}
      </Field>
      <SubmitButton pending={pending}>{props.answering ? tHelp("submit") : t("saveLog")}</SubmitButton>
    </>
  );
}

/** The question being answered and the answer to it (needs the "casefileHelp" namespace). */
function AnswerField({ answering, error, value }: { answering: { id: string; topic: string; message: string }; error?: string[]; value: string }) {
  const t = useTranslations("casefileHelp");
  return (
    <>
      <input type="hidden" name="requestId" value={answering.id} />
      <blockquote className="rounded-md border-l-4 border-amber-500 bg-amber-50 p-3">
        <p className="font-semibold">{answering.topic}</p>
        <p className="whitespace-pre-line">{answering.message}</p>
      </blockquote>
      <Field name="answer" label={t("answer")} hint={t("answerHint")} errors={error} required>
        {(p) => <textarea {...p} rows={4} maxLength={2000} defaultValue={value} />}
      </Field>
      <p className="text-sm text-slate-700">{t("serviceHint")}</p>
    </>
  );
}

export function StageForm(props: { participantId: string; version: number; stages: Option[] }) {
  const t = useTranslations("casefile");
  const [state, action, pending] = useActionState(changeStageAction, {} as State);
  const e = state.ok ? {} : (state.fieldErrors ?? {});
  const v = state.ok ? {} : (state.values ?? {});
  return (
    <ActionForm action={action} className="space-y-3" noValidate key={state.attempt}>
      <Answer state={state} order={["toStage", "reason"]} />
      <input type="hidden" name="participantId" value={props.participantId} />
      <input type="hidden" name="version" value={props.version} />
      <Field name="toStage" label={t("toStage")} errors={e.toStage} required>
        {(p) => (
          <select {...p} defaultValue={v.toStage ?? ""}>
            <option value="">{t("chooseStage")}</option>
            {props.stages.map((o) => (
              <option key={o.code} value={o.code}>{o.name}</option>
            ))}
          </select>
        )}
      </Field>
      <Field name="reason" label={t("reason")} errors={e.reason} required>
        {(p) => <input {...p} type="text" maxLength={500} defaultValue={v.reason ?? ""} />}
      </Field>
      <SubmitButton pending={pending}>{t("saveStage")}</SubmitButton>
    </ActionForm>
  );
}

export function ContactForm(props: {
  participantId: string;
  version: number;
  phone: string;
  email: string;
  address: string;
  provinceCode: string;
  regencyCode: string;
  provinces: { code: string; name: string }[];
  regencies: { code: string; name: string }[];
  labels: { phone: string; email: string; address: string; optional: string; provinceCode: string; regencyCode: string; chooseProvince: string; chooseRegency: string };
}) {
  const t = useTranslations("casefile");
  const [state, action, pending] = useActionState(updateContactAction, {} as State);
  const e = state.ok ? {} : (state.fieldErrors ?? {});
  const v =
    state.ok || !state.values
      ? { phone: props.phone, email: props.email, address: props.address, provinceCode: props.provinceCode, regencyCode: props.regencyCode }
      : state.values;
  return (
    <ActionForm action={action} className="space-y-3" noValidate key={state.attempt}>
      <Answer state={state} order={["phone", "email", "provinceCode", "regencyCode", "address"]} />
      <input type="hidden" name="participantId" value={props.participantId} />
      <input type="hidden" name="version" value={props.version} />
      <Field name="phone" label={props.labels.phone} errors={e.phone} required>
        {(p) => <input {...p} type="tel" defaultValue={v.phone} maxLength={40} />}
      </Field>
      <Field name="email" label={props.labels.email} errors={e.email} optionalLabel={props.labels.optional}>
        {(p) => <input {...p} type="email" defaultValue={v.email} maxLength={254} />}
      </Field>
      <ProvinceRegencyFields provinces={props.provinces} regencies={props.regencies} values={v} errors={e} labels={props.labels} />
      <Field name="address" label={props.labels.address} errors={e.address} required>
        {(p) => <textarea {...p} rows={2} defaultValue={v.address} maxLength={300} />}
      </Field>
      <SubmitButton pending={pending}>{t("saveContact")}</SubmitButton>
    </ActionForm>
  );
}

export function MilestonesForm(props: {
  participantId: string;
  version: number;
  values: { cardNumber: string; cardReceivedOn: string; wave: string; trainingBoughtOn: string; lmsSessionOn: string };
  today: string;
}) {
  const t = useTranslations("casefile");
  const [state, action, pending] = useActionState(updateMilestonesAction, {} as State);
  const e = state.ok ? {} : (state.fieldErrors ?? {});
  const v = state.ok || !state.values ? props.values : (state.values as typeof props.values);
  return (
    <ActionForm action={action} className="space-y-3" noValidate key={state.attempt}>
      <Answer state={state} order={["cardNumber", "cardReceivedOn", "wave", "trainingBoughtOn", "lmsSessionOn"]} />
      <input type="hidden" name="participantId" value={props.participantId} />
      <input type="hidden" name="version" value={props.version} />
      <Field name="cardNumber" label={t("cardNumber")} errors={e.cardNumber}>
        {(p) => <input {...p} type="text" inputMode="numeric" maxLength={24} defaultValue={v.cardNumber} />}
      </Field>
      <Field name="cardReceivedOn" label={t("cardReceivedOn")} errors={e.cardReceivedOn}>
        {(p) => <input {...p} type="date" max={props.today} defaultValue={v.cardReceivedOn} />}
      </Field>
      <Field name="wave" label={t("wave")} errors={e.wave}>
        {(p) => <input {...p} type="number" min={1} max={999} defaultValue={v.wave} />}
      </Field>
      <Field name="trainingBoughtOn" label={t("trainingBoughtOn")} errors={e.trainingBoughtOn}>
        {(p) => <input {...p} type="date" max={props.today} defaultValue={v.trainingBoughtOn} />}
      </Field>
      <Field name="lmsSessionOn" label={t("lmsSessionOn")} errors={e.lmsSessionOn}>
        {(p) => <input {...p} type="date" defaultValue={v.lmsSessionOn} />}
      </Field>
      <SubmitButton pending={pending}>{t("saveMilestones")}</SubmitButton>
    </ActionForm>
  );
}

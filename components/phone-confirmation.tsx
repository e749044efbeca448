"use client";

import { useActionState } from "react";
import { ActionForm } from "./action-form";
import { Field, FormMessage, SubmitButton } from "./field";
import { useTexts } from "./texts";

type State = { ok?: boolean; attempt?: string; message?: string; fieldErrors?: Record<string, string[]>; values?: Record<string, string> };
type Action = (prev: State, formData: FormData) => Promise<State>;

export type PhoneConfirmationProps = {
  participantId: string;
  /** The sender's texts: "self" on /me, "caseworker" on the case file (the worker reads the code out). */
  audience: "self" | "caseworker";
  /** Why no code can be sent now (translated), or null. */
  blocked: string | null;
  /** A code was sent in the last 10 minutes: the field to type it in is shown. */
  codePending: boolean;
  send: Action;
  confirm: Action;
};

/**
 * Confirming a phone number with a 6-digit code sent to it on WhatsApp: a button that
 * sends the code, and the field it is typed into. Both are plain forms (they work without
 * JavaScript); the answers come back from the server actions, already translated. Needs
 * the "phoneConfirm" namespace (ClientTexts).
 */
export function PhoneConfirmation(props: PhoneConfirmationProps) {
  const t = useTexts("phoneConfirm");
  const [sent, sendAction, sending] = useActionState(props.send, {} as State);
  const [typed, confirmAction, confirming] = useActionState(props.confirm, {} as State);
  const showCode = props.codePending || sent.ok;
  const codeErrors = typed.ok ? undefined : typed.fieldErrors?.code;
  return (
    <div className="space-y-3" data-phone-confirmation="pending">
      <p className="text-sm text-slate-700">{props.audience === "self" ? t("introSelf") : t("introCaseworker")}</p>
      {props.blocked ? <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">{props.blocked}</p> : null}
      {sent.attempt ? <FormMessage tone={sent.ok ? "ok" : "error"} message={sent.ok ? sent.message : (sent.fieldErrors?.form?.join(" ") ?? sent.message)} /> : null}
      {props.blocked ? null : (
        <ActionForm action={sendAction}>
          <input type="hidden" name="participantId" value={props.participantId} />
          <SubmitButton pending={sending}>{showCode ? t("sendAgain") : t("send")}</SubmitButton>
        </ActionForm>
      )}
      {showCode ? (
        <ActionForm action={confirmAction} className="space-y-3" noValidate key={typed.attempt}>
          {typed.attempt && !typed.ok && !codeErrors ? <FormMessage message={typed.message} /> : null}
          <input type="hidden" name="participantId" value={props.participantId} />
          <Field name="code" label={t("codeLabel")} hint={props.audience === "self" ? t("codeHintSelf") : t("codeHintCaseworker")} errors={codeErrors} required>
            {(p) => (
              <input
                {...p}
                type="text"
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="[0-9 ]*"
                maxLength={12}
                className={`${p.className} max-w-40 font-mono text-lg tracking-widest`}
              />
            )}
          </Field>
          <SubmitButton pending={confirming}>{t("confirm")}</SubmitButton>
        </ActionForm>
      ) : null}
    </div>
  );
}

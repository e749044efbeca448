"use client";

import { ActionForm } from "@/components/action-form";
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { ActivationCodePanel } from "@/components/activation-code";
import { SubmitButton } from "@/components/field";
import { ErrorSummary } from "@/components/error-summary";
import { TakesFocus } from "@/components/takes-focus";
import { issueActivationCodeAction, type IssueCodeState } from "./activation-actions";

/**
 * On the participant's page: makes a new one-time activation code (for a worker without
 * a password, or who forgot it) and shows it once. Needs the "activation" namespace.
 */
export function IssueActivationCodeForm({ participantId }: { participantId: string }) {
  const t = useTranslations("activation");
  const [state, formAction, pending] = useActionState(issueActivationCodeAction, {} as IssueCodeState);
  return (
    <section aria-labelledby="activation-code-h" className="space-y-3">
      <h2 id="activation-code-h" className="text-lg font-semibold">
        {t("issueTitle")}
      </h2>
      <p className="text-slate-700">{t("issueIntro")}</p>
      {state.issued ? <Issued key={state.attempt} {...state.issued} /> : null}
      <ErrorSummary state={state} />
      <ActionForm action={formAction}>
        <input type="hidden" name="participantId" value={participantId} />
        <SubmitButton pending={pending}>{t("issueSubmit")}</SubmitButton>
      </ActionForm>
    </section>
  );
}

/** Each new code takes the focus (with JavaScript or without), so a screen reader reads it out. */
function Issued(props: NonNullable<IssueCodeState["issued"]>) {
  return (
    <TakesFocus>
      <ActivationCodePanel {...props} />
    </TakesFocus>
  );
}

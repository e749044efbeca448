"use client";

import { useActionState } from "react";
import { ActionForm } from "@/components/action-form";
import { FormMessage, SubmitButton } from "@/components/field";
import { useTexts } from "@/components/texts";
import { setPreferredChannelAction } from "./actions";

type State = { ok?: boolean; attempt?: string; message?: string; fieldErrors?: Record<string, string[]>; values?: Record<string, string> };

/** Which channel the participant's messages go by first: WhatsApp or email. */
export function ChannelForm(props: { participantId: string; current: "whatsapp" | "email"; hasEmail: boolean; hasPhone: boolean }) {
  const t = useTexts("messageChannel");
  const [state, action, pending] = useActionState(setPreferredChannelAction, {} as State);
  const chosen = state.ok || !state.values?.preferredChannel ? props.current : state.values.preferredChannel;
  const errors = state.ok ? undefined : state.fieldErrors?.preferredChannel;
  return (
    <ActionForm action={action} className="space-y-3" key={state.attempt}>
      {state.ok ? <FormMessage tone="ok" message={state.message} /> : null}
      <input type="hidden" name="participantId" value={props.participantId} />
      <fieldset className="space-y-2" aria-describedby={errors ? "channel-intro channel-error" : "channel-intro"}>
        <legend className="font-semibold">{t("title")}</legend>
        <p id="channel-intro" className="text-sm text-slate-700">
          {t("intro")}
        </p>
        {(["whatsapp", "email"] as const).map((channel) => {
          const possible = channel === "email" ? props.hasEmail : props.hasPhone;
          return (
            <label key={channel} className="flex items-center gap-2">
              <input type="radio" name="preferredChannel" value={channel} defaultChecked={chosen === channel} disabled={!possible} className="h-5 w-5" />
              {t(channel)}
            </label>
          );
        })}
        {!props.hasEmail ? <p className="text-sm text-slate-600">{t("noEmailHint")}</p> : null}
        {errors ? (
          <p id="channel-error" className="text-sm font-medium text-red-700">
            {errors.join(" ")}
          </p>
        ) : null}
      </fieldset>
      <SubmitButton pending={pending}>{t("save")}</SubmitButton>
    </ActionForm>
  );
}

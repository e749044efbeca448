"use client";

import { useTranslations } from "next-intl";

export type ShownCode = {
  /** As shown: "K7QM-4XPD". */
  code: string;
  /** The expiry, already written out in Asia/Jakarta time and the reader's language. */
  expiresAtText: string;
  /** Where the worker activates: this site's /activate. */
  activateUrl: string;
};

/**
 * A one-time activation code, big enough to read aloud or copy onto paper, with what the
 * worker does with it. Rendered only in the answer of the action that made the code:
 * reloading the page does not show it again. Uses the "activation" namespace.
 */
export function ActivationCodePanel({ code, expiresAtText, activateUrl }: ShownCode) {
  const t = useTranslations("activation");
  return (
    <div className="space-y-3 rounded-lg border-2 border-teal-800 bg-white p-4">
      <p className="font-medium text-slate-700">{t("codeLabel")}</p>
      <p id="activation-code" className="font-mono text-4xl font-bold tracking-widest text-slate-900 sm:text-5xl">
        {code}
      </p>
      <p>{t("codeExpires", { time: expiresAtText })}</p>
      <p className="rounded-md bg-amber-50 p-2 font-medium text-amber-900">{t("codeOnce")}</p>
      <p className="font-semibold">{t("stepsTitle")}</p>
      <ol className="list-decimal space-y-1 pl-6">
        <li className="break-words">{t("step1", { url: activateUrl })}</li>
        <li>{t("step2")}</li>
        <li>{t("step3")}</li>
      </ol>
    </div>
  );
}

"use client";

import Link from "next/link";
import { useEffect, useRef } from "react";
import { useTranslations } from "next-intl";
import { ActivationCodePanel } from "@/components/activation-code";
import { RegistrationForm, type RegistrationFormProps } from "@/components/registration-form";
import { registerAssistedAction, type AssistedFormState } from "./actions";

type Props = Omit<RegistrationFormProps<AssistedFormState>, "action" | "done" | "withPassword">;

/** The registration form without a password; its answer shows the worker's one-time code. */
export function AssistedRegistrationForm(props: Props) {
  const t = useTranslations("assisted");
  return (
    <RegistrationForm
      {...props}
      action={registerAssistedAction}
      withPassword={false}
      submitLabel={t("submit")}
      consentNote={t("consentNote")}
      consentLabel={t("consentLabel")}
      hints={{
        nikHint: t("hints.nikHint"),
        kkHint: t("hints.kkHint"),
        phoneHint: t("hints.phoneHint"),
        addressHint: t("hints.addressHint"),
        countryHint: t("hints.countryHint"),
        sectorHint: t("hints.sectorHint"),
        returnDateHint: t("hints.returnDateHint"),
      }}
      done={(state) => (state.registered ? <Registered {...state.registered} /> : null)}
    />
  );
}

function Registered({ participantId, fullName, activation }: NonNullable<AssistedFormState["registered"]>) {
  const t = useTranslations("assisted");
  const heading = useRef<HTMLHeadingElement>(null);
  // The form the caseworker was in is gone: take keyboard and screen reader focus to the result.
  useEffect(() => heading.current?.focus(), []);
  return (
    <section aria-labelledby="registered-h" className="space-y-4">
      <h2 id="registered-h" ref={heading} tabIndex={-1} className="text-xl font-semibold text-teal-900 outline-none">
        {activation ? t("doneTitle", { name: fullName }) : t("repeatedTitle")}
      </h2>
      {activation ? <ActivationCodePanel {...activation} /> : <p>{t("repeated")}</p>}
      <ul className="space-y-2">
        <li>
          <Link href={`/caseworker/participants/${participantId}`} className="font-medium text-teal-800 underline">
            {t("participantLink")}
          </Link>
        </li>
        <li>
          {/* A plain link: a fresh page brings a fresh form (and submission id). */}
          <a href="/caseworker/register" className="font-medium text-teal-800 underline">
            {t("another")}
          </a>
        </li>
        <li>
          <Link href="/caseworker" className="font-medium text-teal-800 underline">
            {t("back")}
          </Link>
        </li>
      </ul>
    </section>
  );
}

import type { Metadata } from "next";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getMessages, getTranslations } from "next-intl/server";
import { can } from "@/lib/data/permissions";
import { getUser, requireUserWith } from "@/lib/data/session";
import { toLocale } from "@/lib/i18n/config";
import { ClientTexts } from "@/components/client-texts";
import { registrationFormOptions } from "@/components/registration-options";
import { AssistedRegistrationForm } from "./assisted-form";

export async function generateMetadata(): Promise<Metadata> {
  // Metadata renders before the page refuses: other roles get the site's default title.
  if (!can(await getUser(), "create:participant:assisted")) return {};
  return { title: (await getTranslations("assisted"))("title") };
}

export default async function AssistedRegisterPage() {
  await requireUserWith("create:participant:assisted");
  const t = await getTranslations("assisted");
  const messages = await getMessages();
  const options = registrationFormOptions(toLocale(await getLocale()));
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">{t("title")}</h1>
        <p className="mt-2 text-slate-700">{t("intro")}</p>
      </div>
      <NextIntlClientProvider
        messages={{
          activation: messages.activation,
          assisted: messages.assisted,
        }}
      >
        <ClientTexts namespaces={["register", "common", "sex", "migrantStatus"]}>
          <AssistedRegistrationForm submissionId={crypto.randomUUID()} {...options} />
        </ClientTexts>
      </NextIntlClientProvider>
    </div>
  );
}

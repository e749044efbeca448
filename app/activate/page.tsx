import type { Metadata } from "next";
import Link from "next/link";
import { NextIntlClientProvider } from "next-intl";
import { getMessages, getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { HOME_BY_ROLE } from "@/lib/data/permissions";
import { getUser } from "@/lib/data/session";
import { ActivateForm } from "./activate-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("activation"))("title") };
}

export default async function ActivatePage() {
  const user = await getUser();
  if (user) redirect(HOME_BY_ROLE[user.role]);
  const t = await getTranslations("activation");
  const tr = await getTranslations("register");
  const messages = await getMessages();
  return (
    <div className="mx-auto max-w-md space-y-6">
      <div>
        <h1 className="text-2xl font-bold">{t("title")}</h1>
        <p className="mt-2 text-slate-700">{t("intro")}</p>
      </div>
      <NextIntlClientProvider messages={{ activation: messages.activation }}>
        <ActivateForm consent={{ title: tr("consentTitle"), text: tr("consentText"), label: tr("consent") }} />
      </NextIntlClientProvider>
      <p>
        {t("haveAccount")}{" "}
        <Link href="/login" className="font-medium text-teal-800 underline">
          {t("signIn")}
        </Link>
      </p>
    </div>
  );
}

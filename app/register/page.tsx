import type { Metadata } from "next";
import { NavLink } from "@/components/nav-link";
import { getLocale, getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { ClientTexts } from "@/components/client-texts";
import { registrationFormOptions } from "@/components/registration-options";
import { RegistrationForm } from "@/components/registration-form";
import { HOME_BY_ROLE } from "@/lib/data/permissions";
import { getUser } from "@/lib/data/session";
import { toLocale } from "@/lib/i18n/config";
import { registerAction } from "./actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("register"))("title") };
}

export default async function RegisterPage() {
  const user = await getUser();
  if (user) redirect(HOME_BY_ROLE[user.role]);
  const t = await getTranslations("register");
  const options = registrationFormOptions(toLocale(await getLocale()));
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">{t("title")}</h1>
        <p className="mt-2 text-slate-700">{t("intro")}</p>
      </div>
      <ClientTexts namespaces={["register", "common", "sex", "migrantStatus"]}>
        <RegistrationForm action={registerAction} withPassword submissionId={crypto.randomUUID()} {...options} />
      </ClientTexts>
      <p>
        {t("haveAccount")}{" "}
        <NavLink href="/login" className="font-medium text-teal-800 underline">
          {(await getTranslations("common"))("signIn")}
        </NavLink>
      </p>
    </div>
  );
}

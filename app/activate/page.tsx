import type { Metadata } from "next";
import { NavLink } from "@/components/nav-link";
import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { ClientTexts } from "@/components/client-texts";
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
  return (
    <div className="mx-auto max-w-md space-y-6">
      <div>
        <h1 className="text-2xl font-bold">{t("title")}</h1>
        <p className="mt-2 text-slate-700">{t("intro")}</p>
      </div>
      <ClientTexts namespaces={["activation"]}>
        <ActivateForm consent={{ title: tr("consentTitle"), text: tr("consentText"), label: tr("consent") }} />
      </ClientTexts>
      <p>
        {t("haveAccount")}{" "}
        <NavLink href="/login" className="font-medium text-teal-800 underline">
          {t("signIn")}
        </NavLink>
      </p>
    </div>
  );
}

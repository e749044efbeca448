import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { ClientTexts } from "@/components/client-texts";
import { NavLink } from "@/components/nav-link";
import { HOME_BY_ROLE } from "@/lib/data/permissions";
import { getUser } from "@/lib/data/session";
import { queryFields } from "@/lib/validation/query";
import { ResetPasswordForm } from "./reset-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("passwordReset"))("title") };
}

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** A forgotten password: a code to the confirmed phone (WhatsApp) or the email, then a new password. */
export default async function ResetPasswordPage({ searchParams }: Props) {
  const user = await getUser();
  if (user) redirect(HOME_BY_ROLE[user.role]);
  const t = await getTranslations("passwordReset");
  const query = queryFields(await searchParams);
  const startWithCode = query.step === "code";
  return (
    <div className="mx-auto max-w-md space-y-6">
      <div>
        <h1 className="text-2xl font-bold">{t("title")}</h1>
        <p className="mt-2 text-slate-700">{t("intro")}</p>
      </div>
      <ClientTexts namespaces={["passwordReset", "forms"]}>
        <ResetPasswordForm startWithCode={startWithCode} />
      </ClientTexts>
      {startWithCode ? null : (
        <p>
          <NavLink href="/reset-password?step=code" className="font-medium text-teal-800 underline">
            {t("haveCode")}
          </NavLink>
        </p>
      )}
      <section aria-labelledby="no-code-h" className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-4">
        <h2 id="no-code-h" className="text-lg font-semibold">
          {t("noCodeTitle")}
        </h2>
        <p>{t("noCodeText")}</p>
        <p>
          <NavLink href="/activate" className="font-medium text-teal-800 underline">
            {t("activateLink")}
          </NavLink>
        </p>
      </section>
      <p>
        <NavLink href="/login" className="font-medium text-teal-800 underline">
          {t("backToLogin")}
        </NavLink>
      </p>
    </div>
  );
}

import type { Metadata } from "next";
import { NavLink } from "@/components/nav-link";
import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { ClientTexts } from "@/components/client-texts";
import { HOME_BY_ROLE } from "@/lib/data/permissions";
import { getUser } from "@/lib/data/session";
import { FormMessage } from "@/components/field";
import { queryFields } from "@/lib/validation/query";
import { LoginForm } from "./login-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("login"))("title") };
}

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function LoginPage({ searchParams }: Props) {
  const user = await getUser();
  if (user) redirect(HOME_BY_ROLE[user.role]);
  const t = await getTranslations("login");
  // After /reset-password: the new password is set and every session has ended.
  const resetDone = queryFields(await searchParams).reset === "done";
  return (
    <div className="mx-auto max-w-md space-y-6">
      <h1 className="text-2xl font-bold">{t("title")}</h1>
      {resetDone ? <FormMessage tone="ok" message={(await getTranslations("passwordReset"))("done")} /> : null}
      <ClientTexts namespaces={["login"]}>
        <LoginForm />
      </ClientTexts>
      <p>
        <a href="#lupa-sandi" className="font-medium text-teal-800 underline">
          {t("forgotLink")}
        </a>
      </p>
      <p>
        {t("noAccount")}{" "}
        <NavLink href="/register" className="font-medium text-teal-800 underline">
          {t("registerLink")}
        </NavLink>
      </p>
      <p>
        {t("activateQuestion")}{" "}
        <NavLink href="/activate" className="font-medium text-teal-800 underline">
          {t("activateLink")}
        </NavLink>
      </p>
      <section id="lupa-sandi" aria-labelledby="forgot-h" className="scroll-mt-4 space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-4">
        <h2 id="forgot-h" className="text-lg font-semibold">
          {t("forgotTitle")}
        </h2>
        <p>{t("forgotIntro")}</p>
        <p>
          <NavLink href="/reset-password" className="font-medium text-teal-800 underline">
            {t("forgotResetLink")}
          </NavLink>
        </p>
        <ul className="list-disc space-y-1 pl-6">
          <li>{t("forgotParticipant")}</li>
          <li>{t("forgotStaff")}</li>
        </ul>
        <p>
          <NavLink href="/activate" className="font-medium text-teal-800 underline">
            {t("forgotActivateLink")}
          </NavLink>
        </p>
      </section>
    </div>
  );
}

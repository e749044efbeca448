import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { ClientTexts } from "@/components/client-texts";
import { HOME_BY_ROLE } from "@/lib/data/permissions";
import { getUser } from "@/lib/data/session";
import { LoginForm } from "./login-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("login"))("title") };
}

export default async function LoginPage() {
  const user = await getUser();
  if (user) redirect(HOME_BY_ROLE[user.role]);
  const t = await getTranslations("login");
  return (
    <div className="mx-auto max-w-md space-y-6">
      <h1 className="text-2xl font-bold">{t("title")}</h1>
      <ClientTexts namespaces={["login"]}>
        <LoginForm />
      </ClientTexts>
      <p>
        {t("noAccount")}{" "}
        <Link href="/register" className="font-medium text-teal-800 underline">
          {t("registerLink")}
        </Link>
      </p>
      <p>
        {t("activateQuestion")}{" "}
        <Link href="/activate" className="font-medium text-teal-800 underline">
          {t("activateLink")}
        </Link>
      </p>
    </div>
  );
}

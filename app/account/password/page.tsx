import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { ClientTexts } from "@/components/client-texts";
import { FormMessage } from "@/components/field";
import { NavLink } from "@/components/nav-link";
import { can, HOME_BY_ROLE } from "@/lib/data/permissions";
import { getUser, requireUserWith } from "@/lib/data/session";
import { queryFields } from "@/lib/validation/query";
import { PasswordForm } from "./password-form";

export async function generateMetadata(): Promise<Metadata> {
  if (!can(await getUser(), "update:account:own")) return {};
  return { title: (await getTranslations("account"))("passwordTitle") };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** Any signed-in user's own password. */
export default async function PasswordPage({ searchParams }: { searchParams: SearchParams }) {
  const viewer = await requireUserWith("update:account:own");
  const changed = queryFields(await searchParams).changed === "1";
  const t = await getTranslations("account");
  return (
    <div className="mx-auto max-w-md space-y-6">
      <div>
        <h1 className="text-2xl font-bold">{t("passwordTitle")}</h1>
        <p className="mt-2 text-slate-700">{t("passwordIntro")}</p>
      </div>
      {changed ? <FormMessage tone="ok" message={t("changed")} /> : null}
      <ClientTexts namespaces={["account"]}>
        <PasswordForm />
      </ClientTexts>
      <p>
        <NavLink href={HOME_BY_ROLE[viewer.role]} className="font-medium text-teal-800 underline">
          {t("back")}
        </NavLink>
      </p>
    </div>
  );
}

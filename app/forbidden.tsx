import { NavLink } from "@/components/nav-link";
import { getTranslations } from "next-intl/server";

export default async function Page() {
  const t = await getTranslations("errors");
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("forbiddenTitle")}</h1>
      <p>{t("forbidden")}</p>
      <NavLink href="/" className="font-medium text-teal-800 underline">
        {t("backHome")}
      </NavLink>
    </div>
  );
}

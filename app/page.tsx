import { NavLink } from "@/components/nav-link";
import { getTranslations } from "next-intl/server";
import { HOME_BY_ROLE } from "@/lib/data/permissions";
import { getUser } from "@/lib/data/session";

export default async function HomePage() {
  const t = await getTranslations("home");
  // The layout has read the session already (getUser is cached per request): no extra query.
  const user = await getUser();
  return (
    <div className="space-y-8">
      <section className="space-y-4">
        <h1 className="text-3xl font-bold leading-tight text-teal-950">{t("title")}</h1>
        <p className="text-lg">{t("intro")}</p>
        {user ? (
          <p className="flex flex-wrap items-center gap-4">
            <span>{t("signedIn")}</span>
            <NavLink href={HOME_BY_ROLE[user.role]} className="rounded-md bg-teal-800 px-5 py-3 font-semibold text-white hover:bg-teal-900">
              {t("goToMyPage")}
            </NavLink>
          </p>
        ) : (
          <p className="flex flex-wrap items-center gap-4">
            <NavLink href="/register" className="rounded-md bg-teal-800 px-5 py-3 font-semibold text-white hover:bg-teal-900">
              {t("cta")}
            </NavLink>
            <span>
              {t("haveAccount")}{" "}
              <NavLink href="/login" className="font-medium text-teal-800 underline">
                {(await getTranslations("common"))("signIn")}
              </NavLink>
            </span>
          </p>
        )}
      </section>
      <section aria-labelledby="who-h" className="space-y-2">
        <h2 id="who-h" className="text-xl font-semibold">{t("whoTitle")}</h2>
        <ul className="list-disc space-y-1 pl-6">
          <li>{t("who1")}</li>
          <li>{t("who2")}</li>
          <li>{t("who3")}</li>
        </ul>
      </section>
      <section aria-labelledby="steps-h" className="space-y-2">
        <h2 id="steps-h" className="text-xl font-semibold">{t("stepsTitle")}</h2>
        <ol className="list-decimal space-y-1 pl-6">
          <li>{t("step1")}</li>
          <li>{t("step2")}</li>
          <li>{t("step3")}</li>
        </ol>
      </section>
      <section aria-labelledby="help-h" className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-4">
        <h2 id="help-h" className="text-xl font-semibold">{t("helpTitle")}</h2>
        <p>{t("help")}</p>
      </section>
    </div>
  );
}

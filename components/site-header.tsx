import { NavLink } from "@/components/nav-link";
import { pageWidthClass } from "@/components/page-width";
import { getTranslations } from "next-intl/server";
import { getLocale } from "next-intl/server";
import { switchLocale, signOutEverywhere } from "@/app/actions";
import { LanguageSwitch } from "@/components/language-switch";
import { HOME_BY_ROLE, type SessionUser } from "@/lib/data/permissions";

/** `path` is the page's path and `search` its query: the language switch comes back to both. */
export async function SiteHeader({ user, path, search = "" }: { user: SessionUser | null; path: string; search?: string }) {
  const t = await getTranslations("common");
  const locale = await getLocale();
  const other = locale === "id" ? "en" : "id";
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className={`mx-auto flex flex-wrap items-center justify-between gap-2 px-4 py-3 ${pageWidthClass(path)}`}>
        <NavLink href={user ? HOME_BY_ROLE[user.role] : "/"} className="font-bold text-teal-900">
          {t("appName")}
        </NavLink>
        <nav className="flex items-center gap-3 text-sm">
          <LanguageSwitch action={switchLocale} locale={other} returnTo={path + search}>
            <button type="submit" lang={other} aria-label={t("switchToLabel")} className="underline">
              {t("switchTo")}
            </button>
          </LanguageSwitch>
          {user ? (
            <NavLink href="/account/password" className="underline">
              {t("password")}
            </NavLink>
          ) : null}
          {user ? (
            <form action={signOutEverywhere}>
              <button type="submit" className="rounded border border-slate-400 px-3 py-1">
                {t("signOut")}
              </button>
            </form>
          ) : (
            <NavLink href="/login" className="rounded border border-slate-400 px-3 py-1">
              {t("signIn")}
            </NavLink>
          )}
        </nav>
      </div>
    </header>
  );
}

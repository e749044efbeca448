import Link from "next/link";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { can } from "@/lib/data/permissions";
import { getUser } from "@/lib/data/session";

// The PMO's section menu. Only a navigation aid: every page and action below checks the
// user itself, and other roles get no menu (and 403 from the page).
export default async function PmoLayout({ children }: { children: ReactNode }) {
  const user = await getUser();
  if (!can(user, "read:dashboard:any")) return children;
  const t = await getTranslations("pmoNav");
  const links = [
    ["/pmo", t("dashboard")],
    ["/pmo/participants", t("participants")],
    ["/pmo/caseworkers", t("caseworkers")],
    ["/pmo/imports", t("imports")],
    ["/pmo/survey", t("survey")],
    ["/pmo/help", t("help")],
    ["/pmo/outbox", t("outbox")],
    ["/pmo/data-requests", t("dataRequests")],
    ["/pmo/audit", t("audit")],
  ] as const;
  return (
    <div className="space-y-6">
      <nav aria-label={t("label")} className="-mt-2 flex flex-wrap gap-x-4 gap-y-1 border-b border-slate-200 pb-2 text-sm">
        {links.map(([href, label]) => (
          <Link key={href} href={href} className="font-medium text-teal-800 underline">
            {label}
          </Link>
        ))}
      </nav>
      {children}
    </div>
  );
}

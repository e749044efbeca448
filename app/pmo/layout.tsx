import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { SectionNav } from "@/components/section-nav";
import { can, canAny, READ_DASHBOARD } from "@/lib/data/permissions";
import { getUser } from "@/lib/data/session";

// The PMO's section menu. Only a navigation aid: every page and action below checks the
// user itself, and other roles get no menu (and 403 from the page).
export default async function PmoLayout({ children }: { children: ReactNode }) {
  const user = await getUser();
  if (!canAny(user, READ_DASHBOARD)) return children;
  const t = await getTranslations("pmoNav");
  // A regional coordinator has the pages that are scoped to their regions so far.
  const coordinatorPages = new Set(["/pmo", "/pmo/reports", "/pmo/survey"]);
  const all: [string, string][] = [
    ["/pmo", t("dashboard")],
    ["/pmo/participants", t("participants")],
    ["/pmo/caseworkers", t("caseworkers")],
    ["/pmo/regions", t("regions")],
    ["/pmo/imports", t("imports")],
    ["/pmo/reports", t("reports")],
    ["/pmo/survey", t("survey")],
    ["/pmo/help", t("help")],
    ["/pmo/outbox", t("outbox")],
    ["/pmo/jobs", t("jobs")],
    ["/pmo/data-requests", t("dataRequests")],
    ["/pmo/audit", t("audit")],
  ];
  const links = can(user, "read:dashboard:any") ? all : all.filter(([href]) => coordinatorPages.has(href));
  return (
    <div className="space-y-6">
      <SectionNav label={t("label")} links={links} home="/pmo" />
      {children}
    </div>
  );
}

import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { SectionNav } from "@/components/section-nav";
import { ANSWER_HELP_QUEUE, canAny, MANAGE_CASEWORKERS, READ_AUDIT, READ_DASHBOARD, READ_PARTICIPANTS, type Permission } from "@/lib/data/permissions";
import { getUser } from "@/lib/data/session";

// The PMO's section menu. Only a navigation aid: every page and action below checks the
// user itself, and other roles get no menu (and 403 from the page).
export default async function PmoLayout({ children }: { children: ReactNode }) {
  const user = await getUser();
  if (!canAny(user, READ_DASHBOARD)) return children;
  const t = await getTranslations("pmoNav");
  // Each page with the permission it asks for (as its page.tsx does): a regional
  // coordinator sees the ones scoped to their regions, the PMO all of them.
  const pages: [string, string, readonly Permission[]][] = [
    ["/pmo", t("dashboard"), READ_DASHBOARD],
    ["/pmo/participants", t("participants"), READ_PARTICIPANTS],
    ["/pmo/caseworkers", t("caseworkers"), MANAGE_CASEWORKERS],
    ["/pmo/regions", t("regions"), ["manage:region:any"]],
    ["/pmo/api-clients", t("apiClients"), ["manage:api_client:any"]],
    ["/pmo/imports", t("imports"), ["create:import:any"]],
    ["/pmo/reports", t("reports"), READ_DASHBOARD],
    ["/pmo/survey", t("survey"), READ_DASHBOARD],
    ["/pmo/help", t("help"), ANSWER_HELP_QUEUE],
    ["/pmo/outbox", t("outbox"), ["read:outbox:any"]],
    ["/pmo/jobs", t("jobs"), ["read:jobs:any"]],
    ["/pmo/data-requests", t("dataRequests"), ["read:data_request:any"]],
    ["/pmo/audit", t("audit"), READ_AUDIT],
  ];
  const links = pages.filter(([, , needs]) => canAny(user, needs)).map(([href, label]): [string, string] => [href, label]);
  return (
    <div className="space-y-6">
      <SectionNav label={t("label")} links={links} home="/pmo" />
      {children}
    </div>
  );
}

import type { NextRequest } from "next/server";
import { getTranslations } from "next-intl/server";
import { canAny, READ_DASHBOARD } from "@/lib/data/permissions";
import { monthlyReportFile, type ReportFormat } from "@/lib/data/reports";
import { getUser } from "@/lib/data/session";
import { queryFields } from "@/lib/validation/query";
import { reportFilterFromParams } from "@/lib/validation/reports";

// The month's report as a file (GET /pmo/reports/xlsx and /pmo/reports/pdf): the month and
// the dashboard's filters from the query string, as the page's links write them. A visitor
// goes to /login, another role gets 403, as for the participant export. The data layer
// checks the permission again and writes the audit event; this only speaks HTTP.

export async function reportDownload(request: NextRequest, format: ReportFormat): Promise<Response> {
  const viewer = await getUser();
  if (!viewer) return new Response(null, { status: 307, headers: { Location: "/login" } });
  if (!canAny(viewer, READ_DASHBOARD)) {
    const t = await getTranslations("errors");
    return new Response(t("forbiddenTitle"), { status: 403, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  const filter = reportFilterFromParams(queryFields(request.nextUrl.searchParams));
  const file = await monthlyReportFile(viewer, filter, format);
  return new Response(file.body as BodyInit, {
    headers: {
      "Content-Type": file.contentType,
      "Content-Disposition": `attachment; filename="${file.fileName}"`,
      "Content-Length": String(file.body.byteLength),
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

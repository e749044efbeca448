import type { NextRequest } from "next/server";
import { getTranslations } from "next-intl/server";
import { importReportCsv } from "@/lib/data/imports";
import { can } from "@/lib/data/permissions";
import { getUser } from "@/lib/data/session";
import { forbiddenResponse, toLogin } from "../../http";
import { reasonTranslator } from "../../texts";

// GET: the import's report (refused and duplicate lines, with their reasons in the
// reader's language) as a CSV download. The data layer checks the permission again and
// writes the audit event.

export const dynamic = "force-dynamic";

export async function GET(_request: NextRequest, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const viewer = await getUser();
  if (!viewer) return toLogin();
  if (!can(viewer, "create:import:any")) return forbiddenResponse();
  const { id } = await params;
  const t = await getTranslations("pmoImports");
  const reason = await reasonTranslator();
  const { fileName, stream } = await importReportCsv(viewer, id, {
    status: (status) => t(`lineStatus.${status}`),
    reason,
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${fileName}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

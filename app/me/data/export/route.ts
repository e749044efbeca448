import { getTranslations } from "next-intl/server";
import { ownDataExport } from "@/lib/data/data-rights";
import { can } from "@/lib/data/permissions";
import { getUser } from "@/lib/data/session";
import { todayInJakarta } from "@/lib/validation";

// GET: everything held about the signed-in participant, as a JSON download. The data
// layer checks the permission again and writes the audit event; this only speaks HTTP.

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const viewer = await getUser();
  if (!viewer) return new Response(null, { status: 307, headers: { Location: "/login" } });
  if (!can(viewer, "read:data_export:own")) {
    const t = await getTranslations("errors");
    return new Response(t("forbiddenTitle"), { status: 403, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  const document = await ownDataExport(viewer);
  if (!document) return new Response(null, { status: 404 });
  return new Response(JSON.stringify(document, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="data-saya-${todayInJakarta().replaceAll("-", "")}.json"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

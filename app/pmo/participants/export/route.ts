import type { NextRequest } from "next/server";
import { getTranslations } from "next-intl/server";
import { openSearchParams, sealQuery } from "@/lib/crypto/search-seal";
import { exportParticipants } from "@/lib/data/pmo-participants";
import { can, type SessionUser } from "@/lib/data/permissions";
import { getUser } from "@/lib/data/session";
import { todayInJakarta } from "@/lib/validation";
import { exportPurposeSchema, filterQuery, parseParticipantFilter, type ExportPurposeError } from "@/lib/validation/pmo-participants";

// GET: the list's current filter (the same query string) as CSV, NIKs masked.
// POST (a form with a purpose): the same with whole NIKs. The data layer checks the
// permissions again and writes the audit event; this only speaks HTTP.

export const dynamic = "force-dynamic";

export async function GET(request: NextRequest): Promise<Response> {
  const viewer = await getUser();
  if (!viewer) return new Response(null, { status: 307, headers: { Location: "/login" } });
  if (!can(viewer, "read:export:any")) return forbiddenResponse();
  return csvResponse(viewer, request, null);
}

export async function POST(request: NextRequest): Promise<Response> {
  // A cross-site form post carries no session cookie (SameSite=Lax), and one from a page
  // of another origin is refused outright, as Next refuses it for server actions.
  if (!sameOrigin(request)) return new Response(null, { status: 403 });
  const viewer = await getUser();
  if (!viewer) return seeOther("/login");
  if (!can(viewer, "read:export:any")) return forbiddenResponse();
  const form = await request.formData().catch(() => null);
  const purpose = form?.get("purpose");
  const parsed = exportPurposeSchema.safeParse({ purpose: typeof purpose === "string" ? purpose : undefined });
  if (!parsed.success) {
    // Without JavaScript the form posts straight here: back to the list, the error beside the field.
    const error = parsed.error.issues[0]?.message as ExportPurposeError;
    const query = sealQuery(filterQuery(parseParticipantFilter(openSearchParams(request.nextUrl.searchParams, viewer.id))), viewer.id);
    return seeOther(`/pmo/participants?${query ? `${query}&` : ""}exportError=${error}#full-export`);
  }
  return csvResponse(viewer, request, parsed.data.purpose);
}

async function csvResponse(viewer: SessionUser, request: NextRequest, purpose: string | null): Promise<Response> {
  // The search comes sealed (`s`), as the list's links carry it; a search in clear is ignored.
  const filter = parseParticipantFilter(openSearchParams(request.nextUrl.searchParams, viewer.id));
  const { stream } = await exportParticipants(viewer, filter, { purpose });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="peserta-${todayInJakarta().replaceAll("-", "")}.csv"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

async function forbiddenResponse(): Promise<Response> {
  const t = await getTranslations("errors");
  return new Response(t("forbiddenTitle"), { status: 403, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { Location: location } });
}

function sameOrigin(request: NextRequest): boolean {
  const origin = request.headers.get("origin");
  // Browsers send Origin with every POST; a client that sends none is not a cross-site page.
  if (!origin) return true;
  const host = request.headers.get("x-forwarded-host")?.split(",")[0]?.trim() ?? request.headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

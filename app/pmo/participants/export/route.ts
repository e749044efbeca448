import type { NextRequest } from "next/server";
import { getTranslations } from "next-intl/server";
import { openSearchParams, sealQuery } from "@/lib/crypto/search-seal";
import { exportParticipants } from "@/lib/data/pmo-participants";
import { canAny, READ_EXPORT, type SessionUser } from "@/lib/data/permissions";
import { getUser } from "@/lib/data/session";
import { formFields } from "@/lib/forms";
import { sameOrigin } from "@/lib/http/client";
import { todayInJakarta } from "@/lib/validation";
import {
  exportPurposeSchema,
  filterQuery,
  parseParticipantFilter,
  type ExportPurposeError,
  type ParticipantFilter,
} from "@/lib/validation/pmo-participants";
import { queryFields } from "@/lib/validation/query";

// GET: the list's current filter (the same query string) as CSV, NIKs masked.
// POST (a form with a purpose): the same with whole NIKs. With `format=xlsx` (in the
// query string, or a field of the POST form) the same rows as an Excel workbook. The data
// layer checks the permissions again and writes the audit event; this only speaks HTTP.

export const dynamic = "force-dynamic";

export async function GET(request: NextRequest): Promise<Response> {
  const viewer = await getUser();
  if (!viewer) return new Response(null, { status: 307, headers: { Location: "/login" } });
  if (!canAny(viewer, READ_EXPORT)) return forbiddenResponse();
  return fileResponse(viewer, request, null, formatOf(queryFields(request.nextUrl.searchParams).format));
}

export async function POST(request: NextRequest): Promise<Response> {
  // A cross-site form post carries no session cookie (SameSite=Lax), and one from a page
  // of another origin is refused outright, as Next refuses it for server actions.
  if (!sameOrigin(request.headers)) return new Response(null, { status: 403 });
  const viewer = await getUser();
  if (!viewer) return seeOther("/login");
  if (!canAny(viewer, READ_EXPORT)) return forbiddenResponse();
  const form = await request.formData().catch(() => null);
  const parsed = exportPurposeSchema.safeParse({ purpose: form ? formFields(form).purpose : undefined });
  if (!parsed.success) {
    // Without JavaScript the form posts straight here: back to the list, the error beside the field.
    const error = parsed.error.issues[0]?.message as ExportPurposeError;
    const query = sealQuery(filterQuery(listFilter(request, viewer)), viewer.id);
    return seeOther(`/pmo/participants?${query ? `${query}&` : ""}exportError=${error}#full-export`);
  }
  const format = formatOf((form ? formFields(form).format : undefined) ?? queryFields(request.nextUrl.searchParams).format);
  return fileResponse(viewer, request, parsed.data.purpose, format);
}

/** "xlsx" asks for the workbook; anything else is the CSV. */
function formatOf(value: unknown): "csv" | "xlsx" {
  return value === "xlsx" ? "xlsx" : "csv";
}

/** The list's filter from the request's query string. The search comes sealed (`s`), as the list's links carry it; a search in clear is ignored. */
function listFilter(request: NextRequest, viewer: SessionUser): ParticipantFilter {
  return parseParticipantFilter(openSearchParams(queryFields(request.nextUrl.searchParams), viewer.id));
}

async function fileResponse(viewer: SessionUser, request: NextRequest, purpose: string | null, format: "csv" | "xlsx"): Promise<Response> {
  const filter = listFilter(request, viewer);
  const { stream } = await exportParticipants(viewer, filter, { purpose, format });
  const name = `peserta-${todayInJakarta().replaceAll("-", "")}.${format}`;
  return new Response(stream, {
    headers: {
      "Content-Type": format === "xlsx" ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}"`,
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


import type { NextRequest } from "next/server";
import { getImportProgress } from "@/lib/data/imports";
import { can } from "@/lib/data/permissions";
import { getUser } from "@/lib/data/session";
import { forbiddenResponse, toLogin } from "../../http";

// GET: where a check or import stands, as JSON ({ state, done, total, error, totals }),
// for scripts and for anything that wants to follow a long import without the page.

export const dynamic = "force-dynamic";

export async function GET(_request: NextRequest, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const viewer = await getUser();
  if (!viewer) return toLogin();
  if (!can(viewer, "create:import:any")) return forbiddenResponse();
  const { id } = await params;
  return Response.json(await getImportProgress(viewer, id), { headers: { "Cache-Control": "no-store" } });
}

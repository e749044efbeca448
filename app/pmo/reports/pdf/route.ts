import type { NextRequest } from "next/server";
import { reportDownload } from "../download";

// The month's report as a PDF of one to three A4 pages (app/pmo/reports/download.ts).

export const dynamic = "force-dynamic";

export function GET(request: NextRequest): Promise<Response> {
  return reportDownload(request, "pdf");
}

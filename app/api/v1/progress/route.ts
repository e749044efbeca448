import { apiRoute, parseQuery } from "@/lib/api/handler";
import { getProgressForApi } from "@/lib/data/programme";
import { progressQuerySchema } from "@/lib/validation/api";

// GET /api/v1/progress: the PMO dashboard's figures for a period and filters, within the
// client's region (lib/data/programme.ts, the dashboard's own code). Described in lib/api/openapi.ts.

export const dynamic = "force-dynamic";

export const GET = apiRoute({ route: "GET /api/v1/progress", scope: "progress:read" }, async (ctx) => {
  const query = parseQuery(progressQuerySchema, ctx);
  const progress = await getProgressForApi(ctx.actor, query);
  return { status: 200, body: progress, count: null };
});

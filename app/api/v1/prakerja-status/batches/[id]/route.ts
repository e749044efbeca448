import { apiRoute } from "@/lib/api/handler";
import { getPrakerjaBatch } from "@/lib/data/prakerja-status";

// GET /api/v1/prakerja-status/batches/{id}: a queued batch's state, and each event's result
// once done; 404 for another client's batch (lib/data/prakerja-status.ts). Described in lib/api/openapi.ts.

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>({ route: "GET /api/v1/prakerja-status/batches/{id}", scope: "prakerja-status:write" }, async (ctx) => {
  const status = await getPrakerjaBatch(ctx.actor, ctx.params.id ?? "");
  return { status: 200, body: status, count: status.results?.length ?? null };
});

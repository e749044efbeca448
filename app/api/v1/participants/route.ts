import { apiRoute, ApiRefusal, parseQuery } from "@/lib/api/handler";
import { BadCursorError, listParticipantsForApi } from "@/lib/data/api-participants";
import { participantsQuerySchema } from "@/lib/validation/api";

// GET /api/v1/participants: participants' progress, masked, in the client's region, paged by
// cursor (lib/data/api-participants.ts). Described in lib/api/openapi.ts.

export const dynamic = "force-dynamic";

export const GET = apiRoute({ route: "GET /api/v1/participants", scope: "participants:read" }, async (ctx) => {
  const query = parseQuery(participantsQuerySchema, ctx);
  try {
    const page = await listParticipantsForApi(ctx.actor, { cursor: query.cursor, limit: query.limit, updatedSince: query.updated_since });
    return { status: 200, body: page, count: page.data.length };
  } catch (error) {
    if (error instanceof BadCursorError) throw new ApiRefusal(400, "A query parameter was refused.", [{ field: "cursor", message: "not a cursor this API gave" }]);
    throw error;
  }
});

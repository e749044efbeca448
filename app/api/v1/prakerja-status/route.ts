import { createHash } from "node:crypto";
import { apiRoute, ApiRefusal, parseBody } from "@/lib/api/handler";
import { submitPrakerjaBatch } from "@/lib/data/prakerja-status";
import { IDEMPOTENCY_KEY } from "@/lib/validation/api";
import { prakerjaBatchSchema } from "@/lib/validation/prakerja-status";

// POST /api/v1/prakerja-status: a batch of up to 10,000 Prakerja status events, matched by
// NIK (in the body, never the URL). Up to 1,000 are applied at once (200, each event's
// result); a larger batch is queued for a job (202, Location: its status URL). With an
// Idempotency-Key a retry gets the first answer and changes nothing; the same key with
// another body is 409. The data layer: lib/data/prakerja-status.ts. Described in lib/api/openapi.ts.

export const dynamic = "force-dynamic";

export const POST = apiRoute({ route: "POST /api/v1/prakerja-status", scope: "prakerja-status:write", body: true }, async (ctx) => {
  const header = ctx.request.headers.get("idempotency-key");
  if (header !== null && !IDEMPOTENCY_KEY.test(header)) {
    throw new ApiRefusal(400, "The Idempotency-Key header was refused.", [{ field: "Idempotency-Key", message: "1 to 255 visible ASCII characters" }]);
  }
  const batch = parseBody(prakerjaBatchSchema, ctx);
  // The request's identity for the idempotency key: the batch as parsed (the same events
  // in the same order), so whitespace or key order in the JSON does not make it another.
  const requestHash = createHash("sha256").update(JSON.stringify(batch)).digest("hex");
  const result = await submitPrakerjaBatch(ctx.actor, batch, { idempotencyKey: header, requestHash });
  if (result.kind === "conflict") {
    throw new ApiRefusal(409, "This Idempotency-Key was used before with a different batch.");
  }
  if (result.kind === "queued") {
    const statusUrl = `/api/v1/prakerja-status/batches/${result.batchId}`;
    return { status: 202, body: { id: result.batchId, state: "queued", status_url: statusUrl }, headers: { Location: statusUrl }, count: batch.events.length };
  }
  return { status: 200, body: { counts: result.counts, results: result.results }, count: batch.events.length };
});

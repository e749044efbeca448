import "server-only";
import { sql } from "drizzle-orm";
import { db, executeRows } from "@/db";
import type { ApiClientActor } from "./api-actor";
import { recordAudit } from "./audit";

// Bookkeeping of /api/v1 calls: the rate limit per client and the audit event of each call
// (docs/decisions/031). Both live in PostgreSQL: the app servers keep no state.

/** Requests a client may make per window; API_RATE_LIMIT_PER_MINUTE overrides it. */
export function apiRateLimit(): { limit: number; windowSeconds: number } {
  const configured = Number(process.env.API_RATE_LIMIT_PER_MINUTE);
  return { limit: Number.isInteger(configured) && configured > 0 ? configured : 120, windowSeconds: 60 };
}

export type RateDecision = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number };

/**
 * Counts one request of the client in the current fixed window (one row per client,
 * updated in one statement, so concurrent requests on any instance count exactly) and
 * says whether it is within the limit; past it, how many seconds until the window ends.
 */
export async function takeApiRequest(actor: ApiClientActor): Promise<RateDecision> {
  const { limit, windowSeconds } = apiRateLimit();
  const [row] = await executeRows<{ count: number; retry: number }>(sql`
    with w as (select to_timestamp(floor(extract(epoch from now()) / ${windowSeconds}) * ${windowSeconds}) as start)
    insert into api_rate_limits (api_client_id, window_start, count)
    select ${actor.id}::uuid, w.start, 1 from w
    on conflict (api_client_id) do update set
      count = case when api_rate_limits.window_start = excluded.window_start then api_rate_limits.count + 1 else 1 end,
      window_start = excluded.window_start
    returning count, ceil(extract(epoch from (window_start + make_interval(secs => ${windowSeconds}) - now())))::int as retry`);
  const count = Number(row.count);
  if (count <= limit) return { ok: true, remaining: limit - count };
  return { ok: false, retryAfterSeconds: Math.max(1, Number(row.retry)) };
}

export type ApiCall = { method: string; route: string; status: number; count?: number | null; errorId?: string | null };

/**
 * The audit event of one call (`api.call`): the route, the answer's status and how many
 * records it carried. Never the query or the body: they may hold personal data.
 */
export async function recordApiCall(actor: ApiClientActor, call: ApiCall): Promise<void> {
  await db.transaction(async (tx) => {
    await recordAudit(tx, {
      actor,
      action: "api.call",
      entityType: "api_client",
      entityId: actor.id,
      after: { method: call.method, route: call.route, status: call.status, count: call.count ?? null, ...(call.errorId ? { errorId: call.errorId } : {}) },
    });
  });
}

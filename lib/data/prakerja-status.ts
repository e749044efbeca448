import "server-only";
import { and, eq, lt, sql } from "drizzle-orm";
import { forbidden, notFound } from "next/navigation";
import { db, executeRows, type Tx } from "@/db";
import { apiClients, prakerjaBatches, prakerjaIdempotency, regionProvinces, type Stage } from "@/db/schema";
import { identityHash } from "@/lib/crypto/identity";
import { enqueue } from "@/lib/jobs/engine";
import { QUEUES } from "@/lib/jobs/queues";
import {
  countResults,
  latestIndonesianToday,
  type PrakerjaBatch,
  type PrakerjaBatchStatus,
  type PrakerjaCounts,
  type PrakerjaEventKind,
  type PrakerjaEventResult,
} from "@/lib/validation/prakerja-status";
import { hasApiScope, type ApiClientActor } from "./api-actor";
import { recordAudit } from "./audit";
import { provinceScope } from "./scope";

// The Prakerja PMO's status events (issue 20, "Prakerja status in";
// docs/decisions/033-prakerja-status-in.md and 034-prakerja-idempotency-and-jobs.md).
// A batch is matched by NIK hash among the client's provinces' participants, checked event
// by event in the batch's order against what is already recorded, and written set-based:
// one UPDATE of participants, one INSERT of stage changes, one of service logs, one audit
// event, whatever the batch's size.

/** Batches up to this size are applied during the request; larger ones by a job. */
export const PRAKERJA_SYNC_MAX = 1_000;
/** How long an Idempotency-Key is remembered. */
export const IDEMPOTENCY_HOURS = 24;

/** The milestone column each event records. */
const MILESTONE: Record<PrakerjaEventKind, "card" | "bought" | "trained" | "lms"> = {
  card_received: "card",
  training_bought: "bought",
  training_completed: "trained",
  lms_completed: "lms",
};
/** The events in the journey's order: a milestone's date is not before an earlier one's. */
const JOURNEY: PrakerjaEventKind[] = ["card_received", "training_bought", "training_completed", "lms_completed"];
/** The catalogue's service each event is logged as (lib/reference/services.ts). */
export const PRAKERJA_SERVICE: Record<PrakerjaEventKind, string> = {
  card_received: "card_received",
  training_bought: "training_bought",
  training_completed: "modules_completed",
  lms_completed: "certificate_issued",
};
/** The stage a participant is at least in once the event happened. */
export const PRAKERJA_STAGE: Record<PrakerjaEventKind, Stage> = {
  card_received: "registration",
  training_bought: "training",
  training_completed: "lms",
  lms_completed: "completed",
};
const RANK: Partial<Record<Stage, number>> = { registration: 0, training: 1, lms: 2, completed: 3 };

/** An event as stored and applied: its NIK only as the keyed hash. */
export type HashedEvent = { h: string; e: PrakerjaEventKind; d: string; p: string | null };

export type SubmitAnswer =
  | { kind: "applied"; results: PrakerjaEventResult[]; counts: PrakerjaCounts }
  | { kind: "queued"; batchId: string };
export type SubmitResult = SubmitAnswer | { kind: "conflict" };

function requireStatusScope(actor: ApiClientActor): void {
  if (actor?.kind !== "api_client" || !hasApiScope(actor, "prakerja-status:write")) forbidden();
}

function hashEvents(batch: PrakerjaBatch): HashedEvent[] {
  return batch.events.map((e) => ({ h: identityHash(e.nik), e: e.event, d: e.occurred_on, p: e.provider ?? null }));
}

/**
 * Takes a batch of status events from a partner. Up to PRAKERJA_SYNC_MAX events are
 * applied at once and answered event by event; a larger batch is stored (without its
 * NIKs) and queued for a job, answered with its id. With an idempotency key, a retry of
 * the same request (same requestHash) within a day gets the first answer and changes
 * nothing; the same key with another request is a conflict.
 */
export async function submitPrakerjaBatch(
  actor: ApiClientActor,
  batch: PrakerjaBatch,
  opts: { idempotencyKey: string | null; requestHash: string },
): Promise<SubmitResult> {
  requireStatusScope(actor);
  const events = hashEvents(batch);
  return db.transaction(async (tx): Promise<SubmitResult> => {
    if (opts.idempotencyKey !== null) {
      const claim = await claimKey(tx, actor.id, opts.idempotencyKey, opts.requestHash);
      if (claim.kind !== "claimed") return claim.kind === "conflict" ? { kind: "conflict" } : claim.answer;
    }
    let answer: SubmitAnswer;
    if (events.length > PRAKERJA_SYNC_MAX) {
      const [row] = await tx
        .insert(prakerjaBatches)
        .values({ apiClientId: actor.id, received: events.length, events })
        .returning({ id: prakerjaBatches.id });
      await enqueue(tx, QUEUES.prakerjaStatus, { batchId: row.id });
      await recordAudit(tx, {
        actor,
        action: "prakerja.status_queue",
        entityType: "prakerja_batch",
        entityId: row.id,
        after: { received: events.length },
      });
      answer = { kind: "queued", batchId: row.id };
    } else {
      const results = await applyEvents(tx, actor, events);
      const counts = countResults(results);
      await recordAudit(tx, {
        actor,
        action: "prakerja.status",
        entityType: "prakerja_batch",
        entityId: null,
        after: { received: events.length, counts },
      });
      answer = { kind: "applied", results, counts };
    }
    if (opts.idempotencyKey !== null) {
      await tx.execute(sql`
        update prakerja_idempotency set answer = ${JSON.stringify(answer)}::jsonb
        where api_client_id = ${actor.id} and key = ${opts.idempotencyKey}`);
    }
    return answer;
  });
}

/**
 * The key's row for this client: claimed anew (none yet, or expired), or the answer given
 * to the same request before, or a conflict. A concurrent request with the same key waits
 * on the row's insert until the first commits (or rolls back, and then it claims it).
 */
async function claimKey(
  tx: Tx,
  clientId: string,
  key: string,
  requestHash: string,
): Promise<{ kind: "claimed" } | { kind: "conflict" } | { kind: "stored"; answer: SubmitAnswer }> {
  const expires = new Date(Date.now() + IDEMPOTENCY_HOURS * 3_600_000);
  const claimed = await executeRows<{ key: string }>(
    sql`insert into prakerja_idempotency as t (api_client_id, key, request_hash, expires_at)
        values (${clientId}, ${key}, ${requestHash}, ${expires.toISOString()})
        on conflict (api_client_id, key) do update
          set request_hash = excluded.request_hash, answer = null, created_at = now(), expires_at = excluded.expires_at
          where t.expires_at <= now()
        returning t.key`,
    tx,
  );
  if (claimed.length > 0) return { kind: "claimed" };
  const [row] = await executeRows<{ request_hash: string; answer: SubmitAnswer | string | null }>(
    sql`select request_hash, answer from prakerja_idempotency where api_client_id = ${clientId} and key = ${key}`,
    tx,
  );
  if (!row || row.request_hash !== requestHash || row.answer === null) return { kind: "conflict" };
  const answer = typeof row.answer === "string" ? (JSON.parse(row.answer) as SubmitAnswer) : row.answer;
  return { kind: "stored", answer };
}

type Matched = {
  id: string;
  nik_hash: string;
  stage: Stage;
  registered_on: string;
  card: string | null;
  bought: string | null;
  trained: string | null;
  lms: string | null;
};

/**
 * Applies hashed events for the client, in the caller's transaction, and returns each
 * event's result in order. No audit event: the caller writes the batch's one.
 */
async function applyEvents(tx: Tx, actor: ApiClientActor, events: readonly HashedEvent[]): Promise<PrakerjaEventResult[]> {
  const hashes = JSON.stringify([...new Set(events.map((e) => e.h))]);
  const inRegion = actor.provinces === null ? sql`true` : provinceScope(actor.provinces, sql`p.province_code`);
  // Locked, so that a caseworker's change of the same participant waits for the batch
  // (and the batch's view of the milestones stays true until it commits). A join with the
  // hashes, not nik_hash = any(array): PostgreSQL scans a 10,000-element array for each
  // row it reads (14 s at 20,000 participants, against 0.3 s for the join).
  const matched = await executeRows<Matched>(
    sql`select p.id, p.nik_hash, p.stage, (p.created_at at time zone 'Asia/Jakarta')::date::text as registered_on,
               p.card_received_on::text as card, p.training_bought_on::text as bought,
               p.training_completed_on::text as trained, p.lms_completed_on::text as lms
        from jsonb_array_elements_text(${hashes}::jsonb) as x (h)
        join participants p on p.nik_hash = x.h
        where p.erased_at is null and ${inRegion}
        order by p.id
        for update of p`,
    tx,
  );
  const byHash = new Map(matched.map((m) => [m.nik_hash, { ...m, from: m.stage, to: m.stage, changed: false }]));
  const today = latestIndonesianToday();
  const logs: { participant_id: string; service_code: string; occurred_on: string; notes: string | null }[] = [];
  const results = events.map((ev, index): PrakerjaEventResult => {
    const p = byHash.get(ev.h);
    if (!p) return { index, result: "unknown_nik" };
    if (p.stage === "withdrawn") return { index, result: "refused", reason: "withdrawn" };
    if (ev.d > today) return { index, result: "refused", reason: "future_date" };
    if (ev.d < p.registered_on) return { index, result: "refused", reason: "before_registration" };
    const column = MILESTONE[ev.e];
    const recorded = p[column];
    if (recorded === ev.d) return { index, result: "duplicate" };
    if (recorded !== null) return { index, result: "refused", reason: "conflicting_date" };
    const at = JOURNEY.indexOf(ev.e);
    const outOfOrder = JOURNEY.some((other, i) => {
      const date = p[MILESTONE[other]];
      return date !== null && (i < at ? date > ev.d : i > at && date < ev.d);
    });
    if (outOfOrder) return { index, result: "refused", reason: "out_of_order" };
    p[column] = ev.d;
    p.changed = true;
    const implied = PRAKERJA_STAGE[ev.e];
    if ((RANK[implied] ?? -1) > (RANK[p.to] ?? -1)) p.to = implied;
    logs.push({ participant_id: p.id, service_code: PRAKERJA_SERVICE[ev.e], occurred_on: ev.d, notes: ev.p });
    return { index, result: "applied" };
  });

  const changed = [...byHash.values()].filter((p) => p.changed);
  if (changed.length === 0) return results;
  const now = new Date().toISOString();
  const updates = JSON.stringify(changed.map((p) => ({ id: p.id, card: p.card, bought: p.bought, trained: p.trained, lms: p.lms, stage: p.to })));
  await tx.execute(sql`
    update participants p set
      card_received_on = v.card::date, training_bought_on = v.bought::date,
      training_completed_on = v.trained::date, lms_completed_on = v.lms::date,
      stage = v.stage,
      stage_changed_at = case when p.stage = v.stage then p.stage_changed_at else ${now}::timestamptz end,
      version = p.version + 1, updated_at = ${now}::timestamptz
    from jsonb_to_recordset(${updates}::jsonb) as v (id uuid, card text, bought text, trained text, lms text, stage text)
    where p.id = v.id`);
  const moves = JSON.stringify(changed.filter((p) => p.to !== p.from).map((p) => ({ id: p.id, f: p.from, t: p.to })));
  await tx.execute(sql`
    insert into stage_changes (participant_id, from_stage, to_stage, changed_by, api_client_id, created_at)
    select v.id, v.f, v.t, null, ${actor.id}, ${now}::timestamptz
    from jsonb_to_recordset(${moves}::jsonb) as v (id uuid, f text, t text)`);
  await tx.execute(sql`
    insert into service_logs (participant_id, caseworker_id, source, api_client_id, service_code, occurred_on, channel, outcome, notes, created_at)
    select v.participant_id, null, 'prakerja', ${actor.id}, v.service_code, v.occurred_on::date, null, 'done', v.notes, ${now}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(logs)}::jsonb) as v (participant_id uuid, service_code text, occurred_on text, notes text)`);
  return results;
}

/** The client as it is now (its scopes and region may have changed since it queued a batch). */
async function currentClient(tx: Tx, clientId: string): Promise<ApiClientActor | null> {
  const [client] = await tx.select().from(apiClients).where(eq(apiClients.id, clientId));
  if (!client || client.revokedAt || (client.expiresAt && client.expiresAt <= new Date())) return null;
  const provinces = client.regionId
    ? (
        await tx
          .select({ code: regionProvinces.provinceCode })
          .from(regionProvinces)
          .where(eq(regionProvinces.regionId, client.regionId))
      ).map((r) => r.code)
    : null;
  return { kind: "api_client", id: client.id, name: client.name, scopes: client.scopes, provinces };
}

/**
 * The job's work (lib/jobs/prakerja-status.ts): applies a queued batch in one transaction,
 * as its client now stands. Idempotent: only a batch still queued or running is applied,
 * under its row's lock. A client revoked, expired or without the scope meanwhile gets its
 * batch failed, with nothing applied.
 */
export async function runPrakerjaBatch(batchId: string): Promise<{ state: string; counts?: PrakerjaCounts }> {
  await db
    .update(prakerjaBatches)
    .set({ state: "running", startedAt: new Date() })
    .where(and(eq(prakerjaBatches.id, batchId), eq(prakerjaBatches.state, "queued")));
  return db.transaction(async (tx) => {
    const [batch] = await tx.select().from(prakerjaBatches).where(eq(prakerjaBatches.id, batchId)).for("update");
    if (!batch || (batch.state !== "running" && batch.state !== "queued")) return { state: batch?.state ?? "missing" };
    const actor = await currentClient(tx, batch.apiClientId);
    if (!actor || !hasApiScope(actor, "prakerja-status:write")) {
      await tx
        .update(prakerjaBatches)
        .set({ state: "failed", events: null, errorId: "client_refused", finishedAt: new Date() })
        .where(eq(prakerjaBatches.id, batchId));
      await recordAudit(tx, {
        actor: { kind: "api_client", id: batch.apiClientId },
        action: "prakerja.status_fail",
        entityType: "prakerja_batch",
        entityId: batchId,
        after: { received: batch.received, reason: "client_refused" },
      });
      return { state: "failed" };
    }
    const results = await applyEvents(tx, actor, batch.events as HashedEvent[]);
    const counts = countResults(results);
    await tx
      .update(prakerjaBatches)
      .set({ state: "done", events: null, results, counts, finishedAt: new Date() })
      .where(eq(prakerjaBatches.id, batchId));
    await recordAudit(tx, {
      actor,
      action: "prakerja.status",
      entityType: "prakerja_batch",
      entityId: batchId,
      after: { received: batch.received, counts },
    });
    return { state: "done", counts };
  });
}

/**
 * The dead letter's work (lib/jobs/prakerja-status-failed.ts): a batch whose job failed for
 * good is settled as failed, with the job's id; nothing of it was applied (each run is one
 * transaction). Only a batch still queued or running changes.
 */
export async function failPrakerjaBatch(batchId: string, errorId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(prakerjaBatches)
      .set({ state: "failed", events: null, errorId, finishedAt: new Date() })
      .where(and(eq(prakerjaBatches.id, batchId), sql`${prakerjaBatches.state} in ('queued', 'running')`))
      .returning({ clientId: prakerjaBatches.apiClientId, received: prakerjaBatches.received });
    if (!row) return false;
    await recordAudit(tx, {
      actor: null,
      action: "prakerja.status_fail",
      entityType: "prakerja_batch",
      entityId: batchId,
      after: { received: row.received, reason: "job_failed", errorId },
    });
    return true;
  });
}

/**
 * The cleanup job: idempotency keys past their day. A retry after that is a new request
 * (docs/decisions/034). The batches they answered stay, with their results.
 */
export async function deleteExpiredIdempotencyKeys(now = new Date()): Promise<number> {
  const gone = await db
    .delete(prakerjaIdempotency)
    .where(lt(prakerjaIdempotency.expiresAt, now))
    .returning({ key: prakerjaIdempotency.key });
  return gone.length;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A queued batch's state, and its results once done; 404 for another client's batch or a bad id. */
export async function getPrakerjaBatch(actor: ApiClientActor, batchId: string): Promise<PrakerjaBatchStatus> {
  requireStatusScope(actor);
  if (!UUID.test(batchId)) notFound();
  const [batch] = await db
    .select({
      id: prakerjaBatches.id,
      state: prakerjaBatches.state,
      received: prakerjaBatches.received,
      counts: prakerjaBatches.counts,
      results: prakerjaBatches.results,
      createdAt: prakerjaBatches.createdAt,
      finishedAt: prakerjaBatches.finishedAt,
    })
    .from(prakerjaBatches)
    .where(and(eq(prakerjaBatches.id, batchId), eq(prakerjaBatches.apiClientId, actor.id)));
  if (!batch) notFound();
  return {
    id: batch.id,
    state: batch.state,
    received: batch.received,
    counts: batch.state === "done" ? (batch.counts as PrakerjaCounts) : null,
    ...(batch.state === "done" ? { results: batch.results as PrakerjaEventResult[] } : {}),
    created_at: batch.createdAt.toISOString(),
    finished_at: batch.finishedAt?.toISOString() ?? null,
  };
}

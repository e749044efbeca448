import "server-only";
import { forbidden } from "next/navigation";
import { sql, type SQL } from "drizzle-orm";
import { executeRows, readDb } from "@/db";
import type { MigrantStatus, Source, Stage } from "@/db/schema";
import { maskNikLast4 } from "@/lib/validation";
import type { ApiParticipant } from "@/lib/validation/api";
import { hasApiScope, type ApiClientActor } from "./api-actor";
import { provinceScope } from "./scope";

// GET /api/v1/participants (docs/decisions/031): participants' progress for a partner with
// participants:read, in its region only, masked (no whole NIK, KK, phone or address, no
// name), paged by an opaque cursor over (updated_at, id) — participants_updated_idx — so a
// page costs the same at the millionth row as at the first, and `updatedSince` gives deltas.
// Participants who withdrew their consent or were erased are not shared (UU PDP).

export class BadCursorError extends Error {
  constructor() {
    super("bad cursor");
  }
}

type Cursor = { at: string; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// updated_at exactly as PostgreSQL holds it (microseconds; a JS Date would lose them).
const STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.at}|${c.id}`, "utf8").toString("base64url");
}

export function decodeCursor(raw: string): Cursor {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(raw) ? Buffer.from(raw, "base64url").toString("utf8") : "";
  const [at, id, ...rest] = text.split("|");
  if (rest.length || !at || !id || !STAMP.test(at) || !UUID.test(id) || Number.isNaN(Date.parse(at))) throw new BadCursorError();
  return { at, id };
}

type Row = {
  id: string;
  nik_last4: string | null;
  province_code: string;
  regency_code: string | null;
  migrant_status: MigrantStatus;
  country_code: string | null;
  source: Source;
  cohort: string | null;
  stage: Stage;
  stage_changed_at: string;
  registered_on: string;
  card_received_on: string | null;
  training_bought_on: string | null;
  lms_session_on: string | null;
  training_completed_on: string | null;
  lms_completed_on: string | null;
  completed_on: string | null;
  last_contact_on: string | null;
  updated_at: string;
};

const iso = (column: SQL) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
// Jakarta is UTC+7 all year (the dashboard's migration 0006 counts the same way).
const jakartaDay = (column: SQL) => sql`to_char((${column} at time zone 'UTC') + interval '7 hours', 'YYYY-MM-DD')`;

export async function listParticipantsForApi(
  actor: ApiClientActor,
  query: { cursor?: string; limit: number; updatedSince?: string },
): Promise<{ data: ApiParticipant[]; nextCursor: string | null }> {
  if (!hasApiScope(actor, "participants:read")) forbidden();
  const cursor = query.cursor ? decodeCursor(query.cursor) : null;
  const where: SQL[] = [sql`p.consent_withdrawn_at is null and p.erased_at is null`];
  if (actor.provinces) where.push(provinceScope(actor.provinces, sql`p.province_code`));
  if (query.updatedSince) where.push(sql`p.updated_at >= ${query.updatedSince}::text::timestamptz`);
  if (cursor) where.push(sql`(p.updated_at, p.id) > (${cursor.at}::text::timestamptz, ${cursor.id}::uuid)`);
  const rows = await executeRows<Row>(
    sql`
      select p.id, p.nik_last4, p.province_code, p.regency_code, p.migrant_status, p.country_code, p.source, p.cohort,
        p.stage, ${iso(sql`p.stage_changed_at`)} as stage_changed_at, ${jakartaDay(sql`p.created_at`)} as registered_on,
        to_char(p.card_received_on, 'YYYY-MM-DD') as card_received_on,
        to_char(p.training_bought_on, 'YYYY-MM-DD') as training_bought_on,
        to_char(p.lms_session_on, 'YYYY-MM-DD') as lms_session_on,
        to_char(p.training_completed_on, 'YYYY-MM-DD') as training_completed_on,
        to_char(p.lms_completed_on, 'YYYY-MM-DD') as lms_completed_on,
        case when p.stage = 'completed' then ${jakartaDay(sql`p.stage_changed_at`)} end as completed_on,
        to_char(p.last_contact_on, 'YYYY-MM-DD') as last_contact_on,
        ${iso(sql`p.updated_at`)} as updated_at
      from participants p
      where ${sql.join(where, sql` and `)}
      order by p.updated_at, p.id
      limit ${query.limit + 1}`,
    readDb,
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    data: page.map((r) => ({
      id: r.id,
      nikMasked: maskNikLast4(r.nik_last4),
      provinceCode: r.province_code,
      regencyCode: r.regency_code,
      migrantStatus: r.migrant_status,
      countryCode: r.country_code,
      source: r.source,
      cohort: r.cohort,
      stage: r.stage,
      stageChangedAt: r.stage_changed_at,
      registeredOn: r.registered_on,
      milestones: {
        cardReceivedOn: r.card_received_on,
        trainingBoughtOn: r.training_bought_on,
        lmsSessionOn: r.lms_session_on,
        trainingCompletedOn: r.training_completed_on,
        lmsCompletedOn: r.lms_completed_on,
        completedOn: r.completed_on,
      },
      lastContactOn: r.last_contact_on,
      updatedAt: r.updated_at,
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor({ at: last.updated_at, id: last.id }) : null,
  };
}

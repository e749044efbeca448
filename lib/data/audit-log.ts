import "server-only";
import { and, asc, count, desc, eq, gte, inArray, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { readDb } from "@/db";
import { apiClients, auditEvents, participants, users, type Role } from "@/db/schema";
import type { AuditQuery } from "@/lib/validation/pmo-staff";
import { type SessionUser } from "./permissions";
import { provinceScope, requireScope, type ProvinceScope } from "./scope";

// The audit log, read by the PMO: who did what to which record, when, and the values
// before and after. Read-only (the table is append-only in the database as well).
// A regional coordinator reads the events that concern their regions' provinces: each
// event carries the provinces it concerns from the moment it is written (province_codes,
// filled by a trigger: a participant's province, both provinces of a move, a caseworker
// account's province), so the scope is one indexed condition (docs/decisions/029).

export const AUDIT_PAGE_SIZE = 50;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type AuditRow = {
  id: number;
  actorId: string | null;
  /** The actor's name now; null for the system (no person behind the event). */
  actorName: string | null;
  actorEmail: string | null;
  /** As recorded at the time ("system" for events with no person behind them). */
  actorRole: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  /**
   * Who or what the record is about, as the log may name it: the participant's name (for
   * events on a participant or on a row of theirs), the account's name, an import's cohort,
   * a target's month. Never an identity number.
   */
  subjectName: string | null;
  before: unknown;
  after: unknown;
  createdAt: Date;
};

export type AuditPage = { rows: AuditRow[]; total: number; page: number; pageCount: number };

/** Midnight at the start of a Jakarta day (UTC+7, no daylight saving), as an instant. */
export function jakartaDayStart(isoDate: string, addDays = 0): Date {
  const start = new Date(`${isoDate}T00:00:00+07:00`);
  start.setUTCDate(start.getUTCDate() + addDays);
  return start;
}

/** Events concerning at least one of the scope's provinces (GIN index on province_codes); null: all. */
function auditScope(scope: ProvinceScope): SQL | undefined {
  if (scope === null) return undefined;
  if (scope.length === 0) return sql`false`;
  return sql`${auditEvents.provinceCodes} && array[${sql.join(
    scope.map((p) => sql`${p}`),
    sql`, `,
  )}]::text[]`;
}

function auditCondition(query: Partial<AuditQuery>, scope: ProvinceScope): SQL | undefined {
  const record = query.record?.trim();
  return and(
    auditScope(scope),
    query.actorId === "system"
      ? isNull(auditEvents.actorId)
      : query.actorId && UUID.test(query.actorId)
        ? eq(auditEvents.actorId, query.actorId.toLowerCase())
        : undefined,
    query.action ? eq(auditEvents.action, query.action) : undefined,
    // Ids are stored as written: uuids in lower case, anything else as is.
    record ? eq(auditEvents.entityId, UUID.test(record) ? record.toLowerCase() : record) : undefined,
    // Dates are Jakarta calendar days, both ends included.
    query.from ? gte(auditEvents.createdAt, jakartaDayStart(query.from)) : undefined,
    query.to ? lt(auditEvents.createdAt, jakartaDayStart(query.to, 1)) : undefined,
  );
}

/** One page of the audit log, newest first, with the filters of the query. */
// The participant an event is about: the record itself, or the participant a row of theirs
// (service, help question, data request, survey answer, activation code) belongs to.
const subjectParticipantId = sql`(case
  when ${auditEvents.entityType} = 'participant' and ${auditEvents.entityId} ~* ${UUID.source} then ${auditEvents.entityId}::uuid
  when ${auditEvents.after}->>'participantId' ~* ${UUID.source} then (${auditEvents.after}->>'participantId')::uuid
end)`;
const subjectUserId = sql`(case
  when ${auditEvents.entityType} = 'user' and ${auditEvents.entityId} ~* ${UUID.source} then ${auditEvents.entityId}::uuid
end)`;

export async function listAuditEvents(viewer: SessionUser, query: Partial<AuditQuery> = {}): Promise<AuditPage> {
  const scope = await requireScope(viewer, "read:audit:any", "read:audit:region");
  const subjectPerson = alias(participants, "subject_person");
  const subjectUser = alias(users, "subject_user");
  const where = auditCondition(query, scope);
  const page = Math.max(1, query.page ?? 1);
  const [[{ n: total }], rows] = await Promise.all([
    readDb.select({ n: count() }).from(auditEvents).where(where),
    readDb
      .select({
        id: auditEvents.id,
        actorId: auditEvents.actorId,
        // A partner's call (api_client): the client's name.
        actorName: sql<string | null>`coalesce(${users.name}, ${apiClients.name})`,
        actorEmail: users.email,
        actorRole: auditEvents.actorRole,
        action: auditEvents.action,
        entityType: auditEvents.entityType,
        entityId: auditEvents.entityId,
        subjectName: sql<string | null>`coalesce(${subjectPerson.fullName}, ${subjectUser.name},
          case when ${auditEvents.entityType} = 'import' then ${auditEvents.after}->>'cohort'
               when ${auditEvents.entityType} = 'target' then ${auditEvents.entityId}
               when ${auditEvents.entityType} = 'job' then ${auditEvents.after}->>'queue'
               when ${auditEvents.entityType} = 'region' then coalesce(${auditEvents.after}->>'name', ${auditEvents.before}->>'name')
               when ${auditEvents.entityType} = 'api_client' then (select c.name from api_clients c where c.id::text = ${auditEvents.entityId}) end)`,
        before: auditEvents.before,
        after: auditEvents.after,
        createdAt: auditEvents.createdAt,
      })
      .from(auditEvents)
      .leftJoin(users, eq(users.id, auditEvents.actorId))
      .leftJoin(apiClients, eq(apiClients.id, auditEvents.apiClientId))
      .leftJoin(subjectPerson, eq(subjectPerson.id, subjectParticipantId))
      .leftJoin(subjectUser, eq(subjectUser.id, subjectUserId))
      .where(where)
      .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
      .limit(AUDIT_PAGE_SIZE)
      .offset((page - 1) * AUDIT_PAGE_SIZE),
  ]);
  return { rows, total, page, pageCount: Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)) };
}

export type AuditFilterOptions = {
  /** Every action the log holds, alphabetically. */
  actions: string[];
  /** PMO and caseworker accounts, to pick an actor by name. */
  staff: { id: string; name: string; role: Role; email: string | null }[];
};

/**
 * The choices of the filter form. A coordinator picks among the caseworkers of their
 * provinces and themself (the action names are the programme's, the same for everyone).
 */
export async function auditFilterOptions(viewer: SessionUser): Promise<AuditFilterOptions> {
  const scope = await requireScope(viewer, "read:audit:any", "read:audit:region");
  const [actions, staff] = await Promise.all([
    readDb.selectDistinct({ action: auditEvents.action }).from(auditEvents).orderBy(asc(auditEvents.action)),
    readDb
      .select({ id: users.id, name: users.name, role: users.role, email: users.email })
      .from(users)
      .where(
        scope === null
          ? inArray(users.role, ["pmo", "coordinator", "caseworker"])
          : or(eq(users.id, viewer.id), and(eq(users.role, "caseworker"), provinceScope(scope, sql`${users.provinceCode}`))),
      )
      .orderBy(asc(users.role), asc(users.name), asc(users.id)),
  ]);
  return { actions: actions.map((a) => a.action), staff };
}

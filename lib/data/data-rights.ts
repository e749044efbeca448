import "server-only";
import { and, asc, desc, eq, inArray, ne, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { notFound } from "next/navigation";
import { db, type Tx } from "@/db";
import {
  activationCodes,
  verificationCodes,
  auditEvents,
  blockers,
  dataRequests,
  helpRequests,
  importRows,
  imports,
  outboxMessages,
  participants,
  serviceLogs,
  services,
  stageChanges,
  surveyResponses,
  users,
  type DataRequestKind,
  type DataRequestState,
  type Participant,
  type Role,
  type Stage,
} from "@/db/schema";
import { openKk, openNik } from "@/lib/crypto/identity";
import { countryName } from "@/lib/reference/countries";
import { findProvince, findRegency } from "@/lib/reference/regions";
import { maskNikLast4, maskPhone, type ValidationKey } from "@/lib/validation";
import {
  DATA_REQUEST_HOURS,
  type DataDecisionInput,
  type DataRefusalInput,
  type DataRequestFilter,
  type DataRequestInput,
} from "@/lib/validation/data-rights";
import { recordAudit } from "./audit";
import { requirePermission, type SessionUser } from "./permissions";
import { findOwnParticipant, ownParticipant } from "./self-service";

// A participant's rights under UU PDP No. 27/2022 (/me/data) and the PMO's answers
// (/pmo/data-requests):
// - the download of everything held about them, with who processed it: answered at once;
// - a deletion request and a consent withdrawal: answered by the PMO within 3 × 24 hours.
//   A consent withdrawal takes effect at once (consent_withdrawn_at); completing it
//   records the withdrawal from the programme. Completing a deletion erases the identity
//   data and keeps the anonymous row the dashboard counts (docs/security.md, "Data rights").

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOUR_MS = 3_600_000;

/** What an erased participant's and user's name become. */
export const ERASED_NAME = "Dihapus";
/** What erased free text (help requests, a withdrawal reason written by staff) becomes. */
export const ERASED_TEXT = "[dihapus]";
/** The withdrawal reason recorded when a consent withdrawal is completed. */
export const CONSENT_WITHDRAWN_REASON = "Persetujuan pemrosesan data ditarik oleh peserta (UU PDP)";

type FieldErrors = Partial<Record<string, ValidationKey[]>>;

export type DataRequestResult =
  | { ok: true; id: string; repeated: boolean; dueAt: Date }
  | { ok: false; fieldErrors: FieldErrors };

export type DecisionResult = { ok: true; id: string } | { ok: false; fieldErrors: FieldErrors };

export type OwnDataRequest = {
  id: string;
  kind: DataRequestKind;
  status: DataRequestState;
  reason: string | null;
  requestedAt: Date;
  dueAt: Date;
  decidedAt: Date | null;
  decisionNote: string | null;
};

const ownRequestColumns = {
  id: dataRequests.id,
  kind: dataRequests.kind,
  status: dataRequests.status,
  reason: dataRequests.reason,
  requestedAt: dataRequests.requestedAt,
  dueAt: dataRequests.dueAt,
  decidedAt: dataRequests.decidedAt,
  decisionNote: dataRequests.decisionNote,
};

// ---------------------------------------------------------------------------
// The participant
// ---------------------------------------------------------------------------

export type OwnDataRights = {
  participantId: string;
  consentAt: Date | null;
  consentVersion: string | null;
  consentWithdrawnAt: Date | null;
  requests: OwnDataRequest[];
};

/** What /me/data shows: the consent, and the participant's requests (open ones first, newest first). */
export async function getOwnDataRights(viewer: SessionUser): Promise<OwnDataRights | null> {
  requirePermission(viewer, "create:data_request:own");
  const p = await findOwnParticipant(db, viewer);
  if (!p) return null;
  const requests = await db
    .select(ownRequestColumns)
    .from(dataRequests)
    .where(eq(dataRequests.participantId, p.id))
    .orderBy(sql`case when ${dataRequests.status} = 'open' then 0 else 1 end`, desc(dataRequests.requestedAt));
  return {
    participantId: p.id,
    consentAt: p.consentAt,
    consentVersion: p.consentVersion,
    consentWithdrawnAt: p.consentWithdrawnAt,
    requests,
  };
}

/** A participant asks for their data to be deleted. A second ask while one is open returns that one. */
export function requestDeletion(viewer: SessionUser, input: DataRequestInput): Promise<DataRequestResult> {
  return createDataRequest(viewer, input, "deletion");
}

/**
 * A participant withdraws consent. It takes effect at once: consent_withdrawn_at is set in
 * the same transaction, and the PMO records the withdrawal from the programme within 3 × 24 hours.
 */
export function withdrawConsent(viewer: SessionUser, input: DataRequestInput): Promise<DataRequestResult> {
  return createDataRequest(viewer, input, "consent_withdrawal");
}

async function createDataRequest(viewer: SessionUser, input: DataRequestInput, kind: DataRequestKind): Promise<DataRequestResult> {
  requirePermission(viewer, "create:data_request:own");
  await ownParticipant(db, viewer, input.participantId);
  return db.transaction(async (tx): Promise<DataRequestResult> => {
    // The participant row is locked first: two submits of the same form wait for each other.
    const p = await ownParticipant(tx, viewer, input.participantId, { lock: true });
    const open = await openRequestOf(tx, p.id, kind);
    if (open) return { ok: true, id: open.id, repeated: true, dueAt: open.dueAt };
    if (kind === "consent_withdrawal" && p.consentWithdrawnAt) return { ok: false, fieldErrors: { form: ["dataRequest.alreadyWithdrawn"] } };
    const requestedAt = new Date();
    const dueAt = new Date(requestedAt.getTime() + DATA_REQUEST_HOURS * HOUR_MS);
    // The partial unique index (one open request per participant and kind) is the last word.
    const [row] = await tx
      .insert(dataRequests)
      .values({ participantId: p.id, kind, reason: input.reason, requestedAt, dueAt })
      .onConflictDoNothing()
      .returning({ id: dataRequests.id });
    if (!row) {
      const again = await openRequestOf(tx, p.id, kind);
      if (again) return { ok: true, id: again.id, repeated: true, dueAt: again.dueAt };
      return { ok: false, fieldErrors: { form: ["form.error"] } };
    }
    if (kind === "consent_withdrawal") {
      await tx
        .update(participants)
        .set({ consentWithdrawnAt: requestedAt, version: sql`${participants.version} + 1`, updatedAt: requestedAt })
        .where(eq(participants.id, p.id));
    }
    await recordAudit(tx, {
      actor: viewer,
      action: "data_request.create",
      entityType: "data_request",
      entityId: row.id,
      // The reason stays in its table: it may hold personal details.
      after: {
        participantId: p.id,
        kind,
        dueAt: dueAt.toISOString(),
        reasonLength: input.reason?.length ?? 0,
        ...(kind === "consent_withdrawal" ? { consentWithdrawnAt: requestedAt.toISOString() } : {}),
      },
    });
    return { ok: true, id: row.id, repeated: false, dueAt };
  });
}

async function openRequestOf(tx: Tx, participantId: string, kind: DataRequestKind) {
  const [row] = await tx
    .select({ id: dataRequests.id, dueAt: dataRequests.dueAt })
    .from(dataRequests)
    .where(and(eq(dataRequests.participantId, participantId), eq(dataRequests.kind, kind), eq(dataRequests.status, "open")));
  return row ?? null;
}

// ---------------------------------------------------------------------------
// The download: everything held about the participant
// ---------------------------------------------------------------------------

type Person = { role: Role | "system"; name: string | null; self?: true };

/** Staff by role and name; the participant as "self"; anyone else by role alone. */
function personOf(viewerId: string, id: string | null, role: string | null, name: string | null): Person | null {
  if (!id && !role) return null;
  if (id === viewerId) return { role: "participant", name: null, self: true };
  if (role === "caseworker" || role === "pmo") return { role, name };
  if (role === "participant") return { role: "participant", name: null };
  return { role: "system", name: null };
}

/**
 * Everything held about the signed-in participant, as one JSON document: the record with
 * the whole NIK and KK (their own), the account, the consent, stage history, every logged
 * service with the caseworker's notes (data about them, so theirs to read, even though /me
 * does not show them), help requests, the survey answer, data requests, messages sent to
 * them, and who processed their data (from the audit log: when, what, by whom; staff by
 * name). Nothing about other participants. The download, and the reading of the same
 * document as a page (`as: "page"`), is itself an audit event.
 * Null for a participant user without a record.
 */
export async function ownDataExport(viewer: SessionUser, opts: { as?: "download" | "page" } = {}) {
  requirePermission(viewer, "read:data_export:own");
  const p = await findOwnParticipant(db, viewer);
  if (!p) return null;

  const staff = alias(users, "staff");
  const [[account], [consentBy], [caseworker]] = await Promise.all([
    db
      .select({ email: users.email, phone: users.phone, locale: users.locale, createdAt: users.createdAt, lastLoginAt: users.lastLoginAt })
      .from(users)
      .where(eq(users.id, viewer.id)),
    p.consentCollectedBy
      ? db.select({ id: users.id, role: users.role, name: users.name }).from(users).where(eq(users.id, p.consentCollectedBy))
      : Promise.resolve([]),
    p.caseworkerId ? db.select({ name: users.name }).from(users).where(eq(users.id, p.caseworkerId)) : Promise.resolve([]),
  ]);

  const [changes, logs, help, survey, requests, messages, codes, importLines] = await Promise.all([
    db
      .select({
        at: stageChanges.createdAt,
        from: stageChanges.fromStage,
        to: stageChanges.toStage,
        reason: stageChanges.reason,
        byId: staff.id,
        byRole: staff.role,
        byName: staff.name,
      })
      .from(stageChanges)
      .leftJoin(staff, eq(staff.id, stageChanges.changedBy))
      .where(eq(stageChanges.participantId, p.id))
      .orderBy(asc(stageChanges.createdAt), asc(stageChanges.id)),
    db
      .select({
        id: serviceLogs.id,
        occurredOn: serviceLogs.occurredOn,
        recordedAt: serviceLogs.createdAt,
        serviceCode: serviceLogs.serviceCode,
        serviceNameId: services.nameId,
        serviceNameEn: services.nameEn,
        channel: serviceLogs.channel,
        outcome: serviceLogs.outcome,
        blockerCode: serviceLogs.blockerCode,
        blockerNameId: blockers.nameId,
        blockerNameEn: blockers.nameEn,
        notes: serviceLogs.notes,
        nextFollowUpOn: serviceLogs.nextFollowUpOn,
        correctsId: serviceLogs.correctsId,
        caseworkerName: staff.name,
        source: serviceLogs.source,
      })
      .from(serviceLogs)
      .innerJoin(services, eq(services.code, serviceLogs.serviceCode))
      // The Prakerja PMO's reported facts have no caseworker (source "prakerja").
      .leftJoin(staff, eq(staff.id, serviceLogs.caseworkerId))
      .leftJoin(blockers, eq(blockers.code, serviceLogs.blockerCode))
      .where(eq(serviceLogs.participantId, p.id))
      .orderBy(asc(serviceLogs.occurredOn), asc(serviceLogs.createdAt)),
    db
      .select({
        id: helpRequests.id,
        topic: helpRequests.topic,
        message: helpRequests.message,
        status: helpRequests.status,
        askedAt: helpRequests.createdAt,
        answer: helpRequests.answer,
        answeredAt: helpRequests.answeredAt,
        answeredById: staff.id,
        answeredByRole: staff.role,
        answeredByName: staff.name,
      })
      .from(helpRequests)
      .leftJoin(staff, eq(staff.id, helpRequests.answeredBy))
      .where(eq(helpRequests.participantId, p.id))
      .orderBy(asc(helpRequests.createdAt)),
    db.select().from(surveyResponses).where(eq(surveyResponses.participantId, p.id)),
    db
      .select({ ...ownRequestColumns, decidedById: staff.id, decidedByRole: staff.role, decidedByName: staff.name })
      .from(dataRequests)
      .leftJoin(staff, eq(staff.id, dataRequests.decidedBy))
      .where(eq(dataRequests.participantId, p.id))
      .orderBy(asc(dataRequests.requestedAt)),
    db
      .select({
        id: outboxMessages.id,
        kind: outboxMessages.kind,
        channel: outboxMessages.channel,
        recipient: outboxMessages.recipient,
        subject: outboxMessages.subject,
        body: outboxMessages.body,
        state: outboxMessages.state,
        createdAt: outboxMessages.createdAt,
        sentAt: outboxMessages.sentAt,
      })
      .from(outboxMessages)
      .where(eq(outboxMessages.participantId, p.id))
      .orderBy(asc(outboxMessages.createdAt)),
    db
      .select({
        id: activationCodes.id,
        createdAt: activationCodes.createdAt,
        expiresAt: activationCodes.expiresAt,
        usedAt: activationCodes.usedAt,
        revokedAt: activationCodes.revokedAt,
        byId: staff.id,
        byRole: staff.role,
        byName: staff.name,
      })
      .from(activationCodes)
      .leftJoin(staff, eq(staff.id, activationCodes.createdBy))
      .where(eq(activationCodes.userId, viewer.id))
      .orderBy(asc(activationCodes.createdAt)),
    db
      .select({ cohort: imports.cohort, importedAt: imports.importedAt, line: importRows.line, status: importRows.status })
      .from(importRows)
      .innerJoin(imports, eq(imports.id, importRows.importId))
      .where(eq(importRows.participantId, p.id)),
  ]);

  // Who processed their data: every audit event about their record, their account, and
  // the rows that belong to them, and every event they caused themself. The events' own
  // before/after details are left out: the data itself is in the sections above, and the
  // details of some events name other records.
  const ids = (type: string, list: string[]): SQL | undefined =>
    list.length ? and(eq(auditEvents.entityType, type), inArray(auditEvents.entityId, list)) : undefined;
  const actor = alias(users, "actor");
  const events = await db
    .select({ at: auditEvents.createdAt, action: auditEvents.action, actorId: auditEvents.actorId, actorRole: auditEvents.actorRole, actorName: actor.name })
    .from(auditEvents)
    .leftJoin(actor, eq(actor.id, auditEvents.actorId))
    .where(
      or(
        eq(auditEvents.actorId, viewer.id),
        ids("participant", [p.id]),
        ids("user", [viewer.id]),
        ids("service_log", logs.map((l) => l.id)),
        ids("help_request", help.map((h) => h.id)),
        ids("data_request", requests.map((r) => r.id)),
        ids("survey_response", survey.map((s) => s.id)),
      ),
    )
    .orderBy(asc(auditEvents.createdAt), asc(auditEvents.id));

  const region = (code: string | null, find: (c: string) => { name: string } | undefined) => (code ? (find(code)?.name ?? null) : null);
  const generatedAt = new Date();
  const document = {
    format: "pendamping-pmi/own-data",
    version: 1,
    generatedAt,
    participant: {
      id: p.id,
      fullName: p.fullName,
      nik: openNik(p),
      kk: openKk(p),
      birthDate: p.birthDate,
      sex: p.sex,
      address: p.address,
      provinceCode: p.provinceCode,
      province: region(p.provinceCode, findProvince),
      regencyCode: p.regencyCode,
      regency: region(p.regencyCode, findRegency),
      migrantStatus: p.migrantStatus,
      countryCode: p.countryCode,
      country: p.countryCode ? countryName(p.countryCode, viewer.locale) : null,
      sector: p.sector,
      returnDate: p.returnDate,
      idPmi: p.idPmi,
      arrivalDate: p.arrivalDate,
      quarantineLocation: p.quarantineLocation,
      cohort: p.cohort,
      source: p.source,
      registeredAt: p.createdAt,
      stage: p.stage,
      stageChangedAt: p.stageChangedAt,
      withdrawnReason: p.withdrawnReason,
      caseworker: caseworker ? { name: caseworker.name } : null,
      prakerja: {
        cardNumber: p.cardNumber,
        cardReceivedOn: p.cardReceivedOn,
        wave: p.wave,
        trainingBoughtOn: p.trainingBoughtOn,
        lmsSessionOn: p.lmsSessionOn,
      },
      lastContactOn: p.lastContactOn,
      nextFollowUpOn: p.nextFollowUpOn,
      imports: importLines,
    },
    account: account ?? null,
    consent: {
      at: p.consentAt,
      version: p.consentVersion,
      collectedBy: consentBy ? personOf(viewer.id, consentBy.id, consentBy.role, consentBy.name) : null,
      withdrawnAt: p.consentWithdrawnAt,
    },
    stageHistory: changes.map((c) => ({ at: c.at, from: c.from, to: c.to, reason: c.reason, by: personOf(viewer.id, c.byId, c.byRole, c.byName) })),
    services: logs.map((l) => ({
      id: l.id,
      occurredOn: l.occurredOn,
      recordedAt: l.recordedAt,
      service: { code: l.serviceCode, id: l.serviceNameId, en: l.serviceNameEn },
      channel: l.channel,
      outcome: l.outcome,
      blocker: l.blockerCode ? { code: l.blockerCode, id: l.blockerNameId, en: l.blockerNameEn } : null,
      // The caseworker's notes are data about the participant: included.
      notes: l.notes,
      nextFollowUpOn: l.nextFollowUpOn,
      correctsId: l.correctsId,
      // Who logged it: a caseworker, or the Prakerja PMO reporting a milestone (name null).
      source: l.source,
      caseworker: { name: l.caseworkerName },
    })),
    helpRequests: help.map((h) => ({
      id: h.id,
      topic: h.topic,
      message: h.message,
      status: h.status,
      askedAt: h.askedAt,
      answer: h.answer,
      answeredAt: h.answeredAt,
      answeredBy: personOf(viewer.id, h.answeredById, h.answeredByRole, h.answeredByName),
    })),
    survey: survey[0]
      ? (({ id: _id, participantId: _p, ...answers }) => answers)(survey[0])
      : null,
    dataRequests: requests.map(({ decidedById, decidedByRole, decidedByName, ...r }) => ({
      ...r,
      decidedBy: personOf(viewer.id, decidedById, decidedByRole, decidedByName),
    })),
    messages,
    activationCodes: codes.map(({ byId, byRole, byName, ...c }) => ({ ...c, issuedBy: personOf(viewer.id, byId, byRole, byName) })),
    processing: events.map((e) => ({ at: e.at, action: e.action, by: personOf(viewer.id, e.actorId, e.actorRole, e.actorName) ?? { role: "system", name: null } })),
  };

  await db.transaction((tx) =>
    recordAudit(tx, {
      actor: viewer,
      // Reading it on the page (/me/data/view) is recorded like the download, by its own name.
      action: opts.as === "page" ? "participant.data_view" : "participant.data_export",
      entityType: "participant",
      entityId: p.id,
      after: { services: logs.length, helpRequests: help.length, events: events.length },
    }),
  );
  return document;
}

export type OwnDataExport = NonNullable<Awaited<ReturnType<typeof ownDataExport>>>;

// ---------------------------------------------------------------------------
// The PMO
// ---------------------------------------------------------------------------

export type PmoDataRequestRow = {
  id: string;
  kind: DataRequestKind;
  status: DataRequestState;
  reason: string | null;
  requestedAt: Date;
  dueAt: Date;
  /** When the deadline job raised this open request to the PMO (its deadline less than a day away). */
  raisedAt: Date | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  decidedByName: string | null;
  participantId: string;
  fullName: string;
  nikMasked: string;
  stage: Stage;
  erased: boolean;
  consentWithdrawn: boolean;
  /** For open requests: hours until the deadline (negative when overdue), and the share of the 72 hours gone. */
  hoursLeft: number | null;
  overdue: boolean;
  elapsedShare: number | null;
};

export const DATA_REQUEST_PAGE_LIMIT = 200;

/**
 * The PMO's list: open requests first, the nearest deadline first (overdue ones at the
 * top), then decided ones, the latest decision first. Names with masked NIKs only.
 */
export async function listDataRequests(
  viewer: SessionUser,
  filter: DataRequestFilter = { status: "open" },
  now = new Date(),
): Promise<PmoDataRequestRow[]> {
  requirePermission(viewer, "read:data_request:any");
  const decider = alias(users, "decider");
  const where = and(
    filter.status === "open" ? eq(dataRequests.status, "open") : filter.status === "decided" ? ne(dataRequests.status, "open") : undefined,
    filter.kind ? eq(dataRequests.kind, filter.kind) : undefined,
  );
  const rows = await db
    .select({
      id: dataRequests.id,
      kind: dataRequests.kind,
      status: dataRequests.status,
      reason: dataRequests.reason,
      requestedAt: dataRequests.requestedAt,
      dueAt: dataRequests.dueAt,
      raisedAt: dataRequests.raisedAt,
      decidedAt: dataRequests.decidedAt,
      decisionNote: dataRequests.decisionNote,
      decidedByName: decider.name,
      participantId: participants.id,
      fullName: participants.fullName,
      nikLast4: participants.nikLast4,
      stage: participants.stage,
      erasedAt: participants.erasedAt,
      consentWithdrawnAt: participants.consentWithdrawnAt,
    })
    .from(dataRequests)
    .innerJoin(participants, eq(participants.id, dataRequests.participantId))
    .leftJoin(decider, eq(decider.id, dataRequests.decidedBy))
    .where(where)
    .orderBy(
      sql`case when ${dataRequests.status} = 'open' then 0 else 1 end`,
      sql`case when ${dataRequests.status} = 'open' then ${dataRequests.dueAt} end asc`,
      desc(dataRequests.decidedAt),
      asc(dataRequests.id),
    )
    .limit(DATA_REQUEST_PAGE_LIMIT);
  return rows.map(({ nikLast4, erasedAt, consentWithdrawnAt, ...r }) => {
    const open = r.status === "open";
    const total = r.dueAt.getTime() - r.requestedAt.getTime();
    const left = r.dueAt.getTime() - now.getTime();
    return {
      ...r,
      nikMasked: maskNikLast4(nikLast4),
      erased: erasedAt !== null,
      consentWithdrawn: consentWithdrawnAt !== null,
      hoursLeft: open ? Math.trunc(left / HOUR_MS) : null,
      overdue: open && left < 0,
      elapsedShare: open ? Math.min(1, Math.max(0, (total - left) / total)) : null,
    };
  });
}

/** How close to its deadline an open request is raised to the PMO (the data-rights deadline job). */
export const RAISE_HOURS_BEFORE_DUE = 24;

/**
 * Open requests whose deadline is less than RAISE_HOURS_BEFORE_DUE away (or past) and
 * that have not been raised yet are raised: marked, so that the PMO's list and dashboard
 * put them first and say so, with an audit event each, in one transaction. Run every
 * hour by the data-rights-deadlines job; the system acts. Returns how many were raised.
 */
export async function raiseLapsingDataRequests(now = new Date()): Promise<number> {
  return db.transaction(async (tx) => {
    const raised = await tx
      .update(dataRequests)
      .set({ raisedAt: now })
      .where(
        and(
          eq(dataRequests.status, "open"),
          sql`${dataRequests.raisedAt} is null`,
          sql`${dataRequests.dueAt} < ${new Date(now.getTime() + RAISE_HOURS_BEFORE_DUE * HOUR_MS).toISOString()}::timestamptz`,
        ),
      )
      .returning({ id: dataRequests.id, kind: dataRequests.kind, dueAt: dataRequests.dueAt, participantId: dataRequests.participantId });
    for (const r of raised) {
      await recordAudit(tx, {
        actor: null,
        action: "data_request.raise",
        entityType: "data_request",
        entityId: r.id,
        after: { kind: r.kind, participantId: r.participantId, dueAt: r.dueAt.toISOString() },
      });
    }
    return raised.length;
  });
}

/** Open requests and how many of them are past their deadline (for the menu and the dashboard). */
export async function countOpenDataRequests(viewer: SessionUser, now = new Date()): Promise<{ open: number; overdue: number; raised: number }> {
  requirePermission(viewer, "read:data_request:any");
  const [row] = await db
    .select({
      open: sql<number>`count(*)::int`,
      overdue: sql<number>`count(*) filter (where ${dataRequests.dueAt} < ${now.toISOString()}::timestamptz)::int`,
      raised: sql<number>`count(*) filter (where ${dataRequests.raisedAt} is not null)::int`,
    })
    .from(dataRequests)
    .where(eq(dataRequests.status, "open"));
  return row;
}

/** The request and its participant, both locked (participant first, as every write here does); 404 if unknown. */
async function lockedRequest(tx: Tx, requestId: string) {
  const [found] = await tx.select({ participantId: dataRequests.participantId }).from(dataRequests).where(eq(dataRequests.id, requestId));
  if (!found) notFound();
  const [p] = await tx.select().from(participants).where(eq(participants.id, found.participantId)).for("update");
  const [request] = await tx.select().from(dataRequests).where(eq(dataRequests.id, requestId)).for("update");
  return { p, request };
}

const alreadyDecided: DecisionResult = { ok: false, fieldErrors: { form: ["dataRequest.decided"] } };

/**
 * The PMO completes a request, in one transaction with its audit events:
 * - a consent withdrawal: the participant's stage becomes "withdrawn" (with a stage
 *   change, as a caseworker's change would write) and no follow-up stays planned;
 * - a deletion: the identity data is erased (eraseParticipant), and an open consent
 *   withdrawal of the same participant is completed with it.
 * A request already decided is refused ("dataRequest.decided"); an unknown id is 404.
 */
export async function completeDataRequest(viewer: SessionUser, input: DataDecisionInput): Promise<DecisionResult> {
  requirePermission(viewer, "update:data_request:any");
  if (!UUID.test(input.requestId)) notFound();
  return db.transaction(async (tx): Promise<DecisionResult> => {
    const { p, request } = await lockedRequest(tx, input.requestId);
    if (request.status !== "open") return alreadyDecided;
    if (request.kind === "deletion" && !input.confirm) return { ok: false, fieldErrors: { confirm: ["dataRequest.eraseConfirm"] } };
    const now = new Date();
    if (request.kind === "consent_withdrawal") {
      await recordWithdrawal(tx, viewer, p, now);
      await closeRequest(tx, viewer, request, "completed", input.note, now);
      return { ok: true, id: request.id };
    }
    const [withdrawal] = await tx
      .select()
      .from(dataRequests)
      .where(and(eq(dataRequests.participantId, p.id), eq(dataRequests.kind, "consent_withdrawal"), eq(dataRequests.status, "open")))
      .for("update");
    if (withdrawal) {
      await recordWithdrawal(tx, viewer, p, now);
      await closeRequest(tx, viewer, withdrawal, "completed", null, now);
    }
    await closeRequest(tx, viewer, request, "completed", input.note, now);
    await eraseParticipant(tx, viewer, p.id, now);
    return { ok: true, id: request.id };
  });
}

/**
 * The PMO refuses a deletion request, with the reason the participant will read (for
 * example, a retention duty the law imposes). A consent withdrawal cannot be refused:
 * processing based on consent has to stop.
 */
export async function refuseDataRequest(viewer: SessionUser, input: DataRefusalInput): Promise<DecisionResult> {
  requirePermission(viewer, "update:data_request:any");
  if (!UUID.test(input.requestId)) notFound();
  return db.transaction(async (tx): Promise<DecisionResult> => {
    const { request } = await lockedRequest(tx, input.requestId);
    if (request.status !== "open") return alreadyDecided;
    if (request.kind !== "deletion") return { ok: false, fieldErrors: { form: ["dataRequest.cannotRefuse"] } };
    await closeRequest(tx, viewer, request, "refused", input.note, new Date());
    return { ok: true, id: request.id };
  });
}

async function closeRequest(
  tx: Tx,
  viewer: SessionUser,
  request: typeof dataRequests.$inferSelect,
  status: "completed" | "refused",
  note: string | null,
  now: Date,
): Promise<void> {
  await tx
    .update(dataRequests)
    .set({ status, decidedAt: now, decidedBy: viewer.id, decisionNote: note })
    .where(eq(dataRequests.id, request.id));
  await recordAudit(tx, {
    actor: viewer,
    action: status === "completed" ? "data_request.complete" : "data_request.refuse",
    entityType: "data_request",
    entityId: request.id,
    before: { status: "open" },
    after: {
      status,
      kind: request.kind,
      participantId: request.participantId,
      dueAt: request.dueAt.toISOString(),
      late: now > request.dueAt,
      noteLength: note?.length ?? 0,
    },
  });
}

/** Consent withdrawn: the stage becomes "withdrawn" (unless it is already) and no follow-up stays planned. */
async function recordWithdrawal(tx: Tx, viewer: SessionUser, p: Participant, now: Date): Promise<void> {
  if (p.stage === "withdrawn") {
    await tx
      .update(participants)
      .set({ consentWithdrawnAt: p.consentWithdrawnAt ?? now, nextFollowUpOn: null, version: sql`${participants.version} + 1`, updatedAt: now })
      .where(eq(participants.id, p.id));
    return;
  }
  await tx
    .update(participants)
    .set({
      stage: "withdrawn",
      stageChangedAt: now,
      withdrawnReason: CONSENT_WITHDRAWN_REASON,
      consentWithdrawnAt: p.consentWithdrawnAt ?? now,
      nextFollowUpOn: null,
      version: sql`${participants.version} + 1`,
      updatedAt: now,
    })
    .where(eq(participants.id, p.id));
  await tx.insert(stageChanges).values({
    participantId: p.id,
    fromStage: p.stage,
    toStage: "withdrawn",
    reason: CONSENT_WITHDRAWN_REASON,
    changedBy: viewer.id,
    createdAt: now,
  });
  await recordAudit(tx, {
    actor: viewer,
    action: "participant.stage_change",
    entityType: "participant",
    entityId: p.id,
    before: { stage: p.stage },
    after: { stage: "withdrawn", reason: CONSENT_WITHDRAWN_REASON },
  });
}

const maskEmail = (email: string | null) => (email ? `${email.slice(0, 1)}•••@${email.split("@")[1] ?? ""}` : null);

/**
 * Erases a participant's identity data, keeping the anonymous row the dashboard counts.
 *
 * Erased: name (→ "Dihapus"), NIK and KK (ciphertext, hash, last four digits, legacy
 * clear columns), address, regency, sector, ID PMI, Prakerja card number, quarantine
 * location and arrival date, the planned follow-up, a withdrawal reason written by staff;
 * the birth date becomes 1 July of its year and the return date the first of its month.
 * The account: name, email, phone and password hash emptied, disabled, every session
 * ended; activation codes deleted. Help requests: open ones deleted, answered ones keep
 * their topic and dates with the texts replaced; the survey's free text emptied; the
 * participant's reasons on their data requests emptied; messages to them (which carry
 * their contact and name) deleted; their lines in import files emptied.
 *
 * Kept: province, country, sex, birth year, migrant status, stage and its history,
 * source, cohort, caseworker, Prakerja milestone dates and wave, registration and consent
 * times, logged services, the survey's multiple-choice answers, the audit log. Service
 * notes and stage-change reasons are append-only in the database (a trigger refuses any
 * UPDATE): they stay, no longer linked to a name, NIK or contact.
 */
async function eraseParticipant(tx: Tx, viewer: SessionUser, participantId: string, now: Date): Promise<void> {
  const [p] = await tx.select().from(participants).where(eq(participants.id, participantId)).for("update");
  const [account] = p.userId
    ? await tx.select({ email: users.email, phone: users.phone }).from(users).where(eq(users.id, p.userId))
    : [];

  await tx
    .update(participants)
    .set({
      fullName: ERASED_NAME,
      nikEnc: null,
      nikHash: null,
      nikLast4: null,
      kkEnc: null,
      kkHash: null,
      legacyNik: null,
      legacyKk: null,
      address: null,
      regencyCode: null,
      sector: null,
      idPmi: null,
      cardNumber: null,
      quarantineLocation: null,
      arrivalDate: null,
      birthDate: `${p.birthDate.slice(0, 4)}-07-01`,
      returnDate: p.returnDate ? `${p.returnDate.slice(0, 7)}-01` : null,
      withdrawnReason: p.withdrawnReason && p.withdrawnReason !== CONSENT_WITHDRAWN_REASON ? ERASED_TEXT : p.withdrawnReason,
      nextFollowUpOn: null,
      submissionId: null,
      erasedAt: now,
      version: sql`${participants.version} + 1`,
      updatedAt: now,
    })
    .where(eq(participants.id, p.id));

  if (p.userId) {
    await tx
      .update(users)
      .set({
        name: ERASED_NAME,
        email: null,
        phone: null,
        phoneConfirmedAt: null,
        preferredChannel: null,
        passwordHash: null,
        disabledAt: sql`coalesce(${users.disabledAt}, ${now.toISOString()}::timestamptz)`,
        sessionVersion: sql`${users.sessionVersion} + 1`,
        failedLogins: 0,
        lockedUntil: null,
        updatedAt: now,
      })
      .where(eq(users.id, p.userId));
    await tx.delete(activationCodes).where(eq(activationCodes.userId, p.userId));
    // A code's destination is the phone or email address it went to.
    await tx.delete(verificationCodes).where(eq(verificationCodes.userId, p.userId));
  }

  const deletedHelp = await tx
    .delete(helpRequests)
    .where(and(eq(helpRequests.participantId, p.id), eq(helpRequests.status, "open")))
    .returning({ id: helpRequests.id });
  await tx
    .update(helpRequests)
    .set({ message: ERASED_TEXT, answer: ERASED_TEXT })
    .where(eq(helpRequests.participantId, p.id));
  await tx.update(surveyResponses).set({ hardestOther: null }).where(eq(surveyResponses.participantId, p.id));
  await tx.update(dataRequests).set({ reason: null }).where(eq(dataRequests.participantId, p.id));
  const deletedMessages = await tx.delete(outboxMessages).where(eq(outboxMessages.participantId, p.id)).returning({ id: outboxMessages.id });
  // Their lines in import files: the one that created them, and their NIK found again in
  // a later file (a duplicate). Lines still waiting in an unconfirmed import are left to it.
  const importMatch = p.nikHash
    ? or(eq(importRows.participantId, p.id), and(eq(importRows.nikHash, p.nikHash), ne(importRows.status, "ready")))
    : eq(importRows.participantId, p.id);
  await tx.update(importRows).set({ data: null, nikHash: null, legacyNik: null }).where(importMatch);

  await recordAudit(tx, {
    actor: viewer,
    action: "participant.erase",
    entityType: "participant",
    entityId: p.id,
    // Masked, as everywhere in the log: enough to tell which record it was, nothing more.
    before: {
      nik: maskNikLast4(p.nikLast4) || null,
      phone: account?.phone ? maskPhone(account.phone) : null,
      email: maskEmail(account?.email ?? null),
    },
    after: {
      erasedAt: now.toISOString(),
      userId: p.userId,
      helpRequestsDeleted: deletedHelp.length,
      messagesDeleted: deletedMessages.length,
    },
  });
}

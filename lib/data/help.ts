import "server-only";
import { and, asc, count, desc, eq, isNull, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { notFound } from "next/navigation";
import { db } from "@/db";
import { helpRequests, participants, serviceLogs, users, type Stage } from "@/db/schema";
import { maskNikLast4, maskPhone, type ValidationKey } from "@/lib/validation";
import type { ServiceLogInput } from "@/lib/validation/caseworker";
import { MAX_OPEN_REQUESTS, type HelpAnswerInput, type HelpRequestInput } from "@/lib/validation/help";
import { recordAudit } from "./audit";
import { assignedParticipant } from "./casework";
import { isUniqueViolation, pgErrorInfo } from "./db-errors";
import { queueMessage } from "./outbox";
import { requirePermission, type SessionUser } from "./permissions";
import { provinceScope, requireScope } from "./scope";
import { findOwnParticipant, ownParticipant } from "./self-service";
import { insertServiceLog } from "./service-logs";

// Help requests. A participant asks at /me/help; the request reaches whoever is
// responsible for them at the time it is read: the assigned caseworker (first in their
// caseload), or, while the participant has no caseworker, the PMO's queue. A caseworker
// answers with a logged service, in one transaction; the PMO answers with text alone (a
// service log is a caseworker's record). The answer also queues a message to the
// participant, in the same transaction; it is sent after the response (outbox.ts).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type FieldErrors = Partial<Record<string, ValidationKey[]>>;
export type HelpResult =
  | { ok: true; id: string; repeated: boolean; routedTo?: "caseworker" | "pmo" }
  | { ok: false; fieldErrors: FieldErrors; params?: Record<string, string> };

export type HelpRequestView = {
  id: string;
  topic: string;
  message: string;
  status: "open" | "answered";
  answer: string | null;
  answeredAt: Date | null;
  /** Who answered, as the participant may know them: their caseworker's name, or the PMO. */
  answeredBy: { role: "caseworker" | "pmo"; name: string } | null;
  createdAt: Date;
};

const answerer = alias(users, "answerer");

const viewColumns = {
  id: helpRequests.id,
  topic: helpRequests.topic,
  message: helpRequests.message,
  status: helpRequests.status,
  answer: helpRequests.answer,
  answeredAt: helpRequests.answeredAt,
  answererRole: answerer.role,
  answererName: answerer.name,
  createdAt: helpRequests.createdAt,
};

type ViewRow = {
  id: string;
  topic: string;
  message: string;
  status: string;
  answer: string | null;
  answeredAt: Date | null;
  answererRole: string | null;
  answererName: string | null;
  createdAt: Date;
};

const toView = (r: ViewRow): HelpRequestView => ({
  id: r.id,
  topic: r.topic,
  message: r.message,
  status: r.status === "answered" ? "answered" : "open",
  answer: r.answer,
  answeredAt: r.answeredAt,
  // A regional coordinator answers the queue for the programme office: the participant reads it as the PMO's answer.
  answeredBy:
    r.answererRole === "caseworker" || r.answererRole === "pmo"
      ? { role: r.answererRole, name: r.answererName ?? "" }
      : r.answererRole === "coordinator"
        ? { role: "pmo", name: r.answererName ?? "" }
        : null,
  createdAt: r.createdAt,
});

/** A participant asks for help. A repeated submit of the same form returns its request. */
export async function createHelpRequest(viewer: SessionUser, input: HelpRequestInput): Promise<HelpResult> {
  requirePermission(viewer, "create:help_request:own");
  await ownParticipant(db, viewer, input.participantId);
  const earlier = await findSubmission(input.submissionId, input.participantId);
  if (earlier) return earlier;
  try {
    return await db.transaction(async (tx): Promise<HelpResult> => {
      const p = await ownParticipant(tx, viewer, input.participantId, { lock: true });
      const again = await findSubmission(input.submissionId, p.id, tx);
      if (again) return again;
      const [{ n: open }] = await tx
        .select({ n: count() })
        .from(helpRequests)
        .where(and(eq(helpRequests.participantId, p.id), eq(helpRequests.status, "open")));
      if (open >= MAX_OPEN_REQUESTS) return { ok: false, fieldErrors: { form: ["help.tooMany"] } };
      const [row] = await tx
        .insert(helpRequests)
        .values({ participantId: p.id, topic: input.topic, message: input.message, submissionId: input.submissionId })
        .returning({ id: helpRequests.id });
      const routedTo = p.caseworkerId ? "caseworker" : "pmo";
      await recordAudit(tx, {
        actor: viewer,
        action: "help_request.create",
        entityType: "help_request",
        entityId: row.id,
        // The message itself stays in its table: it may hold personal details.
        after: { participantId: p.id, topic: input.topic, length: input.message.length, routedTo },
      });
      return { ok: true, id: row.id, repeated: false, routedTo };
    });
  } catch (error) {
    if (isUniqueViolation(pgErrorInfo(error), "help_requests_submission_key")) {
      const repeated = await findSubmission(input.submissionId, input.participantId);
      if (repeated) return repeated;
    }
    throw error;
  }
}

async function findSubmission(
  submissionId: string,
  participantId: string,
  tx: Pick<typeof db, "select"> = db,
): Promise<HelpResult | null> {
  const [row] = await tx
    .select({ id: helpRequests.id, participantId: helpRequests.participantId })
    .from(helpRequests)
    .where(eq(helpRequests.submissionId, submissionId));
  if (!row) return null;
  if (row.participantId !== participantId) return { ok: false, fieldErrors: { form: ["form.error"] } };
  return { ok: true, id: row.id, repeated: true };
}

/** The participant's own requests, open ones first, newest first. */
export async function listOwnHelpRequests(viewer: SessionUser): Promise<HelpRequestView[]> {
  requirePermission(viewer, "read:participant:own");
  const p = await findOwnParticipant(db, viewer);
  if (!p) return [];
  const found = await db
    .select(viewColumns)
    .from(helpRequests)
    .leftJoin(answerer, eq(answerer.id, helpRequests.answeredBy))
    .where(eq(helpRequests.participantId, p.id))
    .orderBy(sql`case when ${helpRequests.status} = 'open' then 0 else 1 end`, desc(helpRequests.createdAt));
  return found.map(toView);
}

/** One of the participant's own requests; anyone else's, or a bad id, is HTTP 404. */
export async function getOwnHelpRequest(viewer: SessionUser, requestId: string): Promise<HelpRequestView> {
  requirePermission(viewer, "read:participant:own");
  if (!UUID.test(requestId)) notFound();
  const [row] = await db
    .select(viewColumns)
    .from(helpRequests)
    .innerJoin(participants, eq(participants.id, helpRequests.participantId))
    .leftJoin(answerer, eq(answerer.id, helpRequests.answeredBy))
    .where(and(eq(helpRequests.id, requestId), eq(participants.userId, viewer.id)));
  if (!row) notFound();
  return toView(row);
}

/** The requests of one participant in the caseworker's caseload (404 for anyone else's). */
export async function listCasefileHelpRequests(viewer: SessionUser, participantId: string): Promise<HelpRequestView[]> {
  requirePermission(viewer, "read:participant:assigned");
  const p = await assignedParticipant(db, viewer, participantId);
  const found = await db
    .select(viewColumns)
    .from(helpRequests)
    .leftJoin(answerer, eq(answerer.id, helpRequests.answeredBy))
    .where(eq(helpRequests.participantId, p.id))
    .orderBy(sql`case when ${helpRequests.status} = 'open' then 0 else 1 end`, asc(helpRequests.createdAt));
  return found.map(toView);
}

/**
 * The caseworker answers one of their participants' requests and logs the service they
 * gave, in one transaction: the request closes only if the service is logged, and the
 * message to the participant is queued with it. Another caseworker's request is 404.
 * A double submit (the same service submission id) returns the first answer.
 */
export async function answerHelpRequest(
  viewer: SessionUser,
  input: HelpAnswerInput & { service: ServiceLogInput },
): Promise<HelpResult> {
  requirePermission(viewer, "update:help_request:assigned");
  requirePermission(viewer, "create:service_log:assigned");
  if (!UUID.test(input.requestId)) notFound();
  const [found] = await db
    .select({ participantId: helpRequests.participantId })
    .from(helpRequests)
    .where(eq(helpRequests.id, input.requestId));
  if (!found || found.participantId !== input.service.participantId) notFound();
  await assignedParticipant(db, viewer, found.participantId);
  try {
    return await db.transaction(async (tx): Promise<HelpResult> => {
      const p = await assignedParticipant(tx, viewer, found.participantId, { lock: true });
      const [request] = await tx.select().from(helpRequests).where(eq(helpRequests.id, input.requestId)).for("update");
      if (request.status !== "open") return (await sameAnswer(tx, request.serviceLogId, input.service.submissionId, request.id)) ?? alreadyAnswered;
      const logged = await insertServiceLog(tx, viewer, p, input.service);
      // A refused service log has written nothing: the request stays open.
      if (!logged.ok) return { ok: false, fieldErrors: logged.fieldErrors as FieldErrors, params: logged.params };
      const now = new Date();
      await tx
        .update(helpRequests)
        .set({ status: "answered", answer: input.answer, answeredBy: viewer.id, answeredAt: now, serviceLogId: logged.id })
        .where(eq(helpRequests.id, request.id));
      await recordAudit(tx, {
        actor: viewer,
        action: "help_request.answer",
        entityType: "help_request",
        entityId: request.id,
        before: { status: "open" },
        after: { status: "answered", serviceLogId: logged.id, length: input.answer.length },
      });
      await queueMessage(tx, { participantId: p.id, kind: "help_answered", dedupeKey: `help_answered:${request.id}` });
      return { ok: true, id: request.id, repeated: false };
    });
  } catch (error) {
    if (isUniqueViolation(pgErrorInfo(error), "service_logs_submission_key")) {
      const [request] = await db.select().from(helpRequests).where(eq(helpRequests.id, input.requestId));
      const same = await sameAnswer(db, request?.serviceLogId ?? null, input.service.submissionId, input.requestId);
      return same ?? { ok: false, fieldErrors: { form: ["form.error"] } };
    }
    throw error;
  }
}

const alreadyAnswered: HelpResult = { ok: false, fieldErrors: { form: ["help.alreadyAnswered"] } };

/** The answer this very form already gave (its service log carries the submission id). */
async function sameAnswer(
  tx: Pick<typeof db, "select">,
  serviceLogId: string | null,
  submissionId: string,
  requestId: string,
): Promise<HelpResult | null> {
  if (!serviceLogId) return null;
  const [log] = await tx.select({ submissionId: serviceLogs.submissionId }).from(serviceLogs).where(eq(serviceLogs.id, serviceLogId));
  return log?.submissionId === submissionId ? { ok: true, id: requestId, repeated: true } : null;
}

export type PmoQueueRow = {
  id: string;
  topic: string;
  message: string;
  createdAt: Date;
  participantId: string;
  fullName: string;
  nikMasked: string;
  phoneMasked: string | null;
  provinceCode: string;
  stage: Stage;
};

/** Where the viewer answers the queue: all of it (the PMO), their regions' provinces (a coordinator); 403 otherwise. */
const queueScope = async (viewer: SessionUser) => {
  const scope = await requireScope(viewer, "update:help_request:unassigned", "update:help_request:region");
  return scope === null ? undefined : provinceScope(scope, sql`${participants.provinceCode}`);
};

/**
 * The PMO's queue: open requests of participants who have no caseworker, oldest first; a
 * regional coordinator's: those of participants of their provinces.
 */
export async function listPmoHelpQueue(viewer: SessionUser): Promise<PmoQueueRow[]> {
  const inScope = await queueScope(viewer);
  const found = await db
    .select({
      id: helpRequests.id,
      topic: helpRequests.topic,
      message: helpRequests.message,
      createdAt: helpRequests.createdAt,
      participantId: participants.id,
      fullName: participants.fullName,
      nikLast4: participants.nikLast4,
      phone: users.phone,
      provinceCode: participants.provinceCode,
      stage: participants.stage,
    })
    .from(helpRequests)
    .innerJoin(participants, eq(participants.id, helpRequests.participantId))
    .leftJoin(users, eq(users.id, participants.userId))
    .where(and(eq(helpRequests.status, "open"), isNull(participants.caseworkerId), inScope))
    .orderBy(asc(helpRequests.createdAt), asc(helpRequests.id))
    .limit(200);
  return found.map(({ nikLast4, phone, ...r }) => ({ ...r, nikMasked: maskNikLast4(nikLast4), phoneMasked: phone ? maskPhone(phone) : null }));
}

/**
 * The PMO (or the coordinator of the participant's region) answers a request from a
 * participant who has no caseworker. Once a caseworker is assigned the request is theirs
 * (it shows in their caseload), and the PMO is refused. A request of a participant
 * outside a coordinator's provinces is 404.
 */
export async function answerUnassignedHelpRequest(viewer: SessionUser, input: HelpAnswerInput): Promise<HelpResult> {
  const inScope = await queueScope(viewer);
  if (!UUID.test(input.requestId)) notFound();
  const [found] = await db
    .select({ participantId: helpRequests.participantId })
    .from(helpRequests)
    .innerJoin(participants, eq(participants.id, helpRequests.participantId))
    .where(and(eq(helpRequests.id, input.requestId), inScope));
  if (!found) notFound();
  return db.transaction(async (tx): Promise<HelpResult> => {
    // The participant first, then the request: the same order as the caseworker's answer.
    const [p] = await tx
      .select({ id: participants.id, caseworkerId: participants.caseworkerId })
      .from(participants)
      .where(eq(participants.id, found.participantId))
      .for("update");
    const [request] = await tx.select().from(helpRequests).where(eq(helpRequests.id, input.requestId)).for("update");
    if (request.status !== "open") return alreadyAnswered;
    if (p.caseworkerId) return { ok: false, fieldErrors: { form: ["help.nowAssigned"] } };
    const now = new Date();
    await tx
      .update(helpRequests)
      .set({ status: "answered", answer: input.answer, answeredBy: viewer.id, answeredAt: now })
      .where(eq(helpRequests.id, request.id));
    await recordAudit(tx, {
      actor: viewer,
      action: "help_request.answer",
      entityType: "help_request",
      entityId: request.id,
      before: { status: "open" },
      after: { status: "answered", serviceLogId: null, length: input.answer.length },
    });
    await queueMessage(tx, { participantId: p.id, kind: "help_answered", dedupeKey: `help_answered:${request.id}` });
    return { ok: true, id: request.id, repeated: false };
  });
}

/** What /me/help needs besides the list: the record the form names, and who reads it. */
export async function getOwnHelpContext(viewer: SessionUser): Promise<{ participantId: string; caseworkerName: string | null } | null> {
  requirePermission(viewer, "create:help_request:own");
  const caseworker = alias(users, "caseworker");
  const [row] = await db
    .select({ participantId: participants.id, caseworkerName: caseworker.name })
    .from(participants)
    .leftJoin(caseworker, eq(caseworker.id, participants.caseworkerId))
    .where(eq(participants.userId, viewer.id));
  return row ?? null;
}

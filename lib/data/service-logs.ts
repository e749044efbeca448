import "server-only";
import { and, eq } from "drizzle-orm";
import { db, type Tx } from "@/db";
import { refreshContactSummary } from "@/db/derived";
import { blockers, serviceLogs, services, type Participant } from "@/db/schema";
import type { ServiceLogInput } from "@/lib/validation/caseworker";
import { recordAudit } from "./audit";
import { assignedParticipant, registeredOn } from "./casework";
import { isUniqueViolation, pgErrorInfo } from "./db-errors";
import { requirePermission, type SessionUser } from "./permissions";

export type RecordServiceResult =
  | { ok: true; id: string; repeated: boolean }
  | { ok: false; fieldErrors: Partial<Record<string, string[]>>; params?: Record<string, string> };

/**
 * Logs a service a caseworker gave one of their participants, or a correction of an
 * earlier record (a new record pointing at it; nothing is ever updated in place). The
 * participant's contact summary moves with it, in the same transaction.
 * A double submit (same submission id) returns the first record.
 */
export async function recordService(viewer: SessionUser, input: ServiceLogInput): Promise<RecordServiceResult> {
  requirePermission(viewer, "create:service_log:assigned");
  await assignedParticipant(db, viewer, input.participantId);
  const earlier = await findSubmission(input.submissionId, input.participantId);
  if (earlier) return earlier;
  try {
    return await db.transaction(async (tx) => {
      const p = await assignedParticipant(tx, viewer, input.participantId, { lock: true });
      const again = await findSubmission(input.submissionId, p.id, tx);
      if (again) return again;
      return insertServiceLog(tx, viewer, p, input);
    });
  } catch (error) {
    const info = pgErrorInfo(error);
    if (isUniqueViolation(info, "service_logs_submission_key")) {
      const repeated = await findSubmission(input.submissionId, input.participantId);
      if (repeated) return repeated;
    }
    if (isUniqueViolation(info, "service_logs_corrects_key")) {
      return { ok: false, fieldErrors: { form: ["serviceLog.alreadyCorrected"] } };
    }
    throw error;
  }
}

/**
 * The checks and the insert of recordService, inside the caller's transaction: for a
 * change that logs a service as one part of something larger (answering a help request),
 * so that both happen or neither. The caller has checked the permission, locked the
 * assigned participant and looked for an earlier submission.
 */
export async function insertServiceLog(
  tx: Tx,
  viewer: SessionUser,
  p: Participant,
  input: ServiceLogInput,
): Promise<RecordServiceResult> {
  const [service] = await tx
    .select({ code: services.code })
    .from(services)
    .where(and(eq(services.code, input.serviceCode), eq(services.active, true)));
  if (!service) return { ok: false, fieldErrors: { serviceCode: ["serviceLog.unknownService"] } };
  if (input.blockerCode) {
    const [blocker] = await tx.select({ code: blockers.code }).from(blockers).where(eq(blockers.code, input.blockerCode));
    if (!blocker) return { ok: false, fieldErrors: { blockerCode: ["serviceLog.blockerRequired"] } };
  }
  const firstDay = registeredOn(p);
  if (input.occurredOn < firstDay) {
    return { ok: false, fieldErrors: { occurredOn: ["serviceLog.beforeRegistration"] }, params: { date: firstDay } };
  }
  if (input.correctsId) {
    const [target] = await tx
      .select({ id: serviceLogs.id })
      .from(serviceLogs)
      .where(and(eq(serviceLogs.id, input.correctsId), eq(serviceLogs.participantId, p.id)));
    if (!target) return { ok: false, fieldErrors: { form: ["form.error"] } };
    const [already] = await tx
      .select({ id: serviceLogs.id })
      .from(serviceLogs)
      .where(eq(serviceLogs.correctsId, input.correctsId));
    if (already) return { ok: false, fieldErrors: { form: ["serviceLog.alreadyCorrected"] } };
  }

  const [row] = await tx
    .insert(serviceLogs)
    .values({
      participantId: p.id,
      caseworkerId: viewer.id,
      serviceCode: input.serviceCode,
      occurredOn: input.occurredOn,
      channel: input.channel,
      outcome: input.outcome,
      blockerCode: input.blockerCode,
      notes: input.notes,
      nextFollowUpOn: input.nextFollowUpOn,
      correctsId: input.correctsId,
      submissionId: input.submissionId,
    })
    .returning({ id: serviceLogs.id });
  await tx.execute(refreshContactSummary(p.id));
  await recordAudit(tx, {
    actor: viewer,
    action: input.correctsId ? "service_log.correct" : "service_log.create",
    entityType: "service_log",
    entityId: row.id,
    after: {
      participantId: p.id,
      serviceCode: input.serviceCode,
      occurredOn: input.occurredOn,
      channel: input.channel,
      outcome: input.outcome,
      blockerCode: input.blockerCode,
      nextFollowUpOn: input.nextFollowUpOn,
      correctsId: input.correctsId,
    },
  });
  return { ok: true as const, id: row.id, repeated: false };
}

async function findSubmission(
  submissionId: string,
  participantId: string,
  tx: Pick<typeof db, "select"> = db,
): Promise<RecordServiceResult | null> {
  const [row] = await tx
    .select({ id: serviceLogs.id, participantId: serviceLogs.participantId })
    .from(serviceLogs)
    .where(eq(serviceLogs.submissionId, submissionId));
  if (!row) return null;
  if (row.participantId !== participantId) return { ok: false, fieldErrors: { form: ["form.error"] } };
  return { ok: true, id: row.id, repeated: true };
}

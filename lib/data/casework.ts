import "server-only";
import { and, asc, desc, eq, isNull, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { notFound } from "next/navigation";
import { db, type Tx } from "@/db";
import { openKk, openNik } from "@/lib/crypto/identity";
import {
  blockers,
  participants,
  serviceLogs,
  services,
  stageChanges,
  users,
  type LogSource,
  type Participant,
  type Stage,
} from "@/db/schema";
import { maskNikLast4, maskPhone, todayInJakarta, type ValidationKey } from "@/lib/validation";
import type { ContactInput, MilestonesInput, StageChangeInput } from "@/lib/validation/caseworker";
import { recordAudit } from "./audit";
import { contactChange } from "./users";
import { isUniqueViolation, pgErrorInfo } from "./db-errors";
import { requirePermission, type SessionUser } from "./permissions";

export type MutationResult = { ok: true } | { ok: false; fieldErrors: Partial<Record<string, ValidationKey[]>> };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The participant with this id if the condition holds (the viewer's scope), locked when
 * asked (for writes); otherwise HTTP 404, so that ids do not tell which participants exist.
 */
export async function scopedParticipant(
  tx: Tx | typeof db,
  participantId: string,
  scope: SQL,
  opts: { lock?: boolean } = {},
): Promise<Participant> {
  if (!UUID.test(participantId)) notFound();
  const query = tx.select().from(participants).where(and(eq(participants.id, participantId), scope)).limit(1);
  const [row] = opts.lock ? await query.for("update") : await query;
  if (!row) notFound();
  return row;
}

/**
 * The participant, if assigned to this caseworker and not erased; otherwise HTTP 404. An
 * erased participant (a completed UU PDP deletion) stays only as an anonymous row for the
 * programme's counts: there is nobody left to serve, so no casework reads or writes it.
 */
export function assignedParticipant(
  tx: Tx | typeof db,
  viewer: SessionUser,
  participantId: string,
  opts: { lock?: boolean } = {},
): Promise<Participant> {
  return scopedParticipant(tx, participantId, and(eq(participants.caseworkerId, viewer.id), isNull(participants.erasedAt))!, opts);
}

/** The Jakarta date on which a participant registered: no service can be logged before it. */
export const registeredOn = (p: Pick<Participant, "createdAt">) => todayInJakarta(p.createdAt);

export const PURCHASE_DEADLINE_DAYS = 15;
export const DEADLINE_WARNING_DAYS = 3;

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * The training must be bought within 15 days of receiving the card, or the card is
 * revoked. Null when the clock is not running (no card yet, or already bought).
 */
export function purchaseDeadline(
  p: Pick<Participant, "cardReceivedOn" | "trainingBoughtOn" | "stage">,
  today = todayInJakarta(),
): { deadline: string; daysLeft: number; warn: boolean } | null {
  if (!p.cardReceivedOn || p.trainingBoughtOn || !["registration", "training"].includes(p.stage)) return null;
  const deadline = addDays(p.cardReceivedOn, PURCHASE_DEADLINE_DAYS);
  const daysLeft = daysBetween(today, deadline);
  return { deadline, daysLeft, warn: daysLeft <= DEADLINE_WARNING_DAYS };
}

export type CasefileLog = {
  id: string;
  occurredOn: string;
  createdAt: Date;
  serviceCode: string;
  serviceNameId: string;
  serviceNameEn: string;
  serviceStage: string;
  /** null for a fact the Prakerja PMO reported (source "prakerja"). */
  channel: string | null;
  outcome: string;
  blockerCode: string | null;
  blockerNameId: string | null;
  blockerNameEn: string | null;
  notes: string | null;
  nextFollowUpOn: string | null;
  /** The caseworker who logged it; null for a fact the Prakerja PMO reported. */
  caseworkerName: string | null;
  source: LogSource;
  correctsId: string | null;
  correctedById: string | null;
};

export type CasefileStageChange = {
  id: string;
  createdAt: Date;
  fromStage: Stage | null;
  toStage: Stage;
  reason: string | null;
  changedByName: string | null;
  /** The stage moved because the Prakerja PMO reported a milestone (lib/data/prakerja-status.ts). */
  byPrakerja: boolean;
};

/**
 * A participant's timeline: service logs (corrected ones included, marked) and stage
 * changes, each newest first. No permission check of its own: only for data-layer
 * functions that have already checked the viewer may read this participant.
 */
export async function timelineOf(participantId: string): Promise<{ logs: CasefileLog[]; stageChanges: CasefileStageChange[] }> {
  const author = alias(users, "author");
  const correction = alias(serviceLogs, "correction");
  const changer = alias(users, "changer");
  const [logs, changes] = await Promise.all([
    db
      .select({
        id: serviceLogs.id,
        occurredOn: serviceLogs.occurredOn,
        createdAt: serviceLogs.createdAt,
        serviceCode: serviceLogs.serviceCode,
        serviceNameId: services.nameId,
        serviceNameEn: services.nameEn,
        serviceStage: services.stage,
        channel: serviceLogs.channel,
        outcome: serviceLogs.outcome,
        blockerCode: serviceLogs.blockerCode,
        blockerNameId: blockers.nameId,
        blockerNameEn: blockers.nameEn,
        notes: serviceLogs.notes,
        nextFollowUpOn: serviceLogs.nextFollowUpOn,
        caseworkerName: author.name,
        source: serviceLogs.source,
        correctsId: serviceLogs.correctsId,
        correctedById: correction.id,
      })
      .from(serviceLogs)
      .innerJoin(services, eq(services.code, serviceLogs.serviceCode))
      .leftJoin(author, eq(author.id, serviceLogs.caseworkerId))
      .leftJoin(blockers, eq(blockers.code, serviceLogs.blockerCode))
      .leftJoin(correction, eq(correction.correctsId, serviceLogs.id))
      .where(eq(serviceLogs.participantId, participantId))
      .orderBy(desc(serviceLogs.occurredOn), desc(serviceLogs.createdAt)),
    db
      .select({
        id: stageChanges.id,
        createdAt: stageChanges.createdAt,
        fromStage: stageChanges.fromStage,
        toStage: stageChanges.toStage,
        reason: stageChanges.reason,
        changedByName: changer.name,
        byPrakerja: sql<boolean>`${stageChanges.apiClientId} is not null`,
      })
      .from(stageChanges)
      .leftJoin(changer, eq(changer.id, stageChanges.changedBy))
      .where(eq(stageChanges.participantId, participantId))
      .orderBy(desc(stageChanges.createdAt)),
  ]);
  return { logs, stageChanges: changes };
}

export type Casefile = Awaited<ReturnType<typeof getCasefile>>;

/**
 * A participant's whole file for their caseworker: identity with the whole NIK (each
 * showing is written to the audit log), contact data, milestones, the timeline, and the
 * catalogue for the forms.
 */
export async function getCasefile(viewer: SessionUser, participantId: string) {
  requirePermission(viewer, "read:participant:assigned");
  const p = await assignedParticipant(db, viewer, participantId);
  const [contact] = p.userId
    ? await db
        .select({
          phone: users.phone,
          email: users.email,
          unreachable: users.whatsappUnreachableAt,
          optedOut: users.whatsappOptedOutAt,
          confirmed: users.phoneConfirmedAt,
        })
        .from(users)
        .where(eq(users.id, p.userId))
    : [{ phone: null, email: null, unreachable: null, optedOut: null, confirmed: null }];

  const { logs, stageChanges: changes } = await timelineOf(p.id);

  const catalogue = await db
    .select({ code: services.code, stage: services.stage, nameId: services.nameId, nameEn: services.nameEn })
    .from(services)
    .where(eq(services.active, true))
    .orderBy(asc(services.sortOrder));
  const blockerList = await db
    .select({ code: blockers.code, nameId: blockers.nameId, nameEn: blockers.nameEn })
    .from(blockers)
    .orderBy(asc(blockers.sortOrder));

  await db.transaction((tx) =>
    recordAudit(tx, { actor: viewer, action: "participant.view_nik", entityType: "participant", entityId: p.id }),
  );

  return {
    participant: {
      id: p.id,
      version: p.version,
      fullName: p.fullName,
      nik: openNik(p),
      nikMasked: maskNikLast4(p.nikLast4),
      kk: openKk(p),
      birthDate: p.birthDate,
      sex: p.sex,
      provinceCode: p.provinceCode,
      regencyCode: p.regencyCode,
      address: p.address,
      migrantStatus: p.migrantStatus,
      countryCode: p.countryCode,
      sector: p.sector,
      returnDate: p.returnDate,
      stage: p.stage,
      withdrawnReason: p.withdrawnReason,
      source: p.source,
      registeredOn: registeredOn(p),
      hasAccount: Boolean(p.userId),
      phone: contact?.phone ?? null,
      phoneMasked: contact?.phone ? maskPhone(contact.phone) : null,
      /** The WhatsApp Cloud API said this phone cannot receive WhatsApp (since when). */
      whatsappUnreachableAt: contact?.unreachable ?? null,
      /** The participant replied BERHENTI on WhatsApp (since when). */
      whatsappOptedOutAt: contact?.optedOut ?? null,
      /** The worker proved the number theirs with a code sent to it (lib/data/verification-codes.ts). */
      phoneConfirmedAt: contact?.confirmed ?? null,
      email: contact?.email ?? null,
      lastContactOn: p.lastContactOn,
      nextFollowUpOn: p.nextFollowUpOn,
      cardNumber: p.cardNumber,
      cardReceivedOn: p.cardReceivedOn,
      wave: p.wave,
      trainingBoughtOn: p.trainingBoughtOn,
      lmsSessionOn: p.lmsSessionOn,
      trainingCompletedOn: p.trainingCompletedOn,
      lmsCompletedOn: p.lmsCompletedOn,
      deadline: purchaseDeadline(p),
    },
    logs,
    stageChanges: changes,
    catalogue,
    blockers: blockerList,
  };
}

/**
 * Moves a participant to another stage (forward or back) or withdraws them, always with
 * a reason; each change is a stage_changes record.
 */
export async function changeStage(viewer: SessionUser, input: StageChangeInput): Promise<MutationResult> {
  requirePermission(viewer, "update:participant:assigned");
  return db.transaction(async (tx) => {
    const p = await assignedParticipant(tx, viewer, input.participantId, { lock: true });
    if (p.version !== input.version) return { ok: false, fieldErrors: { form: ["record.stale"] } };
    if (p.stage === input.toStage) return { ok: false, fieldErrors: { toStage: ["stage.same"] } };
    const now = new Date();
    await tx
      .update(participants)
      .set({
        stage: input.toStage,
        stageChangedAt: now,
        withdrawnReason: input.toStage === "withdrawn" ? input.reason : null,
        version: sql`${participants.version} + 1`,
        updatedAt: now,
      })
      .where(eq(participants.id, p.id));
    await tx.insert(stageChanges).values({
      participantId: p.id,
      fromStage: p.stage,
      toStage: input.toStage,
      reason: input.reason,
      changedBy: viewer.id,
      createdAt: now,
    });
    await recordAudit(tx, {
      actor: viewer,
      action: "participant.stage_change",
      entityType: "participant",
      entityId: p.id,
      before: { stage: p.stage },
      after: { stage: input.toStage, reason: input.reason },
    });
    return { ok: true };
  });
}

/**
 * Edits the participant's phone, email and address. Refused, with nothing written, when
 * the record changed since the form was loaded (its version moved on).
 */
export async function updateContact(viewer: SessionUser, input: ContactInput): Promise<MutationResult> {
  requirePermission(viewer, "update:participant:assigned");
  try {
    return await db.transaction(async (tx) => {
      const p = await assignedParticipant(tx, viewer, input.participantId, { lock: true });
      if (p.version !== input.version) return { ok: false, fieldErrors: { form: ["record.stale"] } };
      if (!p.userId) return { ok: false, fieldErrors: { form: ["form.error"] } };
      const [before] = await tx.select({ phone: users.phone, email: users.email }).from(users).where(eq(users.id, p.userId));
      const now = new Date();
      await tx.update(users).set(contactChange(input, now)).where(eq(users.id, p.userId));
      await tx
        .update(participants)
        .set({
          address: input.address,
          // A move to another province moves the participant to that province's region; the
          // caseworker stays until someone reassigns them (docs/decisions/037-province-moves.md).
          provinceCode: input.provinceCode,
          regencyCode: input.regencyCode,
          version: sql`${participants.version} + 1`,
          updatedAt: now,
        })
        .where(eq(participants.id, p.id));
      await recordAudit(tx, {
        actor: viewer,
        action: "participant.contact_update",
        entityType: "participant",
        entityId: p.id,
        // provinceCode in before and after: the audit trigger files a move under both
        // provinces, so the coordinators of both regions see it (migration 0021).
        before: {
          phone: before.phone ? maskPhone(before.phone) : null,
          email: before.email,
          addressChanged: false,
          provinceCode: p.provinceCode,
          regencyCode: p.regencyCode,
        },
        after: {
          phone: maskPhone(input.phone),
          email: input.email,
          addressChanged: (p.address ?? "") !== input.address,
          provinceCode: input.provinceCode,
          regencyCode: input.regencyCode,
        },
      });
      return { ok: true } as const;
    });
  } catch (error) {
    const info = pgErrorInfo(error);
    if (isUniqueViolation(info, "users_phone_key")) return { ok: false, fieldErrors: { phone: ["phone.taken"] } };
    if (isUniqueViolation(info, "users_email_key")) return { ok: false, fieldErrors: { email: ["email.taken"] } };
    throw error;
  }
}

/** Records the Prakerja milestones: card number and date, wave, purchase date, LMS session. */
export async function updateMilestones(viewer: SessionUser, input: MilestonesInput): Promise<MutationResult> {
  requirePermission(viewer, "update:participant:assigned");
  return db.transaction(async (tx) => {
    const p = await assignedParticipant(tx, viewer, input.participantId, { lock: true });
    if (p.version !== input.version) return { ok: false, fieldErrors: { form: ["record.stale"] } };
    const fields = {
      cardNumber: input.cardNumber,
      cardReceivedOn: input.cardReceivedOn,
      wave: input.wave,
      trainingBoughtOn: input.trainingBoughtOn,
      lmsSessionOn: input.lmsSessionOn,
    };
    await tx
      .update(participants)
      .set({ ...fields, version: sql`${participants.version} + 1`, updatedAt: new Date() })
      .where(eq(participants.id, p.id));
    await recordAudit(tx, {
      actor: viewer,
      action: "participant.milestones_update",
      entityType: "participant",
      entityId: p.id,
      before: {
        cardNumber: p.cardNumber ? `••••${p.cardNumber.slice(-4)}` : null,
        cardReceivedOn: p.cardReceivedOn,
        wave: p.wave,
        trainingBoughtOn: p.trainingBoughtOn,
        lmsSessionOn: p.lmsSessionOn,
      },
      after: { ...fields, cardNumber: fields.cardNumber ? `••••${fields.cardNumber.slice(-4)}` : null },
    });
    return { ok: true };
  });
}

import "server-only";
import { and, count, desc, eq, ne, or } from "drizzle-orm";
import { db, type Tx } from "@/db";
import { participants, serviceLogs, services, stageChanges, users, type Stage } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { identityHash, sealKk, sealNik } from "@/lib/crypto/identity";
import { maskNikLast4, maskPhone, MAX_PARTICIPANTS_PER_KK, type ValidationKey } from "@/lib/validation";
import { CONSENT_VERSION, type RegistrationData, type SelfRegistrationData } from "@/lib/validation/registration";
import { recordAudit } from "./audit";
import { isUniqueViolation, pgErrorInfo } from "./db-errors";
import { requirePermission, type SessionUser } from "./permissions";

export type FieldErrors = Partial<Record<string, ValidationKey[]>>;
export type RegisterResult =
  | { ok: true; userId: string; participantId: string; repeated: boolean }
  | { ok: false; fieldErrors: FieldErrors };

/** Uniqueness and the 2-per-KK rule, checked before writing so every problem is reported at once. */
export async function conflicts(tx: Tx, data: RegistrationData): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  const [nik] = await tx.select({ id: participants.id }).from(participants).where(eq(participants.nikHash, identityHash(data.nik))).limit(1);
  if (nik) errors.nik = ["nik.taken"];
  const [kk] = await tx.select({ n: count() }).from(participants).where(eq(participants.kkHash, identityHash(data.kk)));
  if (kk.n >= MAX_PARTICIPANTS_PER_KK) errors.kk = ["kk.limit"];
  const contact = await tx
    .select({ email: users.email, phone: users.phone })
    .from(users)
    .where(or(eq(users.phone, data.phone), data.email ? eq(users.email, data.email) : undefined));
  if (contact.some((u) => u.phone === data.phone)) errors.phone = ["phone.taken"];
  if (data.email && contact.some((u) => u.email === data.email)) errors.email = ["email.taken"];
  return errors;
}

/** A constraint violation from a race that the pre-check could not see, as a field error. */
export function constraintToFieldErrors(error: unknown): FieldErrors | null {
  const info = pgErrorInfo(error);
  if (isUniqueViolation(info, "participants_nik_key")) return { nik: ["nik.taken"] };
  if (isUniqueViolation(info, "users_phone_key")) return { phone: ["phone.taken"] };
  if (isUniqueViolation(info, "users_email_key")) return { email: ["email.taken"] };
  if (info?.code === "23514" && info.message.includes("kk_limit")) return { kk: ["kk.limit"] };
  return null;
}

/** The registration this form already made, if it was submitted before. */
async function findSubmission(tx: Tx | typeof db, data: SelfRegistrationData): Promise<RegisterResult | null> {
  const [earlier] = await tx
    .select({ id: participants.id, userId: participants.userId, nikHash: participants.nikHash })
    .from(participants)
    .where(eq(participants.submissionId, data.submissionId))
    .limit(1);
  if (!earlier) return null;
  if (earlier.userId && earlier.nikHash === identityHash(data.nik)) {
    return { ok: true, userId: earlier.userId, participantId: earlier.id, repeated: true };
  }
  // The same form posted again with a different person in it: ask for a fresh form.
  return { ok: false, fieldErrors: { form: ["form.error"] } };
}

export const auditView = (data: RegistrationData) => ({
  nik: maskNikLast4(data.nik.slice(-4)),
  provinceCode: data.provinceCode,
  migrantStatus: data.migrantStatus,
  countryCode: data.countryCode,
});

/**
 * Self-registration at /register: creates the user and the participant in one
 * transaction. Anyone may call it (it is how a worker gets an account). A repeated
 * submit of the same form (same submission id) returns the participant it created.
 */
export async function registerSelf(data: SelfRegistrationData): Promise<RegisterResult> {
  const earlier = await findSubmission(db, data);
  if (earlier) return earlier;

  const passwordHash = await hashPassword(data.password);
  try {
    return await db.transaction(async (tx) => {
      const repeated = await findSubmission(tx, data);
      if (repeated) return repeated;
      const fieldErrors = await conflicts(tx, data);
      if (Object.keys(fieldErrors).length > 0) {
        // A double submit whose first half committed a moment ago conflicts with itself:
        // each statement sees the latest commits, so look for it again before refusing.
        return (await findSubmission(tx, data)) ?? { ok: false as const, fieldErrors };
      }

      const [user] = await tx
        .insert(users)
        .values({ role: "participant", name: data.fullName, email: data.email, phone: data.phone, passwordHash })
        .returning({ id: users.id });
      const now = new Date();
      const [participant] = await tx
        .insert(participants)
        .values({
          userId: user.id,
          fullName: data.fullName,
          ...sealNik(data.nik),
          ...sealKk(data.kk),
          birthDate: data.birthDate,
          sex: data.sex,
          provinceCode: data.provinceCode,
          regencyCode: data.regencyCode,
          address: data.address,
          migrantStatus: data.migrantStatus,
          countryCode: data.countryCode,
          sector: data.sector,
          returnDate: data.returnDate,
          source: "self",
          consentAt: now,
          consentVersion: CONSENT_VERSION,
          consentCollectedBy: user.id,
          submissionId: data.submissionId,
        })
        .returning({ id: participants.id });
      await tx.insert(stageChanges).values({
        participantId: participant.id,
        fromStage: null,
        toStage: "registration",
        changedBy: user.id,
      });
      await recordAudit(tx, {
        actor: { id: user.id, role: "participant" },
        action: "participant.register",
        entityType: "participant",
        entityId: participant.id,
        after: { ...auditView(data), source: "self", consentVersion: CONSENT_VERSION },
      });
      return { ok: true as const, userId: user.id, participantId: participant.id, repeated: false };
    });
  } catch (error) {
    // A second submit racing the first trips a unique index (submission id, NIK, phone):
    // if the first one has committed by now, this is the same registration.
    if (isUniqueViolation(pgErrorInfo(error))) {
      const repeated = await findSubmission(db, data);
      if (repeated) return repeated;
    }
    const fieldErrors = constraintToFieldErrors(error);
    if (fieldErrors) return { ok: false, fieldErrors };
    throw error;
  }
}

export type TimelineEntry =
  | {
      kind: "service";
      id: string;
      on: string;
      at: Date;
      serviceCode: string;
      serviceNameId: string;
      serviceNameEn: string;
      outcome: string;
    }
  | { kind: "stage"; id: string; at: Date; fromStage: Stage | null; toStage: Stage };

export type ParticipantHome = {
  fullName: string;
  stage: Stage;
  stageChangedAt: Date;
  migrantStatus: string;
  countryCode: string | null;
  nikMasked: string;
  phoneMasked: string | null;
  email: string | null;
  caseworker: { name: string } | null;
  timeline: TimelineEntry[];
};

/**
 * What a participant sees on /me: their own record only. Caseworker notes and the
 * caseworker's contact data stay internal.
 */
export async function getOwnHome(viewer: SessionUser): Promise<ParticipantHome | null> {
  requirePermission(viewer, "read:participant:own");
  const [row] = await db
    .select({
      id: participants.id,
      fullName: participants.fullName,
      stage: participants.stage,
      stageChangedAt: participants.stageChangedAt,
      migrantStatus: participants.migrantStatus,
      countryCode: participants.countryCode,
      nikLast4: participants.nikLast4,
      caseworkerId: participants.caseworkerId,
      phone: users.phone,
      email: users.email,
    })
    .from(participants)
    .innerJoin(users, eq(users.id, participants.userId))
    .where(eq(participants.userId, viewer.id))
    .limit(1);
  if (!row) return null;

  const [caseworker] = row.caseworkerId
    ? await db.select({ name: users.name }).from(users).where(eq(users.id, row.caseworkerId)).limit(1)
    : [];

  // A corrected log is replaced by its correction: the participant sees the final word.
  const logs = await db
    .select({
      id: serviceLogs.id,
      on: serviceLogs.occurredOn,
      at: serviceLogs.createdAt,
      serviceCode: serviceLogs.serviceCode,
      serviceNameId: services.nameId,
      serviceNameEn: services.nameEn,
      outcome: serviceLogs.outcome,
      correctsId: serviceLogs.correctsId,
    })
    .from(serviceLogs)
    .innerJoin(services, eq(services.code, serviceLogs.serviceCode))
    .where(eq(serviceLogs.participantId, row.id))
    .orderBy(desc(serviceLogs.occurredOn), desc(serviceLogs.createdAt));
  const corrected = new Set(logs.map((l) => l.correctsId).filter(Boolean));
  const changes = await db
    .select({ id: stageChanges.id, at: stageChanges.createdAt, fromStage: stageChanges.fromStage, toStage: stageChanges.toStage })
    .from(stageChanges)
    .where(and(eq(stageChanges.participantId, row.id), ne(stageChanges.toStage, "registration")))
    .orderBy(desc(stageChanges.createdAt));

  const timeline: TimelineEntry[] = [
    ...logs
      .filter((l) => !corrected.has(l.id))
      .map(({ correctsId: _c, ...l }) => ({ kind: "service" as const, ...l })),
    ...changes.map((c) => ({ kind: "stage" as const, ...c })),
  ].sort((a, b) => sortKey(b).localeCompare(sortKey(a)));

  return {
    fullName: row.fullName,
    stage: row.stage,
    stageChangedAt: row.stageChangedAt,
    migrantStatus: row.migrantStatus,
    countryCode: row.countryCode,
    nikMasked: maskNikLast4(row.nikLast4),
    phoneMasked: row.phone ? maskPhone(row.phone) : null,
    email: row.email,
    caseworker: caseworker ?? null,
    timeline,
  };
}

function sortKey(entry: TimelineEntry): string {
  return entry.kind === "service" ? `${entry.on}T${entry.at.toISOString().slice(11)}` : entry.at.toISOString();
}

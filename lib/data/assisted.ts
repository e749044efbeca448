import "server-only";
import { eq } from "drizzle-orm";
import { db, type Tx } from "@/db";
import { identityHash, sealKk, sealNik } from "@/lib/crypto/identity";
import { participants, stageChanges, users } from "@/db/schema";
import { CONSENT_VERSION, type RegistrationData } from "@/lib/validation/registration";
import { createActivationCode, type IssuedCode } from "./activation";
import { recordAudit } from "./audit";
import { isUniqueViolation, pgErrorInfo } from "./db-errors";
import { auditView, conflicts, constraintToFieldErrors, type FieldErrors } from "./participants";
import { requirePermission, type SessionUser } from "./permissions";

export type AssistedResult =
  | { ok: true; userId: string; participantId: string; repeated: false; activation: IssuedCode }
  // The same form posted again: its participant, and no new code (the first answer
  // showed it; the participant's page issues another).
  | { ok: true; userId: string; participantId: string; repeated: true; activation: null }
  | { ok: false; fieldErrors: FieldErrors };

/** The registration this form already made, if the caseworker submitted it before. */
async function findSubmission(
  tx: Tx | typeof db,
  viewer: SessionUser,
  data: RegistrationData,
): Promise<AssistedResult | null> {
  const [earlier] = await tx
    .select({
      id: participants.id,
      userId: participants.userId,
      nikHash: participants.nikHash,
      source: participants.source,
      caseworkerId: participants.caseworkerId,
    })
    .from(participants)
    .where(eq(participants.submissionId, data.submissionId))
    .limit(1);
  if (!earlier) return null;
  if (earlier.userId && earlier.nikHash === identityHash(data.nik) && earlier.source === "assisted" && earlier.caseworkerId === viewer.id) {
    return { ok: true, userId: earlier.userId, participantId: earlier.id, repeated: true, activation: null };
  }
  // The same form id with a different person, or somebody else's form: ask for a fresh form.
  return { ok: false, fieldErrors: { form: ["form.error"] } };
}

/**
 * Assisted registration at /caseworker/register: a caseworker registers a worker, who
 * gets no password but a one-time activation code to set one. In one transaction: the
 * user, the participant (assigned to this caseworker, consent collected by them), the
 * first stage, the code, and the audit events. Same checks as self-registration.
 */
export async function registerAssisted(viewer: SessionUser, data: RegistrationData): Promise<AssistedResult> {
  requirePermission(viewer, "create:participant:assisted");
  const earlier = await findSubmission(db, viewer, data);
  if (earlier) return earlier;

  try {
    return await db.transaction(async (tx): Promise<AssistedResult> => {
      const repeated = await findSubmission(tx, viewer, data);
      if (repeated) return repeated;
      const fieldErrors = await conflicts(tx, data);
      if (Object.keys(fieldErrors).length > 0) {
        // A double submit whose first half committed a moment ago conflicts with itself:
        // each statement sees the latest commits, so look for it again before refusing.
        return (await findSubmission(tx, viewer, data)) ?? { ok: false, fieldErrors };
      }

      const [user] = await tx
        .insert(users)
        .values({ role: "participant", name: data.fullName, email: data.email, phone: data.phone, passwordHash: null })
        .returning({ id: users.id });
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
          caseworkerId: viewer.id,
          source: "assisted",
          consentAt: new Date(),
          consentVersion: CONSENT_VERSION,
          consentCollectedBy: viewer.id,
          submissionId: data.submissionId,
        })
        .returning({ id: participants.id });
      await tx.insert(stageChanges).values({
        participantId: participant.id,
        fromStage: null,
        toStage: "registration",
        changedBy: viewer.id,
      });
      const activation = await createActivationCode(tx, { userId: user.id, createdBy: viewer.id });
      await recordAudit(tx, {
        actor: viewer,
        action: "participant.register",
        entityType: "participant",
        entityId: participant.id,
        after: {
          ...auditView(data),
          source: "assisted",
          caseworkerId: viewer.id,
          consentVersion: CONSENT_VERSION,
          consentCollectedBy: viewer.id,
        },
      });
      await recordAudit(tx, {
        actor: viewer,
        action: "activation_code.issue",
        entityType: "user",
        entityId: user.id,
        after: { participantId: participant.id, expiresAt: activation.expiresAt.toISOString() },
      });
      return { ok: true, userId: user.id, participantId: participant.id, repeated: false, activation };
    });
  } catch (error) {
    // A second submit racing the first trips a unique index (submission id, NIK, phone):
    // if the first one has committed by now, this is the same registration.
    if (isUniqueViolation(pgErrorInfo(error))) {
      const repeated = await findSubmission(db, viewer, data);
      if (repeated) return repeated;
    }
    const fieldErrors = constraintToFieldErrors(error);
    if (fieldErrors) return { ok: false, fieldErrors };
    throw error;
  }
}

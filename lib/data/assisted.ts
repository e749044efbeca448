import "server-only";
import { db } from "@/db";
import type { RegistrationData } from "@/lib/validation/registration";
import { createActivationCode, sendActivationCode, type IssuedCode } from "./activation";
import { recordAudit } from "./audit";
import { storeRegistration, withRaceAnswers, type FieldErrors, type RegisterResult } from "./participants";
import { requirePermission, type SessionUser } from "./permissions";

export type AssistedResult =
  | { ok: true; userId: string; participantId: string; repeated: false; activation: IssuedCode }
  // The same form posted again: its participant, and no new code (the first answer
  // showed it; the participant's page issues another).
  | { ok: true; userId: string; participantId: string; repeated: true; activation: null }
  | { ok: false; fieldErrors: FieldErrors };

/**
 * Assisted registration at /caseworker/register: a caseworker registers a worker, who
 * gets no password but a one-time activation code to set one. In one transaction: the
 * user, the participant (assigned to this caseworker, consent collected by them), the
 * first stage, the code, and the audit events. Same checks as self-registration.
 */
export async function registerAssisted(viewer: SessionUser, data: RegistrationData): Promise<AssistedResult> {
  requirePermission(viewer, "create:participant:assisted");
  const reg = { data, source: "assisted" as const, actor: viewer };
  // The same form posted again: its participant, and no new code (the first answer showed
  // it; the participant's page issues another).
  const answer = (r: RegisterResult): AssistedResult => (r.ok ? { ...r, repeated: true, activation: null } : r);

  const result = await withRaceAnswers(reg, () =>
    db.transaction(async (tx): Promise<AssistedResult> => {
      const stored = await storeRegistration(tx, { ...reg, passwordHash: null });
      if (!stored.ok || stored.repeated) return answer(stored);
      const activation = await createActivationCode(tx, { userId: stored.userId, createdBy: viewer.id });
      await sendActivationCode(tx, stored.participantId, activation);
      await recordAudit(tx, {
        actor: viewer,
        action: "activation_code.issue",
        entityType: "user",
        entityId: stored.userId,
        after: { participantId: stored.participantId, expiresAt: activation.expiresAt.toISOString() },
      });
      return { ok: true, userId: stored.userId, participantId: stored.participantId, repeated: false, activation };
    }),
  );
  return "activation" in result || !result.ok ? result : answer(result);
}

import "server-only";
import { authSecret } from "@/lib/auth/secret";
import { createHmac, randomInt } from "node:crypto";
import { and, count, desc, eq, gt, gte, inArray, isNull, sql } from "drizzle-orm";
import { notFound } from "next/navigation";
import { db, type Tx } from "@/db";
import { activationCodes, auditEvents, participants, users } from "@/db/schema";
import { burnPasswordCheck, hashPassword } from "@/lib/auth/password";
import { checkConsent, checkPassword, normalizeEmail, normalizePhone, type ValidationKey } from "@/lib/validation";
import { CONSENT_VERSION } from "@/lib/validation/registration";
import { recordAudit } from "./audit";
import { queueMessage } from "./outbox";
import { requirePermission, type SessionUser } from "./permissions";
import { ipKey, lockedUntil, recordFailure } from "./throttle";

// One-time activation codes. A caseworker gives one to a worker they registered (or to
// one who forgot their password), the PMO to a caseworker whose account it made; the
// person sets a password with it at /activate.
// Only the SHA-256 of the normalised code is stored: the code itself is shown once.

/** No 0/O, 1/I/L: a code read aloud or copied from a small screen is not misread. */
export const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export const CODE_LENGTH = 8;
export const CODE_LIFETIME_HOURS = 24;
/**
 * Wrong codes tried for one account before its outstanding code stops working (the
 * caseworker then issues a new one). 31^8 codes make guessing hopeless anyway; this
 * keeps a patient attacker who knows a worker's phone number from trying for a day.
 */
export const MAX_FAILED_ACTIVATIONS = 10;

export type IssuedCode = { code: string; expiresAt: Date };

/** Upper case, without the spaces and dashes people type or copy ("k7qm 4xpd" → "K7QM4XPD"). */
export function normalizeCode(input: string): string {
  return String(input ?? "")
    .normalize("NFKC")
    .toUpperCase()
    .replace(/[\s\-\u2010-\u2015]/g, "");
}

/** "K7QM4XPD" → "K7QM-4XPD": how the code is shown. */
export function formatCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

export function hashCode(normalized: string): string {
  // Keyed with the server's secret: a copy of the database alone is not enough to try
  // all 32^8 codes offline. Rotating AUTH_SECRET voids the codes not yet used (24 h at most).
  return createHmac("sha256", authSecret() ?? "pendamping-activation").update(normalized, "utf8").digest("hex");
}

const CODE_PATTERN = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);

function randomCode(): string {
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/**
 * Makes a new code for a user inside the caller's transaction and revokes the user's
 * earlier unused codes: only the newest code works. Returns the code as shown
 * ("XXXX-XXXX"); the caller writes the audit event.
 */
export async function createActivationCode(
  tx: Tx,
  { userId, createdBy }: { userId: string; createdBy: string },
): Promise<IssuedCode> {
  await tx
    .update(activationCodes)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(activationCodes.userId, userId), isNull(activationCodes.usedAt), isNull(activationCodes.revokedAt)));

  // code_hash is unique over every code ever made, used ones included; a clash becomes
  // likely only after about a million codes, and then another code is drawn.
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = randomCode();
    const codeHash = hashCode(code);
    const [clash] = await tx
      .select({ id: activationCodes.id })
      .from(activationCodes)
      .where(eq(activationCodes.codeHash, codeHash))
      .limit(1);
    if (clash) continue;
    const [row] = await tx
      .insert(activationCodes)
      .values({
        userId,
        codeHash,
        createdBy,
        // The database's clock decides both ends of the lifetime (several app servers).
        expiresAt: sql.raw(`now() + interval '${CODE_LIFETIME_HOURS} hours'`),
      })
      .returning({ expiresAt: activationCodes.expiresAt });
    return { code: formatCode(code), expiresAt: row.expiresAt };
  }
  throw new Error("could not draw an unused activation code");
}

/** The activation code's expiry as the message says it: "Kamis, 3 Desember 2026 pukul 14.05" (WIB). */
function expiryInJakarta(expiresAt: Date, locale: "id" | "en"): string {
  return new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "id-ID", { dateStyle: "full", timeStyle: "short", timeZone: "Asia/Jakarta" }).format(expiresAt);
}

/**
 * The worker's copy of a new activation code, in the caller's transaction: by WhatsApp
 * (the approved pmi_kode_aktivasi template) or email, as their messages go. The
 * caseworker also sees the code once, on screen; the outbox wipes it once handed over.
 */
export async function sendActivationCode(tx: Tx, participantId: string, issued: IssuedCode): Promise<void> {
  await queueMessage(tx, {
    participantId,
    kind: "activation_code",
    values: (locale) => ({ code: issued.code, time: expiryInJakarta(issued.expiresAt, locale) }),
  });
}

/**
 * A new code for a participant assigned to the caseworker (the old one stops working).
 * Any other participant — unassigned, someone else's, or no such id — is a 404 that
 * says nothing about whether it exists, and nothing is written.
 */
export async function issueActivationCode(viewer: SessionUser, participantId: string): Promise<IssuedCode> {
  requirePermission(viewer, "update:participant:assigned");
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(participantId)) notFound();
  const issued = await db.transaction(async (tx) => {
    const [participant] = await tx
      .select({ id: participants.id, userId: participants.userId })
      .from(participants)
      .where(and(eq(participants.id, participantId), eq(participants.caseworkerId, viewer.id)))
      .limit(1);
    // A participant without an account (not expected: registration and import make one)
    // has nothing to activate.
    if (!participant?.userId) return null;
    const code = await createActivationCode(tx, { userId: participant.userId, createdBy: viewer.id });
    await sendActivationCode(tx, participant.id, code);
    await recordAudit(tx, {
      actor: viewer,
      action: "activation_code.issue",
      entityType: "user",
      entityId: participant.userId,
      after: { participantId: participant.id, expiresAt: code.expiresAt.toISOString() },
    });
    return code;
  });
  if (!issued) notFound();
  return issued;
}

export type ActivationInput = { identifier: string; code: string; password: string; consent?: boolean };

/**
 * `failed` is the one answer for every wrong identifier, code, account or state, so the
 * form tells nobody which accounts or codes exist. Field errors are only those the
 * person can fix without learning anything: the password rule, and consent once the
 * code has proved who they are.
 */
export type ActivationResult =
  | { ok: true; userId: string }
  | { ok: false; failed: true }
  | { ok: false; failed?: false; fieldErrors: Partial<Record<"password" | "consent", ValidationKey[]>> };

const FAILED = { ok: false, failed: true } as const;

function identifierCondition(identifier: string) {
  const trimmed = String(identifier ?? "").trim();
  if (trimmed.includes("@")) return eq(users.email, normalizeEmail(trimmed));
  const phone = normalizePhone(trimmed);
  return phone.ok ? eq(users.phone, phone.e164) : null;
}

class CodeTaken extends Error {}

/**
 * /activate: a worker (or a new caseworker) with a one-time code sets their password.
 * Anyone may call it. In one transaction: the password is set, the code is used up,
 * every earlier session ends (session version), and a worker's consent is recorded if
 * it was still pending.
 */
export async function activateAccount(input: ActivationInput & { ip?: string | null }): Promise<ActivationResult> {
  const passwordErrors = checkPassword(input.password);
  if (passwordErrors.length > 0) return { ok: false, fieldErrors: { password: passwordErrors } };

  // Code guessing is also counted per IP address, in the database (every instance sees
  // it), with the sign-in throttle's growing locks; per account, ten failures void a code.
  const ipKeys = input.ip ? [ipKey(input.ip)] : [];
  if (await lockedUntil(ipKeys)) {
    await burnPasswordCheck(input.password);
    return FAILED;
  }

  const fail = async (userId?: string): Promise<ActivationResult> => {
    // A wrong try costs the same hashing time as a right one.
    await burnPasswordCheck(input.password);
    await recordFailure(ipKeys);
    if (userId) {
      await db.transaction((tx) =>
        recordAudit(tx, { actor: null, action: "auth.activation_failed", entityType: "user", entityId: userId }),
      );
    }
    return FAILED;
  };

  const condition = identifierCondition(input.identifier);
  // Workers (with their participant record), caseworkers and coordinators, whose accounts the PMO
  // makes without a password; never a PMO account, which only user:create makes.
  const [account] = condition
    ? await db
        .select({
          id: users.id,
          role: users.role,
          disabledAt: users.disabledAt,
          participantId: participants.id,
          consentAt: participants.consentAt,
        })
        .from(users)
        .leftJoin(participants, eq(participants.userId, users.id))
        .where(and(condition, inArray(users.role, ["participant", "caseworker", "coordinator"])))
        .limit(1)
    : [];
  if (!account || account.disabledAt || (account.role === "participant" && !account.participantId)) return fail();

  const code = normalizeCode(input.code);
  const [current] = await db
    .select({ id: activationCodes.id, codeHash: activationCodes.codeHash, createdAt: activationCodes.createdAt })
    .from(activationCodes)
    .where(
      and(
        eq(activationCodes.userId, account.id),
        isNull(activationCodes.usedAt),
        isNull(activationCodes.revokedAt),
        gt(activationCodes.expiresAt, sql`now()`),
      ),
    )
    .orderBy(desc(activationCodes.createdAt))
    .limit(1);
  if (!current) return fail(account.id);
  const [{ n: failures }] = await db
    .select({ n: count() })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.entityType, "user"),
        eq(auditEvents.entityId, account.id),
        eq(auditEvents.action, "auth.activation_failed"),
        gte(auditEvents.createdAt, current.createdAt),
      ),
    );
  if (failures >= MAX_FAILED_ACTIVATIONS || !CODE_PATTERN.test(code) || hashCode(code) !== current.codeHash) {
    return fail(account.id);
  }

  // Consent belongs to a worker's participant record; a caseworker has none to give.
  const consentPending = account.participantId !== null && account.consentAt === null;
  if (consentPending && checkConsent(input.consent).length > 0) {
    return { ok: false, fieldErrors: { consent: ["consent.required"] } };
  }

  const passwordHash = await hashPassword(input.password);
  try {
    await db.transaction(async (tx) => {
      // The code is used up only if it is still good at this instant: of two requests
      // racing with the same code, one wins.
      const [used] = await tx
        .update(activationCodes)
        .set({ usedAt: sql`now()` })
        .where(
          and(
            eq(activationCodes.id, current.id),
            isNull(activationCodes.usedAt),
            isNull(activationCodes.revokedAt),
            gt(activationCodes.expiresAt, sql`now()`),
          ),
        )
        .returning({ id: activationCodes.id });
      if (!used) throw new CodeTaken();
      await tx
        .update(users)
        .set({
          passwordHash,
          sessionVersion: sql`${users.sessionVersion} + 1`,
          failedLogins: 0,
          lockedUntil: null,
          updatedAt: new Date(),
        })
        .where(eq(users.id, account.id));
      let consentRecorded = false;
      if (consentPending && account.participantId) {
        const recorded = await tx
          .update(participants)
          .set({ consentAt: new Date(), consentVersion: CONSENT_VERSION, consentCollectedBy: account.id, updatedAt: new Date() })
          .where(and(eq(participants.id, account.participantId), isNull(participants.consentAt)))
          .returning({ id: participants.id });
        consentRecorded = recorded.length > 0;
      }
      await recordAudit(tx, {
        actor: { id: account.id, role: account.role },
        action: "auth.activate",
        entityType: "user",
        entityId: account.id,
        after: consentRecorded ? { consentVersion: CONSENT_VERSION } : null,
      });
    });
  } catch (error) {
    if (error instanceof CodeTaken) return FAILED;
    throw error;
  }
  return { ok: true, userId: account.id };
}

/** How long a spent code is kept (the participant's data download lists it). */
export const SPENT_CODE_DAYS = 7;

/**
 * Codes used, revoked or expired more than SPENT_CODE_DAYS ago are deleted: the cleanup
 * job; the system acts. The audit log keeps who issued and used each. Returns how many went.
 */
export async function deleteSpentActivationCodes(now = new Date()): Promise<number> {
  const before = sql`${now.toISOString()}::timestamptz - make_interval(days => ${SPENT_CODE_DAYS})`;
  const gone = await db
    .delete(activationCodes)
    .where(
      sql`coalesce(${activationCodes.usedAt}, ${activationCodes.revokedAt}, ${activationCodes.expiresAt}) < ${before}
          or ${activationCodes.expiresAt} < ${before}`,
    )
    .returning({ id: activationCodes.id });
  return gone.length;
}

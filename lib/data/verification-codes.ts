import "server-only";
import { createHmac, randomInt } from "node:crypto";
import { and, count, desc, eq, gt, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { notFound } from "next/navigation";
import { db, type Tx } from "@/db";
import { participants, users, verificationCodes, type CodePurpose, type MessageChannel } from "@/db/schema";
import { authSecret } from "@/lib/auth/secret";
import { burnPasswordCheck, hashPassword } from "@/lib/auth/password";
import { PHONE_CODE_MINUTES } from "@/lib/channels/templates";
import { checkPassword, maskPhone, normalizeEmail, normalizePhone, type ValidationKey } from "@/lib/validation";
import { recordAudit } from "./audit";
import { configuredChannels, maskEmail, queueMessage } from "./outbox";
import { requirePermission, type SessionUser } from "./permissions";
import { ipKey, lockedUntil, recordFailure, resetRequestIpKey } from "./throttle";

// Six-digit codes sent to a person, for two things:
//   phone_confirmation  proves that the phone number is theirs: sent over WhatsApp, typed
//                       in on /me, or on the case file by the caseworker sitting with them
//                       who reads it from their phone; the account then carries
//                       phone_confirmed_at (cleared when the number changes);
//   password_reset      /login's "forgot password": sent to a confirmed phone (WhatsApp)
//                       or to the email address; a new password with it ends every session.
// A code works for 10 minutes, once; only an HMAC of it (keyed with AUTH_SECRET, and
// naming the account and the purpose) is stored, so a copy of the database cannot be
// tried offline. Five wrong tries void it; every wrong try also counts against the
// address like a failed sign-in. A new code voids the one before; at most one a minute
// and five an hour go to one account, so nobody can flood a phone with them.

export const CODE_DIGITS = 6;
export const CODE_MINUTES = PHONE_CODE_MINUTES;
export const MAX_CODE_TRIES = 5;
export const RESEND_SECONDS = 60;
export const CODES_PER_HOUR = 5;

const CODE_PATTERN = /^\d{6}$/;

/** What people type: full-width digits, spaces and dashes ("493 817") are read as digits. */
export function normalizeDigits(input: string): string {
  return String(input ?? "")
    .normalize("NFKC")
    .replace(/[\s\-\u2010-\u2015]/g, "");
}

function hashOf(purpose: CodePurpose, userId: string, code: string): string {
  return createHmac("sha256", authSecret() ?? "pendamping-verification").update(`${purpose}:${userId}:${code}`, "utf8").digest("hex");
}

function drawCode(): string {
  return String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, "0");
}

type Issued = { ok: true; code: string } | { ok: false; reason: "tooSoon" | "tooMany" };

/**
 * A new code for an account, inside the caller's transaction: the account's row is locked
 * so that two requests at once make one code, the earlier live codes of that purpose are
 * revoked, and the resend limits are kept.
 */
async function issueCode(
  tx: Tx,
  input: { userId: string; purpose: CodePurpose; destination: string; requestedBy: string | null },
): Promise<Issued> {
  await tx.select({ id: users.id }).from(users).where(eq(users.id, input.userId)).for("update");
  const [recent] = await tx
    .select({
      n: count(),
      newest: sql<boolean>`coalesce(max(${verificationCodes.createdAt}) > now() - make_interval(secs => ${RESEND_SECONDS}), false)`,
    })
    .from(verificationCodes)
    .where(
      and(
        eq(verificationCodes.userId, input.userId),
        eq(verificationCodes.purpose, input.purpose),
        gt(verificationCodes.createdAt, sql`now() - interval '1 hour'`),
      ),
    );
  if (recent.newest) return { ok: false, reason: "tooSoon" };
  if (recent.n >= CODES_PER_HOUR) return { ok: false, reason: "tooMany" };
  await tx
    .update(verificationCodes)
    .set({ revokedAt: sql`now()` })
    .where(
      and(
        eq(verificationCodes.userId, input.userId),
        eq(verificationCodes.purpose, input.purpose),
        isNull(verificationCodes.usedAt),
        isNull(verificationCodes.revokedAt),
      ),
    );
  const code = drawCode();
  await tx.insert(verificationCodes).values({
    userId: input.userId,
    purpose: input.purpose,
    destination: input.destination,
    codeHash: hashOf(input.purpose, input.userId, code),
    requestedBy: input.requestedBy,
    // The database's clock decides both ends of the lifetime (several app servers).
    expiresAt: sql.raw(`now() + interval '${CODE_MINUTES} minutes'`),
  });
  return { ok: true, code };
}

/**
 * Uses up the account's live code of that purpose if `code` is it, inside the caller's
 * transaction. A wrong code counts a try (the fifth voids it). Returns where the code was
 * sent, or null for every kind of failure (none live, expired, wrong, voided).
 */
async function useCode(tx: Tx, userId: string, purpose: CodePurpose, typed: string): Promise<{ destination: string } | null> {
  const [live] = await tx
    .select()
    .from(verificationCodes)
    .where(
      and(
        eq(verificationCodes.userId, userId),
        eq(verificationCodes.purpose, purpose),
        isNull(verificationCodes.usedAt),
        isNull(verificationCodes.revokedAt),
        gt(verificationCodes.expiresAt, sql`now()`),
        lt(verificationCodes.failedAttempts, MAX_CODE_TRIES),
      ),
    )
    .orderBy(desc(verificationCodes.createdAt))
    .limit(1)
    .for("update");
  if (!live) return null;
  const code = normalizeDigits(typed);
  if (!CODE_PATTERN.test(code) || hashOf(purpose, userId, code) !== live.codeHash) {
    await tx
      .update(verificationCodes)
      .set({ failedAttempts: sql`${verificationCodes.failedAttempts} + 1` })
      .where(eq(verificationCodes.id, live.id));
    return null;
  }
  await tx.update(verificationCodes).set({ usedAt: sql`now()` }).where(eq(verificationCodes.id, live.id));
  return { destination: live.destination };
}

// ---------------------------------------------------------------------------------------
// Confirming a phone number
// ---------------------------------------------------------------------------------------

export type PhoneCodeError =
  | "phoneCode.noPhone"
  | "phoneCode.confirmed"
  | "phoneCode.unavailable"
  | "phoneCode.optedOut"
  | "phoneCode.unreachable"
  | "phoneCode.tooSoon"
  | "phoneCode.tooMany";

export type PhoneStatus = {
  participantId: string;
  phoneMasked: string | null;
  confirmedAt: Date | null;
  /** A code can go to this phone now: WhatsApp is configured and the number can receive it. */
  canSend: boolean;
  /** Why not, when it cannot. */
  blockedBy: PhoneCodeError | null;
  /** A code was sent in the last 10 minutes and is still waiting to be typed in. */
  codePending: boolean;
};

type Target = {
  participantId: string;
  userId: string;
  phone: string | null;
  confirmedAt: Date | null;
  optedOut: boolean;
  unreachable: boolean;
};

/**
 * The participant whose phone is being confirmed: the viewer's own record (a participant),
 * or one assigned to the viewer (a caseworker with the worker beside them). Anyone else,
 * and any other participant, is a 404 that writes nothing.
 */
async function phoneTarget(tx: Tx | typeof db, viewer: SessionUser, participantId: string): Promise<Target> {
  if (viewer.role === "participant") requirePermission(viewer, "update:participant:own");
  else requirePermission(viewer, "update:participant:assigned");
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(participantId)) notFound();
  const scope = viewer.role === "participant" ? eq(participants.userId, viewer.id) : eq(participants.caseworkerId, viewer.id);
  const [row] = await tx
    .select({
      participantId: participants.id,
      userId: users.id,
      phone: users.phone,
      confirmedAt: users.phoneConfirmedAt,
      optedOut: sql<boolean>`${users.whatsappOptedOutAt} is not null`,
      unreachable: sql<boolean>`${users.whatsappUnreachableAt} is not null`,
    })
    .from(participants)
    .innerJoin(users, eq(users.id, participants.userId))
    .where(and(eq(participants.id, participantId), scope, isNull(participants.erasedAt)))
    .limit(1);
  if (!row) notFound();
  return row;
}

function blockedBy(t: Target): PhoneCodeError | null {
  if (!t.phone) return "phoneCode.noPhone";
  if (t.confirmedAt) return "phoneCode.confirmed";
  if (t.optedOut) return "phoneCode.optedOut";
  if (t.unreachable) return "phoneCode.unreachable";
  if (!configuredChannels().whatsapp) return "phoneCode.unavailable";
  return null;
}

/** Whether the participant's phone is confirmed, and whether a code can be sent to it now. */
export async function getPhoneStatus(viewer: SessionUser, participantId: string): Promise<PhoneStatus> {
  const t = await phoneTarget(db, viewer, participantId);
  const [pending] = await db
    .select({ n: count() })
    .from(verificationCodes)
    .where(
      and(
        eq(verificationCodes.userId, t.userId),
        eq(verificationCodes.purpose, "phone_confirmation"),
        isNull(verificationCodes.usedAt),
        isNull(verificationCodes.revokedAt),
        gt(verificationCodes.expiresAt, sql`now()`),
        lt(verificationCodes.failedAttempts, MAX_CODE_TRIES),
      ),
    );
  const why = blockedBy(t);
  return {
    participantId: t.participantId,
    phoneMasked: t.phone ? maskPhone(t.phone) : null,
    confirmedAt: t.confirmedAt,
    canSend: why === null,
    blockedBy: why,
    codePending: pending.n > 0 && !t.confirmedAt,
  };
}

/**
 * Sends a confirmation code to the participant's phone over WhatsApp (the one channel that
 * proves the number), as the participant or as their caseworker. Audited; the code itself
 * is never shown to the sender nor written anywhere but the message.
 */
export async function sendPhoneConfirmation(
  viewer: SessionUser,
  participantId: string,
): Promise<{ ok: true; sentTo: string } | { ok: false; error: PhoneCodeError }> {
  return db.transaction(async (tx) => {
    const t = await phoneTarget(tx, viewer, participantId);
    const why = blockedBy(t);
    if (why) return { ok: false, error: why };
    const issued = await issueCode(tx, { userId: t.userId, purpose: "phone_confirmation", destination: t.phone!, requestedBy: viewer.id });
    if (!issued.ok) return { ok: false, error: issued.reason === "tooSoon" ? "phoneCode.tooSoon" : "phoneCode.tooMany" };
    await queueMessage(tx, {
      participantId: t.participantId,
      kind: "phone_confirmation",
      to: { channel: "whatsapp", recipient: t.phone! },
      values: () => ({ code: issued.code, minutes: CODE_MINUTES }),
    });
    await recordAudit(tx, {
      actor: viewer,
      action: "phone.confirmation_sent",
      entityType: "participant",
      entityId: t.participantId,
      after: { phone: maskPhone(t.phone!), by: viewer.role },
    });
    return { ok: true, sentTo: maskPhone(t.phone!) };
  });
}

export type ConfirmResult = { ok: true } | { ok: false; fieldErrors: { code: ValidationKey[] } };

/**
 * The code typed in (by the participant, or by the caseworker reading it from the worker's
 * phone): the phone is confirmed if the code is the live one and was sent to the number
 * the account has now. Every failure is one answer; wrong tries are counted on the code
 * (five void it) and on the address, like failed sign-ins.
 */
export async function confirmPhone(
  viewer: SessionUser,
  input: { participantId: string; code: string },
  ip: string | null = null,
): Promise<ConfirmResult> {
  const ipKeys = ip ? [ipKey(ip)] : [];
  // Checked first, so that a 404 is a 404 even for a locked address.
  await phoneTarget(db, viewer, input.participantId);
  if (await lockedUntil(ipKeys)) return { ok: false, fieldErrors: { code: ["phoneCode.locked"] } };
  const confirmed = await db.transaction(async (tx) => {
    const t = await phoneTarget(tx, viewer, input.participantId);
    // A second submit of the form that confirmed it: nothing more to do.
    if (t.confirmedAt) return "already";
    const used = t.phone ? await useCode(tx, t.userId, "phone_confirmation", input.code) : null;
    if (!used || used.destination !== t.phone) {
      await recordAudit(tx, { actor: viewer, action: "phone.confirmation_failed", entityType: "participant", entityId: t.participantId });
      return false;
    }
    await tx.update(users).set({ phoneConfirmedAt: sql`now()`, updatedAt: new Date() }).where(eq(users.id, t.userId));
    await recordAudit(tx, {
      actor: viewer,
      action: "phone.confirmed",
      entityType: "participant",
      entityId: t.participantId,
      after: { phone: maskPhone(t.phone!), by: viewer.role },
    });
    return true;
  });
  if (confirmed === true || confirmed === "already") return { ok: true };
  await recordFailure(ipKeys);
  return { ok: false, fieldErrors: { code: ["phoneCode.wrong"] } };
}

// ---------------------------------------------------------------------------------------
// Forgotten password
// ---------------------------------------------------------------------------------------

type ResetAccount = {
  id: string;
  role: "participant" | "caseworker";
  email: string | null;
  phone: string | null;
  phoneConfirmed: boolean;
  whatsappBlocked: boolean;
};

function identifierCondition(identifier: string) {
  const trimmed = String(identifier ?? "").trim();
  if (!trimmed || trimmed.length > 254) return null;
  if (trimmed.includes("@")) return { channel: "email" as const, where: eq(users.email, normalizeEmail(trimmed)) };
  const phone = normalizePhone(trimmed);
  return phone.ok ? { channel: "whatsapp" as const, where: eq(users.phone, phone.e164) } : null;
}

/**
 * The account a reset is for: a worker with their (not erased) record, or a caseworker;
 * never a disabled account, and never a PMO account, which `npm run user:create` and the
 * server's operator look after.
 */
async function resetAccount(identifier: string): Promise<{ account: ResetAccount | null; typed: MessageChannel | null }> {
  const cond = identifierCondition(identifier);
  if (!cond) return { account: null, typed: null };
  const [row] = await db
    .select({
      id: users.id,
      role: users.role,
      email: users.email,
      phone: users.phone,
      phoneConfirmed: sql<boolean>`${users.phoneConfirmedAt} is not null`,
      whatsappBlocked: sql<boolean>`(${users.whatsappOptedOutAt} is not null or ${users.whatsappUnreachableAt} is not null)`,
      participantId: participants.id,
      erasedAt: participants.erasedAt,
    })
    .from(users)
    .leftJoin(participants, eq(participants.userId, users.id))
    .where(and(cond.where, inArray(users.role, ["participant", "caseworker"]), isNull(users.disabledAt)))
    .limit(1);
  if (!row || (row.role === "participant" && (!row.participantId || row.erasedAt))) return { account: null, typed: cond.channel };
  return { account: { ...row, role: row.role as ResetAccount["role"] }, typed: cond.channel };
}

/**
 * Where a reset code may go: a confirmed phone that can receive WhatsApp, or the email
 * address; the kind the person typed first, then the other; only a channel this
 * deployment can send on. Null: nowhere (nothing is sent; the answer is the same).
 */
export function resetDestination(account: ResetAccount, typed: MessageChannel, configured: Record<MessageChannel, boolean>) {
  const can = {
    whatsapp: configured.whatsapp && Boolean(account.phone) && account.phoneConfirmed && !account.whatsappBlocked,
    email: configured.email && Boolean(account.email),
  };
  const order: MessageChannel[] = typed === "whatsapp" ? ["whatsapp", "email"] : ["email", "whatsapp"];
  const channel = order.find((c) => can[c]);
  if (!channel) return null;
  return { channel, recipient: (channel === "email" ? account.email : account.phone)! };
}

/**
 * /login's "forgot password", first step: a code to the account's confirmed phone or its
 * email, if there is such an account and somewhere to send it. Anyone may call it; it
 * answers nothing, so that it tells nobody whether an account exists. Requests are
 * counted per address (a flood is refused quietly) and per account (one a minute, five
 * an hour).
 */
export async function requestPasswordReset(input: { identifier: string; ip?: string | null }): Promise<void> {
  const ipKeys = input.ip ? [resetRequestIpKey(input.ip)] : [];
  if (await lockedUntil(ipKeys)) return;
  await recordFailure(ipKeys);
  const { account, typed } = await resetAccount(input.identifier);
  if (!account || !typed) return;
  const to = resetDestination(account, typed, configuredChannels());
  await db.transaction(async (tx) => {
    if (!to) {
      await recordAudit(tx, { actor: null, action: "auth.password_reset_unavailable", entityType: "user", entityId: account.id });
      return;
    }
    const issued = await issueCode(tx, { userId: account.id, purpose: "password_reset", destination: to.recipient, requestedBy: null });
    if (!issued.ok) return;
    await queueMessage(tx, {
      userId: account.id,
      kind: "password_reset",
      to,
      values: () => ({ code: issued.code, minutes: CODE_MINUTES }),
    });
    await recordAudit(tx, {
      actor: null,
      action: "auth.password_reset_requested",
      entityType: "user",
      entityId: account.id,
      after: { channel: to.channel, to: to.channel === "email" ? maskEmail(to.recipient) : maskPhone(to.recipient) },
    });
  });
}

export type ResetResult =
  | { ok: true; userId: string }
  | { ok: false; failed: true }
  | { ok: false; failed?: false; fieldErrors: { password: ValidationKey[] } };

const FAILED = { ok: false, failed: true } as const;

/**
 * Second step: the code and a new password. In one transaction the code is used up, the
 * password set, the lock-out cleared and the session version moved on, which ends every
 * session of the account; audited. One answer for every failure; each costs the time of
 * a password hash, and counts against the address like a failed sign-in.
 */
export async function resetPasswordWithCode(input: {
  identifier: string;
  code: string;
  password: string;
  ip?: string | null;
}): Promise<ResetResult> {
  const passwordErrors = checkPassword(input.password);
  if (passwordErrors.length > 0) return { ok: false, fieldErrors: { password: passwordErrors } };
  const ipKeys = input.ip ? [ipKey(input.ip)] : [];
  const fail = async (): Promise<ResetResult> => {
    await recordFailure(ipKeys);
    return FAILED;
  };
  if (await lockedUntil(ipKeys)) {
    await burnPasswordCheck(input.password);
    return FAILED;
  }
  const { account } = await resetAccount(input.identifier);
  if (!account) {
    await burnPasswordCheck(input.password);
    return fail();
  }
  const passwordHash = await hashPassword(input.password);
  const done = await db.transaction(async (tx) => {
    const used = await useCode(tx, account.id, "password_reset", input.code);
    if (!used) {
      await recordAudit(tx, { actor: null, action: "auth.password_reset_failed", entityType: "user", entityId: account.id });
      return false;
    }
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
    await recordAudit(tx, {
      actor: { id: account.id, role: account.role },
      action: "auth.password_reset",
      entityType: "user",
      entityId: account.id,
      after: { sessionsEnded: true, codeSentTo: used.destination.includes("@") ? maskEmail(used.destination) : maskPhone(used.destination) },
    });
    return true;
  });
  return done ? { ok: true, userId: account.id } : fail();
}

/** Codes expired or used more than a day ago are deleted (the cleanup job). Returns how many went. */
export async function deleteSpentVerificationCodes(now = new Date()): Promise<number> {
  const before = sql`${now.toISOString()}::timestamptz - interval '1 day'`;
  const gone = await db
    .delete(verificationCodes)
    .where(or(lt(verificationCodes.expiresAt, before), lt(verificationCodes.usedAt, before), lt(verificationCodes.revokedAt, before)))
    .returning({ id: verificationCodes.id });
  return gone.length;
}

import "server-only";
import { and, eq, isNull, sql, type SQL } from "drizzle-orm";
import { db, executeRows } from "@/db";
import { users, type Role } from "@/db/schema";
import { burnPasswordCheck, hashPassword, verifyPassword } from "@/lib/auth/password";
import { makeSignInTicket, openSignInTicket } from "@/lib/crypto/sign-in-ticket";
import { hasControlCharacters, normalizeEmail } from "@/lib/validation/common";
import { normalizePhone } from "@/lib/validation/phone";
import { maskPhone } from "@/lib/validation/phone";
import { recordAudit } from "./audit";
import { maskEmail } from "./outbox";
import type { ValidationKey } from "@/lib/validation/keys";
import type { PasswordChangeInput } from "@/lib/validation/password-change";
import { requirePermission, type SessionUser } from "./permissions";
import { clearFailures, identifierKey, ipKey, lockedUntil, recordFailure, throttleState } from "./throttle";

/**
 * The account an identifier names, as a condition; null when it names none for sure. No
 * email or phone holds a control character (and PostgreSQL refuses NUL in text): such an
 * identifier, posted straight to the sign-in endpoint, fails as an unknown account does.
 */
function lookupCondition(identifier: string) {
  const trimmed = identifier.trim();
  if (hasControlCharacters(trimmed)) return null;
  if (trimmed.includes("@")) return eq(users.email, normalizeEmail(trimmed));
  const phone = normalizePhone(trimmed);
  return phone.ok ? eq(users.phone, phone.e164) : null;
}

/**
 * Checks an email-or-phone and password. Returns null for an unknown account, a wrong
 * password or a disabled account alike, and spends the same hashing time on each.
 */
export async function authenticate(
  identifier: string,
  password: string,
): Promise<(SessionUser & { sessionVersion: number }) | null> {
  const result = await checkCredentials(identifier, password);
  return "user" in result ? result.user : null;
}

type CredentialCheck =
  | { user: SessionUser & { sessionVersion: number } }
  /** The account the identifier named, if any (null for an unknown one). */
  | { failedAccountId: string | null };

async function checkCredentials(identifier: string, password: string): Promise<CredentialCheck> {
  const condition = lookupCondition(identifier);
  const [user] = condition ? await db.select().from(users).where(condition).limit(1) : [];
  if (!user || !user.passwordHash) {
    await burnPasswordCheck(password);
    return { failedAccountId: user?.id ?? null };
  }
  const ok = await verifyPassword(user.passwordHash, password);
  if (!ok || user.disabledAt) return { failedAccountId: user.id };
  const { user: signedIn } = await signIn(eq(users.id, user.id), null);
  return signedIn ? { user: signedIn } : { failedAccountId: user.id };
}

type SignedIn = SessionUser & { sessionVersion: number };

/**
 * The sign-in's write in one statement: last_login_at and last_seen_at move on the row the
 * condition names, and the auth.sign_in event is inserted from the updated row, so both
 * happen or neither. The user as signed in, or null when no row matched.
 *
 * With `throttle` the same statement also reads the keys' locks first, and signs in only
 * when none holds (answering the lock instead), and afterwards deletes the identifier's
 * failure count (the first key): a ticket sign-in is one round trip.
 */
async function signIn(
  condition: SQL,
  after: { via: "ticket" } | null,
  throttle?: { keys: string[] },
): Promise<{ user: SignedIn | null; lockedUntil: Date | null }> {
  const locked = throttle
    ? sql`select max(locked_until) as until from auth_throttle
          where key in (${sql.join(throttle.keys.map((k) => sql`${k}`), sql`, `)}) and locked_until > now()`
    : sql`select null::timestamptz as until`;
  const [row] = await executeRows<Partial<SignedIn> & { lockedUntil: Date | string | null }>(sql`
    with locked as (${locked}),
    signed as (
      update ${users} set last_login_at = now(), last_seen_at = now()
      where ${condition} and (select until from locked) is null
      returning id, role, name, locale, session_version
    ), audited as (
      insert into audit_events (actor_id, actor_role, action, entity_type, entity_id, after)
      select id, role, 'auth.sign_in', 'user', id::text, ${after ? JSON.stringify(after) : null}::jsonb from signed
    ), cleared as (
      delete from auth_throttle where ${throttle ? sql`key = ${throttle.keys[0]}` : sql`false`} and exists (select 1 from signed)
    )
    select (select until from locked) as "lockedUntil", s.id, s.role, s.name, s.locale, s.session_version as "sessionVersion"
    from (select 1) as one left join signed s on true`);
  const lockedUntil = row.lockedUntil ? new Date(row.lockedUntil) : null;
  if (!row.id) return { user: null, lockedUntil };
  return { user: { id: row.id, role: row.role!, name: row.name!, locale: row.locale!, sessionVersion: row.sessionVersion! }, lockedUntil };
}

// last_login_at to the microsecond, as text: a sign-in ticket is bound to it, and a JS
// Date would round it to the millisecond.
const lastLoginMicros = sql<string | null>`(floor(extract(epoch from ${users.lastLoginAt}) * 1000000))::bigint::text`;

/**
 * A sign-in ticket (lib/crypto/sign-in-ticket.ts) for an account that has just proved
 * who it is: a self-registration or an activation committed a moment ago, in the same
 * request. Whoever holds it is signed in, so it goes to signIn and nowhere else; null
 * for a disabled or unknown account.
 */
export async function issueSignInTicket(userId: string): Promise<string | null> {
  const [user] = await db
    .select({ sessionVersion: users.sessionVersion, lastLogin: lastLoginMicros })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.disabledAt)))
    .limit(1);
  return user ? makeSignInTicket({ userId, sessionVersion: user.sessionVersion, lastLogin: user.lastLogin }) : null;
}

/** The identifier as the audit log keeps it: enough to see a pattern, not to read it. */
function maskedIdentifier(identifier: string): string {
  const normal = normalizedIdentifier(identifier);
  if (hasControlCharacters(normal)) return "•••";
  if (normal.includes("@")) return maskEmail(normal);
  return /^\+\d+$/.test(normal) ? maskPhone(normal) : "•••";
}

export type SignInOutcome =
  | { status: "ok"; user: SessionUser & { sessionVersion: number } }
  | { status: "failed" }
  | { status: "locked"; until: Date };

/** The identifier as stored (lower-case email or E.164 phone), for the throttle's key. */
function normalizedIdentifier(identifier: string): string {
  const trimmed = identifier.trim();
  if (trimmed.includes("@")) return normalizeEmail(trimmed);
  const phone = normalizePhone(trimmed);
  return phone.ok ? phone.e164 : trimmed.toLowerCase();
}

/**
 * A sign-in attempt with the throttle around it: failures are counted per identifier
 * and per IP address (in the database, shared by every instance); past a few, the
 * identifier or the address is locked for a growing time. A locked attempt still spends
 * the hashing time, and known and unknown accounts are treated alike.
 */
export async function signInAttempt(identifier: string, password: string, ip: string | null): Promise<SignInOutcome> {
  return throttled(identifier, ip, {
    check: () => checkCredentials(identifier, password),
    whileLocked: () => burnPasswordCheck(password),
  });
}

/**
 * The same attempt with a sign-in ticket in place of the password (the registration and
 * activation actions, through Auth.js): a forged, expired, replayed or another account's
 * ticket fails like a wrong password, counted and audited alike. No argon2 either way,
 * so there is no hashing time to even out.
 */
export async function ticketSignInAttempt(identifier: string, ticket: string, ip: string | null): Promise<SignInOutcome> {
  const keys = throttleKeys(identifier, ip);
  const condition = lookupCondition(identifier);
  const claim = openSignInTicket(ticket);
  if (condition && claim) {
    // The UPDATE that signs in also uses the ticket up: it moves last_login_at only while
    // the row is the identifier's, still has the ticket's session version and last
    // sign-in, and is not disabled; so of two requests with one ticket, one wins. The
    // throttle's locks are read and its count cleared in the same statement.
    const { user, lockedUntil: until } = await signIn(
      and(
        eq(users.id, claim.userId),
        condition,
        eq(users.sessionVersion, claim.sessionVersion),
        isNull(users.disabledAt),
        sql`${lastLoginMicros} is not distinct from ${claim.lastLogin}`,
      )!,
      { via: "ticket" },
      { keys },
    );
    if (user) return { status: "ok", user };
    if (until) return { status: "locked", until };
  } else {
    const until = await lockedUntil(keys);
    if (until) return { status: "locked", until };
  }
  // The account is looked up apart only for the failure's audit event.
  const [account] = condition ? await db.select({ id: users.id }).from(users).where(condition).limit(1) : [];
  await recordFailedSignIn(identifier, ip, keys, account?.id ?? null, "ticket");
  return { status: "failed" };
}

const throttleKeys = (identifier: string, ip: string | null) => [
  identifierKey(normalizedIdentifier(identifier)),
  ...(ip ? [ipKey(ip)] : []),
];

/**
 * A failed sign-in, counted and audited together, for a known account and an unknown
 * identifier alike (the same writes, so the answer's timing tells nothing).
 */
async function recordFailedSignIn(identifier: string, ip: string | null, keys: string[], failedAccountId: string | null, via?: "ticket") {
  await db.transaction(async (tx) => {
    await recordFailure(keys, tx);
    await recordAudit(tx, {
      actor: null,
      action: "auth.sign_in_failed",
      entityType: "user",
      entityId: failedAccountId,
      after: { identifier: maskedIdentifier(identifier), ip, ...(via && { via }) },
    });
  });
}

async function throttled(
  identifier: string,
  ip: string | null,
  how: { check: () => Promise<CredentialCheck>; whileLocked?: () => Promise<void> },
): Promise<SignInOutcome> {
  const keys = throttleKeys(identifier, ip);
  const { lockedUntil: until, counted } = await throttleState(keys);
  if (until) {
    await how.whileLocked?.();
    return { status: "locked", until };
  }
  const result = await how.check();
  if (!("user" in result)) {
    await recordFailedSignIn(identifier, ip, keys, result.failedAccountId);
    return { status: "failed" };
  }
  // Only a count read above is cleared: most sign-ins follow no failure, and skip the write.
  // (A failure counted in the moment between stays until its window passes.)
  if (counted.has(keys[0])) await clearFailures(keys[0]);
  return { status: "ok", user: result.user };
}

export const SESSION_LIMITS = {
  // Idle: no request for this long ends the session. Absolute: from sign-in, whatever happens.
  staff: { idleMinutes: 30, absoluteHours: 12 },
  participant: { idleMinutes: 14 * 24 * 60, absoluteHours: 30 * 24 },
} as const;

/** The user behind a session, if the account is active and the session version current. */
export async function findSessionUser(
  id: string,
  sessionVersion: number,
  signedInAt?: number,
  now = Date.now(),
): Promise<SessionUser | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const [user] = await db
    .select({ id: users.id, role: users.role, name: users.name, locale: users.locale, lastSeenAt: users.lastSeenAt })
    .from(users)
    .where(and(eq(users.id, id), eq(users.sessionVersion, sessionVersion), isNull(users.disabledAt)))
    .limit(1);
  if (!user) return null;
  const limits = user.role === "participant" ? SESSION_LIMITS.participant : SESSION_LIMITS.staff;
  if (signedInAt !== undefined && now - signedInAt > limits.absoluteHours * 3_600_000) return null;
  const lastSeen = user.lastSeenAt?.getTime();
  if (lastSeen !== undefined && now - lastSeen > limits.idleMinutes * 60_000) return null;
  if (lastSeen === undefined || now - lastSeen > 60_000) {
    await db.update(users).set({ lastSeenAt: new Date(now) }).where(eq(users.id, user.id));
  }
  return { id: user.id, role: user.role, name: user.name, locale: user.locale };
}

/** Sign-out: bumping the version ends every session of this user on every device. */
export async function endAllSessions(user: Pick<SessionUser, "id" | "role">): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
      .where(eq(users.id, user.id));
    await recordAudit(tx, { actor: user, action: "auth.sign_out", entityType: "user", entityId: user.id });
  });
}

export type PasswordChangeResult = { ok: true; identifier: string } | { ok: false; fieldErrors: Record<string, ValidationKey[]> };

/**
 * Any signed-in user changes their own password, proving the current one. A wrong current
 * password counts with the sign-in throttle of the account's phone and email and is
 * audited, as a failed sign-in is; while they are locked even the right one is refused.
 * The change ends every session of the user (the session version moves on); the caller
 * signs this device in again with a ticket, for which it gets the identifier.
 */
export async function changeOwnPassword(viewer: SessionUser, input: PasswordChangeInput): Promise<PasswordChangeResult> {
  requirePermission(viewer, "update:account:own");
  const [account] = await db
    .select({ phone: users.phone, email: users.email, passwordHash: users.passwordHash })
    .from(users)
    .where(and(eq(users.id, viewer.id), isNull(users.disabledAt)));
  if (!account) return { ok: false, fieldErrors: { form: ["form.error"] } };
  const check = await checkOwnPassword(viewer, account, input.currentPassword, "auth.password_change");
  if (check === "locked") return { ok: false, fieldErrors: { currentPassword: ["currentPassword.locked"] } };
  if (check === "wrong") return { ok: false, fieldErrors: { currentPassword: ["passwordChange.currentWrong"] } };
  const passwordHash = await hashPassword(input.newPassword);
  const changed = await db.transaction(async (tx) => {
    // Only over the hash just checked: of two changes racing, the second finds it gone.
    const [row] = await tx
      .update(users)
      .set({ passwordHash, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
      .where(and(eq(users.id, viewer.id), eq(users.passwordHash, account.passwordHash!), isNull(users.disabledAt)))
      .returning({ sessionVersion: users.sessionVersion });
    if (!row) return false;
    await recordAudit(tx, {
      actor: viewer,
      action: "auth.password_change",
      entityType: "user",
      entityId: viewer.id,
      after: { sessionsEnded: true },
    });
    return true;
  });
  if (!changed) return { ok: false, fieldErrors: { form: ["record.stale"] } };
  return { ok: true, identifier: account.email ?? account.phone! };
}

/**
 * A signed-in user proves their current password before changing how they sign in (the
 * phone, the email or the password itself). Wrong guesses count with the sign-in throttle
 * of the account's own phone and email, so a borrowed, signed-in phone is no way round it,
 * and each is audited with its count, as a failed sign-in is. While those are locked even
 * the right password is refused (after as much hashing). The right one clears the counts.
 */
export async function checkOwnPassword(
  viewer: SessionUser,
  account: { phone: string | null; email: string | null; passwordHash: string | null },
  password: string,
  purpose: string,
): Promise<"ok" | "wrong" | "locked"> {
  const keys = [account.phone, account.email].filter((v): v is string => Boolean(v)).map(identifierKey);
  const { lockedUntil: until, counted } = await throttleState(keys);
  if (until) {
    await burnPasswordCheck(password);
    return "locked";
  }
  const ok = account.passwordHash ? await verifyPassword(account.passwordHash, password) : false;
  if (!ok) {
    await db.transaction(async (tx) => {
      await recordFailure(keys, tx);
      await recordAudit(tx, { actor: viewer, action: "auth.password_check_failed", entityType: "user", entityId: viewer.id, after: { purpose } });
    });
    return "wrong";
  }
  for (const key of keys) if (counted.has(key)) await clearFailures(key);
  return "ok";
}

export type NewStaffUser = { role: Exclude<Role, "participant">; email: string; name: string; password: string };

/**
 * Creates a staff account from the command line (scripts/user-create.mts): how a real
 * deployment gets its first PMO account. The actor is the system, not a person.
 */
export async function createStaffUser(input: NewStaffUser): Promise<{ id: string }> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({ role: input.role, email: normalizeEmail(input.email), name: input.name, passwordHash })
      .returning({ id: users.id });
    await recordAudit(tx, {
      actor: null,
      action: "user.create",
      entityType: "user",
      entityId: row.id,
      after: { role: input.role, email: normalizeEmail(input.email), name: input.name },
    });
    return row;
  });
}

/**
 * The columns a change of contact data writes to the account: a new number may well be on
 * WhatsApp, so what WhatsApp said of the old one goes (the caseworker's and the
 * participant's own change alike).
 */
export function contactChange(input: { phone: string; email: string | null }, now: Date) {
  return {
    phone: input.phone,
    email: input.email,
    updatedAt: now,
    whatsappUnreachableAt: sql`case when ${users.phone} is distinct from ${input.phone} then null else ${users.whatsappUnreachableAt} end`,
    // A confirmation proved the old number; a new one is confirmed afresh.
    phoneConfirmedAt: sql`case when ${users.phone} is distinct from ${input.phone} then null else ${users.phoneConfirmedAt} end`,
  };
}

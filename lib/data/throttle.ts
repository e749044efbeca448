import "server-only";
import { createHash } from "node:crypto";
import { inArray, sql } from "drizzle-orm";
import { db, type Tx } from "@/db";
import { authThrottle } from "@/db/schema";
import { identityHash } from "@/lib/crypto/identity";
import { clientAddress } from "@/lib/http/client";

// Failed attempts (sign-in, activation codes, refused self-registrations) are counted in
// PostgreSQL per identifier and per IP address, so every app instance sees the same counts. After a few free failures
// each further one locks the key for longer (30 s, 1 min, 2 min … up to an hour). Keys are
// derived from what was typed, not from the account, so an unknown account is locked
// exactly like a known one and the lock says nothing about whether the account exists.

export const THROTTLE = {
  identifier: { free: 5, baseSeconds: 30, maxSeconds: 3600 },
  ip: { free: 30, baseSeconds: 60, maxSeconds: 3600 },
  // Self-registration (registerSelf in lib/data/participants.ts) counts only the answers
  // that tell about someone else's record: a conflict (on the address and on every NIK,
  // phone and email of the form, not only the one that matched, so a lock does not tell
  // which) and a full KK (on the address). A registration that succeeds counts nothing:
  // a cyber café or a mobile network's shared address full of real workers is locked only
  // by the refusals it collects, and 20 a day is far more than real people there get.
  registerIdentifier: { free: 5, baseSeconds: 60, maxSeconds: 3600 },
  registerIp: { free: 20, baseSeconds: 60, maxSeconds: 3600 },
  // /login's "forgot password" (lib/data/verification-codes.ts) counts every request, sent
  // or not, per address: a person asks a few times, a script asking for every number
  // stops here.
  resetRequestIp: { free: 10, baseSeconds: 60, maxSeconds: 3600 },
  // Failures older than this no longer count.
  windowHours: 24,
} as const;

export const identifierKey = (normalized: string) =>
  `identifier:${createHash("sha256").update(normalized.toLowerCase()).digest("hex")}`;
export const ipKey = (ip: string) => `ip:${ip}`;
/**
 * A NIK, phone or email typed into the registration form. Keyed (DATA_HASH_KEY, as the NIK
 * column's hash, under a label of its own so the two cannot be matched): a plain hash of
 * a 16-digit NIK is soon reversed by trying them all.
 */
export const registerIdKey = (kind: "nik" | "phone" | "email", normalized: string) =>
  `register-id:${identityHash(`register:${kind}:${normalized.toLowerCase()}`)}`;
export const registerIpKey = (ip: string) => `register-ip:${ip}`;
export const resetRequestIpKey = (ip: string) => `reset-ip:${ip}`;

const policyOf = (key: string) =>
  key.startsWith("reset-ip:")
    ? THROTTLE.resetRequestIp
    : key.startsWith("register-ip:")
    ? THROTTLE.registerIp
    : key.startsWith("register-id:")
      ? THROTTLE.registerIdentifier
      : key.startsWith("ip:")
        ? THROTTLE.ip
        : THROTTLE.identifier;

/** The time until which any of the keys is locked, or null. */
export async function lockedUntil(keys: string[]): Promise<Date | null> {
  return (await throttleState(keys)).lockedUntil;
}

/** As lockedUntil, and which of the keys have failures counted (a success clears only those). */
export async function throttleState(keys: string[]): Promise<{ lockedUntil: Date | null; counted: Set<string> }> {
  if (keys.length === 0) return { lockedUntil: null, counted: new Set() };
  const rows = await db
    .select({ key: authThrottle.key, lockedUntil: authThrottle.lockedUntil })
    .from(authThrottle)
    .where(inArray(authThrottle.key, keys));
  const now = Date.now();
  const until = rows.map((r) => r.lockedUntil?.getTime() ?? 0).filter((t) => t > now);
  return { lockedUntil: until.length ? new Date(Math.max(...until)) : null, counted: new Set(rows.map((r) => r.key)) };
}

/** Counts one failure on each key and locks those past their free attempts. */
export async function recordFailure(keys: string[], tx: Tx | typeof db = db): Promise<void> {
  for (const key of keys) {
    const p = policyOf(key);
    await tx.execute(sql`
      insert into auth_throttle (key, failures, last_failure_at) values (${key}, 1, now())
      on conflict (key) do update set
        failures = case when auth_throttle.last_failure_at < now() - make_interval(hours => ${THROTTLE.windowHours})
                        then 1 else auth_throttle.failures + 1 end,
        last_failure_at = now()`);
    await tx.execute(sql`
      update auth_throttle set locked_until = now() + make_interval(secs =>
        least(${p.maxSeconds}, ${p.baseSeconds} * power(2, failures - ${p.free} - 1)))
      where key = ${key} and failures > ${p.free}`);
  }
}

/** A success clears the identifier's count (never the IP's: one good password must not reset it). */
export async function clearFailures(key: string): Promise<void> {
  await db.delete(authThrottle).where(sql`${authThrottle.key} = ${key}`);
}

/** The client's address (lib/http/client.ts decides it), or null when it cannot be told. */
export const clientIp = clientAddress;

/**
 * Counters that no longer count (their last failure is older than the window) and hold
 * no lock are deleted: the cleanup job; the system acts. Returns how many went.
 */
export async function deleteExpiredThrottleRows(now = new Date()): Promise<number> {
  const gone = await db
    .delete(authThrottle)
    .where(
      sql`${authThrottle.lastFailureAt} < ${now.toISOString()}::timestamptz - make_interval(hours => ${THROTTLE.windowHours})
          and (${authThrottle.lockedUntil} is null or ${authThrottle.lockedUntil} < ${now.toISOString()}::timestamptz)`,
    )
    .returning({ key: authThrottle.key });
  return gone.length;
}

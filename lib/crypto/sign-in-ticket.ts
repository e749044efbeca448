import "server-only";
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { authSecret } from "@/lib/auth/secret";

/**
 * A sign-in ticket lets the registration and activation actions sign in the account they
 * have just created or activated without verifying its password again: argon2 costs as
 * much as the whole rest of a registration. The ticket is made on the server after the
 * action's transaction commits and handed straight to Auth.js's Credentials authorize in
 * the same request; it never reaches the browser.
 *
 * It names the user, their session version and their last sign-in (to the microsecond),
 * lasts 30 seconds and is signed with HMAC-SHA-256 under a key derived from AUTH_SECRET.
 * Signing in moves last_login_at, so a ticket works once; a sign-out everywhere or a
 * password change (a new session version) voids it too. lib/data/users.ts checks those
 * against the users row.
 */

export const TICKET_LIFETIME_MS = 30_000;
/** Far longer than any real ticket (about 150 characters): anything longer is refused unread. */
export const MAX_TICKET_LENGTH = 512;

export type TicketClaim = {
  userId: string;
  sessionVersion: number;
  /** users.last_login_at in microseconds since the epoch, as text; null before the first sign-in. */
  lastLogin: string | null;
};

let cachedKey: Buffer | undefined;
function key(): Buffer {
  if (cachedKey) return cachedKey;
  const secret = authSecret();
  if (!secret) throw new Error("AUTH_SECRET must be set");
  cachedKey = Buffer.from(hkdfSync("sha256", secret, "pendamping-pmi", "sign-in-ticket v1", 32));
  return cachedKey;
}

const mac = (body: string) => createHmac("sha256", key()).update(body, "utf8").digest();

export function makeSignInTicket(claim: TicketClaim, now = Date.now()): string {
  const payload = { u: claim.userId, v: claim.sessionVersion, l: claim.lastLogin, e: now + TICKET_LIFETIME_MS };
  const body = Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
  return `${body}.${mac(body).toString("base64url")}`;
}

/** What a ticket claims, or null when it is forged, cut, malformed or expired. */
export function openSignInTicket(ticket: string, now = Date.now()): TicketClaim | null {
  if (typeof ticket !== "string" || ticket.length > MAX_TICKET_LENGTH) return null;
  const [body, signature, extra] = ticket.split(".");
  if (!body || !signature || extra !== undefined) return null;
  const given = Buffer.from(signature, "base64url");
  const expected = mac(body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const p = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Record<string, unknown>;
    if (typeof p.u !== "string" || !Number.isInteger(p.v) || typeof p.e !== "number") return null;
    if (p.l !== null && (typeof p.l !== "string" || !/^-?\d{1,20}$/.test(p.l))) return null;
    if (p.e < now || p.e > now + TICKET_LIFETIME_MS) return null;
    return { userId: p.u, sessionVersion: p.v as number, lastLogin: p.l };
  } catch {
    return null;
  }
}

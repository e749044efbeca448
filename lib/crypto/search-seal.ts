import "server-only";
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { authSecret } from "@/lib/auth/secret";
import { queryFields, type QueryFields } from "@/lib/validation/query";

/**
 * No personal data in URLs: a search for a name, a phone number or a NIK travels in the
 * query string as `s`, sealed (AES-256-GCM under a key derived from AUTH_SECRET), never
 * as `q` in clear. Server logs, proxies, browser history and the Referer header see an
 * opaque token. The token names the user it was made for and lasts 12 hours (a staff
 * session's absolute lifetime), so a link copied out of one session opens nothing for
 * anybody else or later. The search forms post to a server action that seals and
 * redirects, which works without JavaScript.
 */

export const SEALED_PARAM = "s";
const LIFETIME_MS = 12 * 60 * 60 * 1000;

let cachedKey: Buffer | undefined;
function key(): Buffer {
  if (cachedKey) return cachedKey;
  const secret = authSecret();
  if (!secret) throw new Error("AUTH_SECRET must be set");
  cachedKey = Buffer.from(hkdfSync("sha256", secret, "pendamping-pmi", "search-seal v1", 32));
  return cachedKey;
}

export function sealSearch(q: string, userId: string, now = Date.now()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify({ q, u: userId, e: now + LIFETIME_MS }), "utf8"), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url");
}

/** The search a token holds, or null when it is forged, expired or another user's. */
export function openSearch(token: string, userId: string, now = Date.now()): string | null {
  try {
    const raw = Buffer.from(token, "base64url");
    if (raw.length < 29 || raw.length > 2048) return null;
    const decipher = createDecipheriv("aes-256-gcm", key(), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    const text = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString("utf8");
    const payload = JSON.parse(text) as { q?: unknown; u?: unknown; e?: unknown };
    if (payload.u !== userId || typeof payload.e !== "number" || payload.e < now || typeof payload.q !== "string") return null;
    return payload.q;
  } catch {
    return null;
  }
}

/** True when a URL still carries a search in clear (an old bookmark): the page seals it and redirects. */
export function hasClearSearch(fields: QueryFields): boolean {
  return Boolean(fields.q?.trim());
}

/**
 * The query string with the sealed search opened into `q` (a clear `q` is ignored), for the
 * page's own filter parser. An invalid or expired token means no search. The search inside
 * is read like any other value of the query string.
 */
export function openSearchParams(fields: QueryFields, userId: string): QueryFields {
  const { [SEALED_PARAM]: token, q: _clear, ...rest } = fields;
  return queryFields({ ...rest, q: token ? (openSearch(token, userId) ?? undefined) : undefined });
}

/** A query string (without "?") with its `q` replaced by the sealed `s`. */
export function sealQuery(query: string, userId: string): string {
  const params = new URLSearchParams(query);
  const q = params.get("q");
  if (!q) return query;
  const sealed = new URLSearchParams();
  for (const [name, value] of params) {
    if (name === "q") sealed.set(SEALED_PARAM, sealSearch(q, userId));
    else sealed.append(name, value);
  }
  return sealed.toString();
}

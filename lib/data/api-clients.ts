import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { desc, eq, sql } from "drizzle-orm";
import { notFound } from "next/navigation";
import { db, executeRows } from "@/db";
import { apiClients, regionProvinces, regions, users, type ApiScope } from "@/db/schema";
import { todayInJakarta } from "@/lib/validation";
import type { NewApiClient } from "@/lib/validation/api-clients";
import type { ApiClientActor } from "./api-actor";
import { recordAudit } from "./audit";
import { requirePermission, type SessionUser } from "./permissions";

// Partners' API clients (docs/decisions/031-api-keys.md): the PMO makes one with scopes,
// an optional region and an expiry, and is shown its key once. The key is
// `ppmi_<prefix>_<secret>`: the prefix (public, unique) finds the row, and only the
// SHA-256 of the whole key is kept: the secret is 256 random bits, so a fast hash is
// enough (no one can try 2^256 keys), and checking a key costs one hash per request.

const PREFIX_LENGTH = 12;
const KEY = /^ppmi_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** last_used_at is written at most this often per client (a busy partner is not a write per call). */
export const LAST_USED_RESOLUTION_MS = 60_000;

export type ApiClientState = "active" | "expired" | "revoked";

export type ApiClientRow = {
  id: string;
  name: string;
  organisation: string;
  scopes: ApiScope[];
  regionId: string | null;
  regionName: string | null;
  keyPrefix: string;
  state: ApiClientState;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
  createdByName: string | null;
};

export type CreateApiClientResult =
  | { ok: true; clientId: string; key: string; keyPrefix: string }
  | { ok: false; fieldErrors: Partial<Record<"regionId" | "expiresOn", string[]>> };

function hashKey(key: string): Buffer {
  return createHash("sha256").update(key, "utf8").digest();
}

function newKey(): { key: string; prefix: string } {
  const bytes = randomBytes(PREFIX_LENGTH);
  const prefix = [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join("");
  const secret = randomBytes(32).toString("base64url");
  return { key: `ppmi_${prefix}_${secret}`, prefix };
}

/** The state a client is in at `now`. */
export function apiClientState(row: { revokedAt: Date | null; expiresAt: Date | null }, now = new Date()): ApiClientState {
  if (row.revokedAt) return "revoked";
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}

/** The moment a key given "valid until" a day stops working: the end of that day in Jakarta. */
function endOfJakartaDay(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00+07:00`) + 86_400_000);
}

/** A new client; its key is returned here and never again (only its hash is stored). */
export async function createApiClient(viewer: SessionUser, input: NewApiClient): Promise<CreateApiClientResult> {
  requirePermission(viewer, "manage:api_client:any");
  if (input.expiresOn && input.expiresOn < todayInJakarta()) return { ok: false, fieldErrors: { expiresOn: ["apiClient.expiryPast"] } };
  return db.transaction(async (tx) => {
    if (input.regionId) {
      const [region] = await tx.select({ id: regions.id }).from(regions).where(eq(regions.id, input.regionId));
      if (!region) return { ok: false as const, fieldErrors: { regionId: ["apiClient.regionUnknown"] } };
    }
    const { key, prefix } = newKey();
    const [row] = await tx
      .insert(apiClients)
      .values({
        name: input.name,
        organisation: input.organisation,
        scopes: [...input.scopes],
        regionId: input.regionId,
        keyPrefix: prefix,
        secretHash: hashKey(key).toString("hex"),
        expiresAt: input.expiresOn ? endOfJakartaDay(input.expiresOn) : null,
        createdBy: viewer.id,
      })
      .returning({ id: apiClients.id });
    await recordAudit(tx, {
      actor: viewer,
      action: "api_client.create",
      entityType: "api_client",
      entityId: row.id,
      after: { name: input.name, organisation: input.organisation, scopes: input.scopes, regionId: input.regionId, expiresOn: input.expiresOn, keyPrefix: prefix },
    });
    return { ok: true as const, clientId: row.id, key, keyPrefix: prefix };
  });
}

/** Every client, newest first, with its state and last use (never its hash). */
export async function listApiClients(viewer: SessionUser): Promise<ApiClientRow[]> {
  requirePermission(viewer, "manage:api_client:any");
  const rows = await db
    .select({
      id: apiClients.id,
      name: apiClients.name,
      organisation: apiClients.organisation,
      scopes: apiClients.scopes,
      regionId: apiClients.regionId,
      regionName: regions.name,
      keyPrefix: apiClients.keyPrefix,
      expiresAt: apiClients.expiresAt,
      revokedAt: apiClients.revokedAt,
      lastUsedAt: apiClients.lastUsedAt,
      createdAt: apiClients.createdAt,
      createdByName: users.name,
    })
    .from(apiClients)
    .leftJoin(regions, eq(regions.id, apiClients.regionId))
    .leftJoin(users, eq(users.id, apiClients.createdBy))
    .orderBy(desc(apiClients.createdAt), desc(apiClients.id));
  const now = new Date();
  return rows.map((r) => ({ ...r, scopes: [...r.scopes], state: apiClientState(r, now) }));
}

/** Revokes a client's key at once (its next call is 401). Revoking a revoked client changes nothing. */
export async function revokeApiClient(viewer: SessionUser, clientId: string): Promise<{ changed: boolean; name: string }> {
  requirePermission(viewer, "manage:api_client:any");
  if (!UUID.test(clientId)) notFound();
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(apiClients).where(eq(apiClients.id, clientId)).for("update");
    if (!row) notFound();
    if (row.revokedAt) return { changed: false, name: row.name };
    await tx.update(apiClients).set({ revokedAt: sql`now()` }).where(eq(apiClients.id, clientId));
    await recordAudit(tx, {
      actor: viewer,
      action: "api_client.revoke",
      entityType: "api_client",
      entityId: clientId,
      before: { state: apiClientState(row) },
      after: { state: "revoked" },
    });
    return { changed: true, name: row.name };
  });
}

// A hash compared when no row has the prefix, so an unknown key takes as long as a wrong one.
const DUMMY_HASH = hashKey("ppmi_unknown");

/**
 * The client a raw key belongs to, as the data layer's actor, or null for a malformed,
 * unknown, wrong, revoked or expired key. Read from the database on every call, so a
 * revocation or a region change takes effect at the next request. Notes the last use
 * (at most once a minute per client).
 */
export async function authenticateApiKey(rawKey: string): Promise<ApiClientActor | null> {
  const match = KEY.exec(rawKey);
  const given = hashKey(rawKey);
  if (!match) {
    timingSafeEqual(given, DUMMY_HASH);
    return null;
  }
  const [row] = await db.select().from(apiClients).where(eq(apiClients.keyPrefix, match[1]));
  const stored = row ? Buffer.from(row.secretHash, "hex") : DUMMY_HASH;
  const equal = stored.length === given.length && timingSafeEqual(stored, given);
  if (!row || !equal || apiClientState(row) !== "active") return null;
  const provinces = row.regionId
    ? (await db.select({ code: regionProvinces.provinceCode }).from(regionProvinces).where(eq(regionProvinces.regionId, row.regionId)))
        .map((r) => r.code)
        .sort()
    : null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await executeRows(sql`
      update api_clients set last_used_at = now()
      where id = ${row.id} and (last_used_at is null or last_used_at < now() - make_interval(secs => ${LAST_USED_RESOLUTION_MS / 1000}))`);
  }
  return { kind: "api_client", id: row.id, name: row.name, scopes: [...row.scopes], provinces };
}

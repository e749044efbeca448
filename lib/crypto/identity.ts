import "server-only";
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * NIK and KK at rest (docs/decisions/010-identity-encryption.md).
 *
 * - `<column>_enc`: AES-256-GCM, a fresh 12-byte IV per value, the column name as
 *   additional data (a KK ciphertext pasted into the NIK column does not open), written
 *   as `<key id>:<base64url(iv ‖ ciphertext ‖ tag)>` so that keys can be rotated.
 * - `<column>_hash`: HMAC-SHA-256 under DATA_HASH_KEY, hex; the unique index and the
 *   PMO's exact NIK search use it. A keyed hash, because 16-digit NIKs with a known
 *   structure are few enough to hash every one of them.
 * - `nik_last4`: the caseload's "last four digits" search, also shown when masked.
 *
 * Keys come from the environment: DATA_KEYS="<id>:<base64 32 bytes>,…" (the first one
 * encrypts, every one decrypts) and DATA_HASH_KEY="<base64 32 bytes>". The embedded demo
 * (no DATABASE_URL) makes both once in .data/identity-keys.json, as it does AUTH_SECRET.
 */

export type IdentityField = "nik" | "kk";

type Keys = { current: string; byId: Map<string, Buffer>; hash: Buffer };
let cached: Keys | undefined;

function decodeKey(text: string, name: string): Buffer {
  const key = Buffer.from(text.trim(), "base64");
  if (key.length !== 32) throw new Error(`${name}: each key must be 32 bytes, base64-encoded`);
  return key;
}

export function parseKeys(dataKeys: string, hashKey: string): Keys {
  const byId = new Map<string, Buffer>();
  let current = "";
  for (const part of dataKeys.split(",").map((p) => p.trim()).filter(Boolean)) {
    const colon = part.indexOf(":");
    const id = part.slice(0, colon);
    if (colon < 1 || !/^[A-Za-z0-9_-]{1,16}$/.test(id)) throw new Error("DATA_KEYS: write each key as <id>:<base64>");
    if (byId.has(id)) throw new Error(`DATA_KEYS: key id ${id} appears twice`);
    byId.set(id, decodeKey(part.slice(colon + 1), "DATA_KEYS"));
    current ||= id;
  }
  if (!current) throw new Error("DATA_KEYS is empty");
  return { current, byId, hash: decodeKey(hashKey, "DATA_HASH_KEY") };
}

function demoKeys(): { dataKeys: string; hashKey: string } {
  const file = path.join(process.cwd(), ".data", "identity-keys.json");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    const made = {
      dataKeys: `demo1:${randomBytes(32).toString("base64")}`,
      hashKey: randomBytes(32).toString("base64"),
    };
    try {
      writeFileSync(file, JSON.stringify(made), { mode: 0o600, flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  return JSON.parse(readFileSync(file, "utf8"));
}

function keys(): Keys {
  if (cached) return cached;
  const { DATA_KEYS, DATA_HASH_KEY, DATABASE_URL } = process.env;
  if (DATA_KEYS && DATA_HASH_KEY) return (cached = parseKeys(DATA_KEYS, DATA_HASH_KEY));
  if (DATABASE_URL) throw new Error("DATA_KEYS and DATA_HASH_KEY must be set when DATABASE_URL is (see README)");
  const demo = demoKeys();
  return (cached = parseKeys(demo.dataKeys, demo.hashKey));
}

/** For tests and the key rotation script: forget the keys read from the environment. */
export function resetIdentityKeys(): void {
  cached = undefined;
}

export function identityHash(value: string): string {
  return createHmac("sha256", keys().hash).update(value).digest("hex");
}

export function encryptIdentity(field: IdentityField, value: string): string {
  const k = keys();
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", k.byId.get(k.current)!, iv);
  cipher.setAAD(Buffer.from(field));
  const body = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
  return `${k.current}:${Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url")}`;
}

export function decryptIdentity(field: IdentityField, sealed: string): string {
  const colon = sealed.indexOf(":");
  const key = keys().byId.get(sealed.slice(0, colon));
  if (colon < 1 || !key) throw new Error(`${field}: encrypted with a key that is not in DATA_KEYS`);
  const raw = Buffer.from(sealed.slice(colon + 1), "base64url");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(field));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString("utf8");
}

/** The key id a value was encrypted with (the rotation script re-encrypts the others). */
export function keyIdOf(sealed: string): string {
  return sealed.slice(0, sealed.indexOf(":"));
}

export function currentKeyId(): string {
  return keys().current;
}

export type SealedNik = { nikEnc: string; nikHash: string; nikLast4: string };
export type SealedKk = { kkEnc: string | null; kkHash: string | null };

export function sealNik(nik: string): SealedNik {
  return { nikEnc: encryptIdentity("nik", nik), nikHash: identityHash(nik), nikLast4: nik.slice(-4) };
}

export function sealKk(kk: string | null | undefined): SealedKk {
  return kk ? { kkEnc: encryptIdentity("kk", kk), kkHash: identityHash(kk) } : { kkEnc: null, kkHash: null };
}

/** The whole NIK of a row (null once erased). */
export function openNik(row: { nikEnc: string | null }): string | null {
  return row.nikEnc ? decryptIdentity("nik", row.nikEnc) : null;
}

export function openKk(row: { kkEnc: string | null }): string | null {
  return row.kkEnc ? decryptIdentity("kk", row.kkEnc) : null;
}

import { sql } from "drizzle-orm";
import {
  currentKeyId,
  decryptIdentity,
  encryptIdentity,
  identityHash,
  keyIdOf,
  sealKk,
  sealNik,
} from "@/lib/crypto/identity";
import type { Db } from "./index";

/**
 * The NIK and KK of rows written before encryption (migration 0005), and key rotation.
 * Both walk the table in batches of `batchSize` rows along the primary key, each batch in
 * its own transaction, so a large table never sits in memory and an interrupted run
 * resumes where it stopped (a row is either all old or all new).
 */

const BATCH = 1000;

type Rows<T> = { rows?: T[] } | T[];
const rowsOf = <T>(result: Rows<T>): T[] => (Array.isArray(result) ? result : (result.rows ?? []));

/** Encrypts every participant and import row that still holds a NIK or KK in clear. Returns the count. */
export async function encryptLegacyIdentities(db: Db, batchSize = BATCH): Promise<number> {
  let done = 0;
  for (;;) {
    const n = await db.transaction(async (tx) => {
      const legacy = rowsOf(
        await tx.execute<{ id: string; nik: string | null; kk: string | null }>(sql`
          select id, nik, kk from participants where nik is not null or kk is not null
          order by id limit ${batchSize} for update`),
      );
      for (const r of legacy) {
        const nik = r.nik ? sealNik(r.nik) : null;
        const kk = r.kk ? sealKk(r.kk) : null;
        await tx.execute(sql`
          update participants set nik = null, kk = null,
            nik_enc = coalesce(${nik?.nikEnc ?? null}, nik_enc), nik_hash = coalesce(${nik?.nikHash ?? null}, nik_hash),
            nik_last4 = coalesce(${nik?.nikLast4 ?? null}, nik_last4),
            kk_enc = coalesce(${kk?.kkEnc ?? null}, kk_enc), kk_hash = coalesce(${kk?.kkHash ?? null}, kk_hash)
          where id = ${r.id}`);
      }
      if (legacy.length > 0) {
        await tx.execute(sql`
          insert into audit_events (actor_role, action, entity_type, after)
          values ('system', 'identity.encrypt_legacy', 'participant', ${JSON.stringify({ rows: legacy.length })}::jsonb)`);
      }
      return legacy.length;
    });
    done += n;
    if (n < batchSize) break;
  }

  // Import staging rows keep the NIK as the participant row will: hash in the column,
  // the sealed fields in the row's data.
  for (;;) {
    const n = await db.transaction(async (tx) => {
      const legacy = rowsOf(
        await tx.execute<{ import_id: string; line: number; nik: string }>(sql`
          select import_id, line, nik from import_rows where nik is not null
          order by import_id, line limit ${batchSize} for update`),
      );
      for (const r of legacy) {
        const sealed = sealNik(r.nik);
        await tx.execute(sql`
          update import_rows set nik = null, nik_hash = ${sealed.nikHash},
            data = case when data ? 'nik' then (data - 'nik') || ${JSON.stringify(sealed)}::jsonb
                        else coalesce(data, '{}'::jsonb) || ${JSON.stringify({ nikLast4: sealed.nikLast4 })}::jsonb end
          where import_id = ${r.import_id} and line = ${r.line}`);
      }
      return legacy.length;
    });
    if (n < batchSize) break;
  }
  return done;
}

export type RotationResult = { reencrypted: number; rehashed: number };

/**
 * Key rotation: re-encrypts every NIK and KK not under the current key (the first of
 * DATA_KEYS), and with `rehash` recomputes every keyed hash under DATA_HASH_KEY. Run it
 * after putting the new key first in DATA_KEYS on every instance; remove the old key once
 * it reports nothing left (docs/decisions/010-identity-encryption.md).
 */
export async function rotateIdentityKeys(db: Db, opts: { rehash?: boolean; batchSize?: number } = {}): Promise<RotationResult> {
  const batchSize = opts.batchSize ?? BATCH;
  const current = currentKeyId();
  const result: RotationResult = { reencrypted: 0, rehashed: 0 };
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      const found = rowsOf(
        await tx.execute<{ id: string; nik_enc: string | null; nik_hash: string | null; kk_enc: string | null; kk_hash: string | null }>(sql`
          select id, nik_enc, nik_hash, kk_enc, kk_hash from participants
          where id > ${after} and (nik_enc is not null or kk_enc is not null)
          order by id limit ${batchSize} for update`),
      );
      let reencrypted = 0;
      let rehashed = 0;
      for (const r of found) {
        const nik = r.nik_enc ? decryptIdentity("nik", r.nik_enc) : null;
        const kk = r.kk_enc ? decryptIdentity("kk", r.kk_enc) : null;
        const stale = (r.nik_enc && keyIdOf(r.nik_enc) !== current) || (r.kk_enc && keyIdOf(r.kk_enc) !== current);
        const nikHash = nik && opts.rehash ? identityHash(nik) : r.nik_hash;
        const kkHash = kk && opts.rehash ? identityHash(kk) : r.kk_hash;
        const hashMoved = nikHash !== r.nik_hash || kkHash !== r.kk_hash;
        if (!stale && !hashMoved) continue;
        await tx.execute(sql`
          update participants set
            nik_enc = ${nik && stale ? encryptIdentity("nik", nik) : r.nik_enc},
            kk_enc = ${kk && stale ? encryptIdentity("kk", kk) : r.kk_enc},
            nik_hash = ${nikHash}, kk_hash = ${kkHash}
          where id = ${r.id}`);
        if (stale) reencrypted++;
        if (hashMoved) rehashed++;
      }
      if (reencrypted + rehashed > 0) {
        await tx.execute(sql`
          insert into audit_events (actor_role, action, entity_type, after)
          values ('system', 'identity.rotate_keys', 'participant',
                  ${JSON.stringify({ key: current, reencrypted, rehashed })}::jsonb)`);
      }
      return { found, reencrypted, rehashed };
    });
    result.reencrypted += batch.reencrypted;
    result.rehashed += batch.rehashed;
    if (batch.found.length < batchSize) break;
    after = batch.found[batch.found.length - 1].id;
  }
  return result;
}

import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  decryptIdentity,
  encryptIdentity,
  identityHash,
  keyIdOf,
  parseKeys,
  resetIdentityKeys,
  sealNik,
} from "@/lib/crypto/identity";
import { listParticipantsForPmo } from "@/lib/data/pmo-participants";
import { makeKk, makeNik } from "@/lib/testing/identity";
import { db } from "./index";
import { encryptLegacyIdentities, rotateIdentityKeys } from "./identity-keys";
import { createTestUser, freshDatabase } from "./test-utils";

const rows = async <T>(query: ReturnType<typeof sql>) => {
  const result = (await db.execute(query)) as unknown as { rows?: T[] } | T[];
  return Array.isArray(result) ? result : (result.rows ?? []);
};
const key = () => randomBytes(32).toString("base64");
const original = { keys: process.env.DATA_KEYS, hash: process.env.DATA_HASH_KEY };

afterEach(() => {
  process.env.DATA_KEYS = original.keys;
  process.env.DATA_HASH_KEY = original.hash;
  resetIdentityKeys();
});

describe("identity encryption", () => {
  it("round-trips, uses a fresh IV each time, and binds the ciphertext to its column", () => {
    const nik = makeNik({ birthDate: "1990-01-01", sex: "L" });
    const a = encryptIdentity("nik", nik);
    const b = encryptIdentity("nik", nik);
    expect(a).not.toBe(b);
    expect(a).not.toContain(nik);
    expect(decryptIdentity("nik", a)).toBe(nik);
    expect(() => decryptIdentity("kk", a)).toThrow();
  });

  it("refuses a tampered ciphertext and an unknown key id", () => {
    const sealed = encryptIdentity("nik", "3174011705900001");
    const body = Buffer.from(sealed.slice(sealed.indexOf(":") + 1), "base64url");
    body[14] ^= 1;
    expect(() => decryptIdentity("nik", `${keyIdOf(sealed)}:${body.toString("base64url")}`)).toThrow();
    expect(() => decryptIdentity("nik", `nope:${sealed.slice(sealed.indexOf(":") + 1)}`)).toThrow(/not in DATA_KEYS/);
  });

  it("hashes with the key: the same NIK under another hash key gives another hash", () => {
    const nik = "3174011705900001";
    const first = identityHash(nik);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    process.env.DATA_HASH_KEY = key();
    resetIdentityKeys();
    expect(identityHash(nik)).not.toBe(first);
  });

  it("refuses badly written keys", () => {
    expect(() => parseKeys("k1:" + Buffer.alloc(16).toString("base64"), key())).toThrow(/32 bytes/);
    expect(() => parseKeys(key(), key())).toThrow(/<id>:<base64>/);
    expect(() => parseKeys(`a:${key()},a:${key()}`, key())).toThrow(/twice/);
    expect(parseKeys(`new:${key()},old:${key()}`, key()).current).toBe("new");
  });
});

describe("rows in the database", () => {
  beforeAll(freshDatabase);

  it("migration: rows written in clear before 0005 are encrypted, found by hash and last four, and the clear columns emptied", async () => {
    const niks = [0, 1, 2].map(() => makeNik({ birthDate: "1985-02-03", sex: "P" }));
    const kk = makeKk();
    for (const nik of niks) {
      await db.execute(sql`
        insert into participants (full_name, nik, kk, birth_date, sex, province_code, migrant_status, source)
        values ('Lama', ${nik}, ${niks[0] === nik ? kk : null}, '1985-02-03', 'P', '31', 'calon', 'import')`);
    }
    await db.execute(sql`
      insert into imports (id, cohort, file_name, file_sha256, file_bytes, rows_total, created_by, state)
      values ('00000000-0000-4000-8000-000000000001', 'Lama', 'lama.csv', ${"0".repeat(64)}, 1, 1,
              ${(await createTestUser("pmo")).id}, 'checked')`);
    await db.execute(sql`
      insert into import_rows (import_id, line, status, nik, data)
      values ('00000000-0000-4000-8000-000000000001', 2, 'ready', ${niks[1]}, ${JSON.stringify({ nik: niks[1], fullName: "Lama" })}::jsonb)`);

    // Small batches, so that the walk over several batches is what is tested.
    expect(await encryptLegacyIdentities(db, 2)).toBe(3);
    const after = await rows<Record<string, string | null>>(sql`select * from participants where full_name = 'Lama' order by nik_last4`);
    expect(after).toHaveLength(3);
    for (const r of after) {
      expect(r.nik).toBeNull();
      expect(r.kk).toBeNull();
      const nik = decryptIdentity("nik", r.nik_enc!);
      expect(niks).toContain(nik);
      expect(r.nik_hash).toBe(identityHash(nik));
      expect(r.nik_last4).toBe(nik.slice(-4));
      expect(JSON.stringify(r)).not.toContain(nik);
    }
    const withKk = after.find((r) => r.kk_enc)!;
    expect(decryptIdentity("kk", withKk.kk_enc!)).toBe(kk);
    expect(withKk.kk_hash).toBe(identityHash(kk));

    const [staged] = await rows<{ nik: string | null; nik_hash: string; data: Record<string, string> }>(
      sql`select nik, nik_hash, data from import_rows where line = 2`,
    );
    expect(staged.nik).toBeNull();
    expect(staged.nik_hash).toBe(identityHash(niks[1]));
    expect(staged.data.nik).toBeUndefined();
    expect(decryptIdentity("nik", staged.data.nikEnc)).toBe(niks[1]);

    // The PMO's exact search finds a migrated row; a second run has nothing to do.
    const pmo = await createTestUser("pmo");
    expect((await listParticipantsForPmo(pmo, { q: niks[2] })).total).toBe(1);
    expect(await encryptLegacyIdentities(db)).toBe(0);
    const [event] = await rows<{ n: number }>(sql`select count(*)::int as n from audit_events where action = 'identity.encrypt_legacy'`);
    expect(event.n).toBe(2);
  });

  it("the database refuses clear text beside a sealed value, and a third row on one KK hash", async () => {
    const nik = makeNik({ birthDate: "1985-02-03", sex: "P" });
    const sealed = sealNik(nik);
    await expect(
      db.execute(sql`
        insert into participants (full_name, nik, nik_enc, nik_hash, nik_last4, birth_date, sex, province_code, migrant_status, source)
        values ('X', ${nik}, ${sealed.nikEnc}, ${sealed.nikHash}, ${sealed.nikLast4}, '1985-02-03', 'P', '31', 'calon', 'import')`),
    ).rejects.toThrow();
    const kk = makeKk();
    const kkHash = identityHash(kk);
    const insert = () => {
      const s = sealNik(makeNik({ birthDate: "1985-02-03", sex: "P" }));
      return db.execute(sql`
        insert into participants (full_name, nik_enc, nik_hash, nik_last4, kk_enc, kk_hash, birth_date, sex, province_code, migrant_status, source)
        values ('KK', ${s.nikEnc}, ${s.nikHash}, ${s.nikLast4}, ${encryptIdentity("kk", kk)}, ${kkHash}, '1985-02-03', 'P', '31', 'calon', 'import')`);
    };
    await insert();
    await insert();
    const refused = await insert().then(() => null, (e: Error) => e);
    expect(String((refused?.cause as Error | undefined)?.message ?? refused?.message)).toMatch(/kk_limit/);
  });

  it("rotation: re-encrypts under the new key, keeps the old key's values readable until then, and rehashes on request", async () => {
    await db.execute(sql`delete from import_rows`);
    const before = await rows<{ id: string; nik_enc: string; nik_hash: string }>(
      sql`select id, nik_enc, nik_hash from participants where nik_enc is not null order by id`,
    );
    expect(before.length).toBeGreaterThan(3);
    const plain = new Map(before.map((r) => [r.id, decryptIdentity("nik", r.nik_enc)]));

    process.env.DATA_KEYS = `next:${key()},${original.keys}`;
    resetIdentityKeys();
    // The old key is still listed: every value still opens.
    for (const r of before) expect(decryptIdentity("nik", r.nik_enc)).toBe(plain.get(r.id));
    const first = await rotateIdentityKeys(db, { batchSize: 2 });
    expect(first.reencrypted).toBe(before.length);
    expect(first.rehashed).toBe(0);
    expect(await rotateIdentityKeys(db)).toEqual({ reencrypted: 0, rehashed: 0 });

    // Only the new key left: everything still opens.
    process.env.DATA_KEYS = process.env.DATA_KEYS.split(",")[0];
    process.env.DATA_HASH_KEY = key();
    resetIdentityKeys();
    const rotated = await rows<{ id: string; nik_enc: string; kk_enc: string | null; nik_hash: string }>(
      sql`select id, nik_enc, kk_enc, nik_hash from participants where nik_enc is not null order by id`,
    );
    for (const r of rotated) {
      expect(keyIdOf(r.nik_enc)).toBe("next");
      if (r.kk_enc) expect(keyIdOf(r.kk_enc)).toBe("next");
      expect(decryptIdentity("nik", r.nik_enc)).toBe(plain.get(r.id));
    }
    const rehashed = await rotateIdentityKeys(db, { rehash: true });
    expect(rehashed).toEqual({ reencrypted: 0, rehashed: before.length });
    const pmo = await createTestUser("pmo");
    const some = [...plain.values()][0];
    expect((await listParticipantsForPmo(pmo, { q: some })).total).toBe(1);
  });
});
